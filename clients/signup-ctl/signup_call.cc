#include "clients/signup-ctl/signup_call.h"

#include <memory>

#include "clients/signup-ctl/rpc_status.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"

namespace signup::ctl {

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
    return StatusFromGrpc(status);
  }
  if (!decided) {
    return absl::InternalError(
        "the gateway ended the stream with OK but without an outcome");
  }
  return absl::OkStatus();
}

}  // namespace signup::ctl
