// Conversion of a gRPC call's status into absl::Status.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_RPC_STATUS_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_RPC_STATUS_H_

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace signup::ctl {

// Converts `status` to absl::Status with the same code (gRPC and Abseil
// number their codes alike). When the status carries a google.rpc.BadRequest
// detail, as the gateway sends for an invalid username, the message starts
// with the machine-readable reason of the first field violation:
// "TOO_LONG: <message>".
absl::Status StatusFromGrpc(const grpc::Status& status);

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_RPC_STATUS_H_
