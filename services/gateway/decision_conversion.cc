#include "services/gateway/decision_conversion.h"

#include "absl/strings/str_cat.h"

namespace signup {
namespace {

v1::Outcome ToApiOutcome(kafka::v1::Outcome outcome) {
  switch (outcome) {
    case kafka::v1::OUTCOME_CREATED:
      return v1::OUTCOME_CREATED;
    case kafka::v1::OUTCOME_USERNAME_TAKEN:
      return v1::OUTCOME_USERNAME_TAKEN;
    case kafka::v1::OUTCOME_REJECTED:
      return v1::OUTCOME_REJECTED;
    default:
      return v1::OUTCOME_UNSPECIFIED;
  }
}

}  // namespace

v1::Decision ToApiDecision(const kafka::v1::SignupDecided& message) {
  v1::Decision decision;
  decision.set_request_id(message.request_id());
  decision.set_username(message.username());
  decision.set_partition(message.partition());
  decision.set_offset(message.request_offset());
  decision.set_outcome(ToApiOutcome(message.outcome()));
  decision.set_account_id(message.account_id());
  *decision.mutable_decided_at() = message.decided_at();
  decision.set_reason(message.reason());
  decision.set_display_name(message.display_name());
  decision.set_replay(message.replay());
  // Decisions from workers older than the replay field carry no original
  // offset; theirs is the request's own.
  decision.set_original_offset(message.replay() ? message.original_offset()
                                                : message.request_offset());
  return decision;
}

absl::StatusOr<v1::Decision> DecodeDecision(absl::string_view payload) {
  kafka::v1::SignupDecided message;
  if (!message.ParseFromArray(payload.data(), static_cast<int>(payload.size())) ||
      message.request_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "undecodable decision payload of ", payload.size(),
        " bytes: not a signup.kafka.v1.SignupDecided message with a request id"));
  }
  return ToApiDecision(message);
}

}  // namespace signup
