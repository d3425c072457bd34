// The unary SignupService calls behind check, lookup and status, each run
// synchronously with a deadline.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_QUERY_CALLS_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_QUERY_CALLS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "signup/admin/v1/admin.pb.h"
#include "signup/v1/signup.grpc.pb.h"
#include "signup/v1/signup.pb.h"

namespace signup::ctl {

// Each call below blocks until the gateway responds or `deadline` passes,
// counted from the moment the call is sent; an infinite `deadline` sets no
// deadline. A failed call returns its gRPC status converted by
// StatusFromGrpc, so an INVALID_ARGUMENT message starts with the
// BadRequest reason.

// Calls CheckUsername for `username`.
absl::StatusOr<signup::v1::CheckUsernameResponse> CallCheckUsername(
    signup::v1::SignupService::StubInterface& stub,
    const std::string& username, absl::Duration deadline);

// Calls GetAccount for `username`. NOT_FOUND means that no account holds
// the name.
absl::StatusOr<signup::admin::v1::Account> CallGetAccount(
    signup::v1::SignupService::StubInterface& stub,
    const std::string& username, absl::Duration deadline);

// Calls GetClusterStatus.
absl::StatusOr<signup::v1::ClusterStatus> CallGetClusterStatus(
    signup::v1::SignupService::StubInterface& stub, absl::Duration deadline);

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_QUERY_CALLS_H_
