// `signup-load run`: sends a workload's claims concurrently through the
// gateways and records every attempt.
#ifndef SIGNUP_CLIENTS_SIGNUP_LOAD_LOAD_RUNNER_H_
#define SIGNUP_CLIENTS_SIGNUP_LOAD_LOAD_RUNNER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "clients/signup-load/claim_sender.h"
#include "clients/signup-load/record_file.h"
#include "clients/signup-load/workload.h"

namespace signup::load {

struct LoadOptions {
  int32_t concurrency = 16;  // claims in flight at once
  // Claims started per second across all threads; 0 sends as fast as the
  // concurrency allows.
  double rate = 0;
  RetryOptions retry;
};

struct LoadSummary {
  int64_t claims = 0;
  int64_t decided = 0;    // claims that got an outcome
  int64_t attempts = 0;   // attempts over all claims
  int64_t undecided = 0;  // claims that ran out of time or failed for good
};

// Sends every claim of `claims` in index order through `gateways`, with
// `options.concurrency` threads. A retry claim starts only after the claim
// it repeats has completed. Claim i goes first to gateway i mod the gateway
// count. Prints progress to stderr every 5 seconds.
LoadSummary RunLoad(const std::vector<Claim>& claims, const std::vector<Gateway>& gateways,
                    const LoadOptions& options, RecordWriter& writer);

}  // namespace signup::load

#endif  // SIGNUP_CLIENTS_SIGNUP_LOAD_LOAD_RUNNER_H_
