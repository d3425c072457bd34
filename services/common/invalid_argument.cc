#include "services/common/invalid_argument.h"

#include <string>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace signup {

grpc::Status InvalidArgumentStatus(absl::string_view field, absl::string_view reason,
                                   absl::string_view description) {
  google::rpc::BadRequest bad_request;
  google::rpc::BadRequest::FieldViolation* violation =
      bad_request.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_reason(std::string(reason));
  violation->set_description(std::string(description));

  google::rpc::Status status;
  status.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  status.set_message(std::string(description));
  status.add_details()->PackFrom(bad_request);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string(description),
                      status.SerializeAsString());
}

grpc::Status InvalidUsernameStatus(const UsernameError& error) {
  return InvalidArgumentStatus("username", UsernameRejectionReason(error.rejection),
                               error.message);
}

}  // namespace signup
