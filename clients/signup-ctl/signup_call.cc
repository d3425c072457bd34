#include "clients/signup-ctl/signup_call.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"

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

absl::Status RunSignupCall(signup::v1::SignupService::StubInterface& stub,
                           const std::string& username, absl::Duration deadline,
                           const SignupCallHandlers& handlers) {
  grpc::ClientContext context;
  if (deadline != absl::InfiniteDuration()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  }

  signup::v1::SignupRequest request;
  request.set_username(username);
  std::unique_ptr<grpc::ClientReaderInterface<signup::v1::SignupEvent>> reader =
      stub.Signup(&context, request);

  bool accepted = false;
  bool decided = false;
  bool second_outcome = false;
  signup::v1::SignupEvent event;
  while (reader->Read(&event)) {
    if (event.has_accepted()) {
      if (accepted) continue;
      accepted = true;
      if (handlers.on_accepted) handlers.on_accepted(event.accepted());
    } else if (event.has_outcome()) {
      if (decided) {
        // The stream can no longer be trusted, so cancel it and discard
        // whatever is still buffered before calling Finish.
        second_outcome = true;
        context.TryCancel();
        while (reader->Read(&event)) {
        }
        break;
      }
      decided = true;
      if (handlers.on_outcome) handlers.on_outcome(event.outcome());
    }
    // An event with no field set comes from a newer gateway that added an
    // event kind this build does not know, so it is skipped.
  }

  const grpc::Status status = reader->Finish();
  if (second_outcome) {
    return absl::InternalError(
        "the gateway sent a second outcome for the same request");
  }
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        MessageWithReason(status));
  }
  if (!decided) {
    return absl::InternalError(
        "the gateway ended the stream with OK but without an outcome");
  }
  return absl::OkStatus();
}

}  // namespace signup::ctl
