// INVALID_ARGUMENT statuses with a machine-readable google.rpc.BadRequest
// detail, so that clients can tell why a username was rejected without
// parsing the message.
#ifndef SIGNUP_SERVICES_COMMON_INVALID_ARGUMENT_H_
#define SIGNUP_SERVICES_COMMON_INVALID_ARGUMENT_H_

#include <grpcpp/grpcpp.h>

#include "absl/strings/string_view.h"
#include "services/common/username_policy.h"

namespace signup {

// Returns INVALID_ARGUMENT with `description` as the message and, in the
// status details, a google.rpc.Status holding a google.rpc.BadRequest with
// one field violation of `field`, with `reason` and `description`.
grpc::Status InvalidArgumentStatus(absl::string_view field, absl::string_view reason,
                                   absl::string_view description);

// The status for a username that the policy rejected: field "username",
// the rejection's reason (such as "TOO_LONG") and its message.
grpc::Status InvalidUsernameStatus(const UsernameError& error);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_INVALID_ARGUMENT_H_
