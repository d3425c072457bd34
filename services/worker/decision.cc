#include "services/worker/decision.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/partitioner.h"
#include "services/common/request_id.h"
#include "services/common/username.h"

namespace signup {
namespace {

// Keeps text that PostgreSQL can store and escapes anything else, so that a
// malformed request can still be recorded as rejected.
std::string StorableText(absl::string_view text) {
  return IsStorableText(text) ? std::string(text) : absl::CHexEscape(text);
}

// Returns why the username of `message` cannot be claimed, or "" when it
// can. Without a policy, only the basic rules of ValidateUsername apply.
std::string CheckUsername(const kafka::v1::SignupRequested& message,
                          const UsernamePolicy* policy) {
  if (policy == nullptr) {
    const absl::Status valid = ValidateUsername(message.username());
    return valid.ok() ? "" : std::string(valid.message());
  }

  const absl::string_view policy_name = UsernamePolicyKindName(policy->kind);
  if (message.username_policy() != policy_name) {
    return absl::StrCat("username policy mismatch: the request was canonicalized under \"",
                        absl::CHexEscape(message.username_policy()),
                        "\" but this worker uses \"", policy_name,
                        "\"; configure every gateway and worker with the same "
                        "--username-policy");
  }
  const CanonicalizeResult result = CanonicalizeUsername(message.username(), *policy);
  if (result.error.has_value()) {
    return absl::StrCat("invalid username (", UsernameRejectionReason(result.error->rejection),
                        "): ", result.error->message);
  }
  if (result.username->canonical != message.username()) {
    return absl::StrCat("username \"", absl::CHexEscape(message.username()),
                        "\" is not canonical; its canonical form is \"",
                        absl::CHexEscape(result.username->canonical), "\"");
  }
  return "";
}

}  // namespace

CheckedRequest CheckRequest(const ConsumedRequest& request, const RequestChecks& checks) {
  CheckedRequest checked;
  checked.partition = request.partition;
  checked.offset = request.offset;

  kafka::v1::SignupRequested message;
  if (!message.ParseFromString(request.payload)) {
    checked.username = StorableText(request.key);
    checked.rejection_reason = absl::StrCat(
        "undecodable payload: ", request.payload.size(),
        " bytes are not a signup.kafka.v1.SignupRequested message");
    return checked;
  }
  checked.request_id = StorableText(message.request_id());
  checked.username = StorableText(message.username());
  checked.display_name = StorableText(message.display_name());

  if (absl::Status valid = ValidateRequestId(message.request_id()); !valid.ok()) {
    checked.rejection_reason = std::string(valid.message());
    return checked;
  }
  if (message.username() != request.key) {
    checked.rejection_reason = absl::StrCat(
        "message key \"", absl::CHexEscape(request.key),
        "\" differs from the username; producers must key each request by "
        "its username");
    return checked;
  }
  checked.rejection_reason = CheckUsername(message, checks.username_policy);
  if (!checked.is_claim()) return checked;

  if (checks.partition_count > 0) {
    const int32_t owner = PartitionForUsername(checked.username, checks.partition_count);
    if (owner != request.partition) {
      checked.rejection_reason = absl::StrCat(
          "wrong partition: username \"", checked.username, "\" belongs to partition ",
          owner, " of ", checks.partition_count, ", but was read from partition ",
          request.partition, "; producers must use the murmur2 partitioner");
    }
  }
  return checked;
}

absl::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kCreated:
      return "created";
    case Outcome::kUsernameTaken:
      return "username_taken";
    case Outcome::kRejected:
      return "rejected";
  }
  return "rejected";
}

Outcome OutcomeFromName(absl::string_view name) {
  if (name == "created") return Outcome::kCreated;
  if (name == "username_taken") return Outcome::kUsernameTaken;
  return Outcome::kRejected;
}

kafka::v1::SignupDecided ToKafkaMessage(const Decision& decision) {
  kafka::v1::SignupDecided message;
  message.set_request_id(decision.request_id);
  message.set_username(decision.username);
  message.set_partition(decision.partition);
  message.set_request_offset(decision.offset);
  switch (decision.outcome) {
    case Outcome::kCreated:
      message.set_outcome(kafka::v1::OUTCOME_CREATED);
      break;
    case Outcome::kUsernameTaken:
      message.set_outcome(kafka::v1::OUTCOME_USERNAME_TAKEN);
      break;
    case Outcome::kRejected:
      message.set_outcome(kafka::v1::OUTCOME_REJECTED);
      break;
  }
  message.set_account_id(decision.account_id);
  *message.mutable_decided_at() = google::protobuf::util::TimeUtil::NanosecondsToTimestamp(
      absl::ToUnixNanos(decision.decided_at));
  message.set_reason(decision.reason);
  message.set_display_name(decision.display_name);
  message.set_replay(decision.is_replay());
  message.set_original_offset(decision.is_replay() ? decision.replay_of_offset
                                                   : decision.offset);
  return message;
}

}  // namespace signup
