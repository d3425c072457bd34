// Conversion of the Kafka decision payload into the public API's Decision.
#ifndef SIGNUP_SERVICES_GATEWAY_DECISION_CONVERSION_H_
#define SIGNUP_SERVICES_GATEWAY_DECISION_CONVERSION_H_

#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "signup/kafka/v1/messages.pb.h"
#include "signup/v1/signup.pb.h"

namespace signup {

// Returns the API form of a decision read from account.signup_response.
v1::Decision ToApiDecision(const kafka::v1::SignupDecided& message);

// Decodes a payload of account.signup_response. Returns INVALID_ARGUMENT
// when it is not a SignupDecided message with a request id.
absl::StatusOr<v1::Decision> DecodeDecision(absl::string_view payload);

}  // namespace signup

#endif  // SIGNUP_SERVICES_GATEWAY_DECISION_CONVERSION_H_
