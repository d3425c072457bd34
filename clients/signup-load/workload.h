// The claims that `signup-load run` sends: fresh usernames, duplicates of
// earlier usernames under a new request id, and client retries that repeat
// an earlier claim's request id and username.
#ifndef SIGNUP_CLIENTS_SIGNUP_LOAD_WORKLOAD_H_
#define SIGNUP_CLIENTS_SIGNUP_LOAD_WORKLOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace signup::load {

enum class ClaimKind {
  kFirst,      // the first claim of a new username
  kDuplicate,  // a new request id for a username that an earlier claim used
  kRetry,      // an earlier claim's request id and username, sent again
};

// Returns "first", "duplicate" or "retry", the names in the record file.
absl::string_view ClaimKindName(ClaimKind kind);

struct Claim {
  int64_t index = 0;
  ClaimKind kind = ClaimKind::kFirst;
  std::string request_id;
  std::string username;
  // For a retry, the index of the claim it repeats, which is never itself a
  // retry; the retry is sent only after that claim completed. For a
  // duplicate, the index of a claim with the same username. -1 for kFirst.
  int64_t original = -1;
};

struct WorkloadOptions {
  int64_t requests = 0;
  double duplicate_share = 0;  // in [0, 1]
  double retry_share = 0;      // in [0, 1]
  uint64_t seed = 0;
};

// Builds `requests` claims. Exactly round(requests * duplicate_share) are
// duplicates and round(requests * retry_share) are retries, in an order
// drawn from `seed`; claim 0 is always a first claim. Usernames and request
// ids contain the seed in base 36, so runs with different seeds never share
// one. Returns INVALID_ARGUMENT when a share is outside [0, 1] or the shares
// leave no first claim.
absl::StatusOr<std::vector<Claim>> GenerateWorkload(const WorkloadOptions& options);

}  // namespace signup::load

#endif  // SIGNUP_CLIENTS_SIGNUP_LOAD_WORKLOAD_H_
