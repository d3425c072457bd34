#include "clients/signup-ctl/rpc_status.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace signup::ctl {
namespace {

// Returns the status message, prefixed with the machine-readable reason of
// the first field violation when the status carries a google.rpc.BadRequest
// detail, as the gateway sends for an invalid username: "TOO_LONG: ...".
std::string MessageWithReason(const grpc::Status& status) {
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return status.error_message();
  }
  for (const google::protobuf::Any& detail : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!detail.UnpackTo(&bad_request) || bad_request.field_violations().empty()) continue;
    const google::rpc::BadRequest::FieldViolation& violation =
        bad_request.field_violations(0);
    if (violation.reason().empty()) break;
    return absl::StrCat(violation.reason(), ": ", status.error_message());
  }
  return status.error_message();
}

}  // namespace

absl::Status StatusFromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      MessageWithReason(status));
}

}  // namespace signup::ctl
