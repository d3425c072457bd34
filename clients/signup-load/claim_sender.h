// Sends one claim through the gateways until it is decided: every attempt
// that fails for a reason that may pass is sent again with the same request
// id and username, to the next gateway, after a bounded backoff.
#ifndef SIGNUP_CLIENTS_SIGNUP_LOAD_CLAIM_SENDER_H_
#define SIGNUP_CLIENTS_SIGNUP_LOAD_CLAIM_SENDER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "clients/signup-load/record_file.h"
#include "clients/signup-load/workload.h"
#include "grpcpp/support/status.h"
#include "signup/v1/signup.grpc.pb.h"

namespace signup::load {

struct Gateway {
  std::string address;
  std::unique_ptr<signup::v1::SignupService::StubInterface> stub;
};

// Opens one plaintext channel per address. The channels retry a refused
// connection after about one second at most, so a restarted gateway is used again
// soon after it listens.
std::vector<Gateway> ConnectGateways(const std::vector<std::string>& addresses);

struct RetryOptions {
  // Deadline of one attempt, from the moment it is sent.
  absl::Duration attempt_deadline = absl::Seconds(30);
  // Time after which a claim gets no new attempt, from its first attempt.
  absl::Duration claim_deadline = absl::Seconds(120);
  // Bounds of the exponential backoff between attempts.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(2);
};

// Returns the name of a gRPC status code as the gRPC documentation spells
// it, such as "UNAVAILABLE".
std::string StatusCodeName(grpc::StatusCode code);

// Returns true for the codes after which the claim is sent again:
// UNAVAILABLE (which includes a refused or broken connection),
// DEADLINE_EXCEEDED, CANCELLED, INTERNAL, UNKNOWN and ABORTED.
bool IsRetryableStatus(grpc::StatusCode code);

// The error message of an attempt whose stream carried two outcomes.
inline constexpr char kSecondOutcomeMessage[] =
    "the gateway sent a second outcome for the same request";

struct AttemptResult {
  // Every field except claim, kind, attempt and elapsed_ms is set.
  AttemptRecord record;
  // The call's status; INTERNAL when the stream ended with OK but broke
  // the contract of exactly one outcome.
  grpc::StatusCode code = grpc::StatusCode::OK;
};

// Runs one Signup call until the stream ends or `deadline` passes, and
// returns what it delivered.
AttemptResult RunSignupAttempt(signup::v1::SignupService::StubInterface& stub,
                               const std::string& gateway_address,
                               const std::string& request_id,
                               const std::string& username, absl::Time deadline);

struct ClaimResult {
  bool decided = false;
  int32_t attempts = 0;
  std::string last_status;  // status code name of the last attempt
};

// Sends `claim` starting with gateways[first_gateway], then to the next
// gateway after each retryable failure, until an attempt delivers an
// outcome, fails with a status that is not retryable, or the claim
// deadline passes. Appends every attempt to `writer`.
ClaimResult SendClaim(const Claim& claim, const std::vector<Gateway>& gateways,
                      size_t first_gateway, const RetryOptions& options,
                      RecordWriter& writer);

}  // namespace signup::load

#endif  // SIGNUP_CLIENTS_SIGNUP_LOAD_CLAIM_SENDER_H_
