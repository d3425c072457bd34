// One Signup call, run synchronously on the calling thread.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_SIGNUP_CALL_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_SIGNUP_CALL_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "signup/v1/signup.grpc.pb.h"
#include "signup/v1/signup.pb.h"

namespace signup::ctl {

// Callbacks for the events of one Signup stream. Both run on the thread that
// called RunSignupCall, and each runs at most once per call.
struct SignupCallHandlers {
  // Runs when the `accepted` event arrives, that is once Kafka stored the
  // request.
  std::function<void(const signup::v1::Accepted&)> on_accepted;
  // Runs when the `outcome` event arrives.
  std::function<void(const signup::v1::Decision&)> on_outcome;
};

// Claims `username` through `stub` with an empty request id, so the gateway
// generates one, and blocks until the stream ends or `deadline` passes. An
// infinite `deadline` sets no deadline. Returns OK when the stream ended
// with OK after exactly one outcome. Otherwise returns the call's gRPC
// status converted to absl::Status (the codes have the same numbers), or
// INTERNAL when the gateway broke the stream's contract by ending without an
// outcome or by sending a second one.
absl::Status RunSignupCall(signup::v1::SignupService::StubInterface& stub,
                           const std::string& username, absl::Duration deadline,
                           const SignupCallHandlers& handlers);

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_SIGNUP_CALL_H_
