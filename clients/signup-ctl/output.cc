#include "clients/signup-ctl/output.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace signup::ctl {

namespace {

constexpr char kCreatedMark[] = "✅";
constexpr char kNotCreatedMark[] = "❌";

// Appends where the first request is, when `decision` repeats its decision
// for a retry.
void AppendReplay(const signup::v1::Decision& decision, std::string& line) {
  if (!decision.replay()) return;
  absl::StrAppend(&line, " replay of ", decision.partition(), ":",
                  decision.original_offset());
}

}  // namespace

std::string FormatDecisionText(const signup::v1::Decision& decision) {
  std::string line =
      absl::StrCat(decision.partition(), ":", decision.offset(), " ",
                   decision.request_id(), " ", decision.username(), " ");

  switch (decision.outcome()) {
    case signup::v1::OUTCOME_CREATED:
      absl::StrAppend(&line, kCreatedMark);
      AppendReplay(decision, line);
      return line;
    case signup::v1::OUTCOME_USERNAME_TAKEN:
      absl::StrAppend(&line, kNotCreatedMark);
      AppendReplay(decision, line);
      return line;
    case signup::v1::OUTCOME_REJECTED:
      absl::StrAppend(&line, kNotCreatedMark);
      if (!decision.reason().empty()) {
        absl::StrAppend(&line, " ", decision.reason());
      }
      return line;
    default:
      break;
  }

  // OUTCOME_UNSPECIFIED, or a value this build of the client does not know.
  // Outcome_Name returns "" for unknown numbers, so print the number then.
  std::string name = signup::v1::Outcome_Name(decision.outcome());
  if (name.empty()) name = absl::StrCat(static_cast<int>(decision.outcome()));
  absl::StrAppend(&line, kNotCreatedMark, " unrecognized outcome ", name);
  return line;
}

absl::StatusOr<std::string> FormatMessageJson(
    const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;

  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    // Protobuf 3.21 returns its own util::Status type, not absl::Status.
    return absl::InternalError(absl::StrCat("cannot print ",
                                            message.GetTypeName(),
                                            " as JSON: ", status.ToString()));
  }
  return json;
}

absl::StatusOr<std::string> FormatDecisionJson(
    const signup::v1::Decision& decision) {
  return FormatMessageJson(decision);
}

std::string FormatInvalidText(std::string_view username, const absl::Status& status) {
  const absl::string_view name(username.data(), username.size());
  return absl::StrCat("- - ", name, " ", kNotCreatedMark, " ", status.message());
}

std::string FormatInvalidJson(std::string_view username, const absl::Status& status) {
  return FormatStatusJson(username, absl::InvalidArgumentError(status.message()));
}

std::string FormatStatusJson(std::string_view username, const absl::Status& status) {
  // A Struct keeps the JSON encoding in protobuf's hands, with its escaping.
  google::protobuf::Struct object;
  (*object.mutable_fields())["username"].set_string_value(std::string(username));
  (*object.mutable_fields())["outcome"].set_string_value(
      absl::StatusCodeToString(status.code()));
  (*object.mutable_fields())["reason"].set_string_value(std::string(status.message()));
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  (void)google::protobuf::util::MessageToJsonString(object, &json, options);
  return json;
}

std::string FormatCallError(std::string_view subject,
                            const absl::Status& status) {
  // Debian's Abseil 20220623 has its own absl::string_view, which StrCat
  // does not convert from std::string_view.
  const absl::string_view name(subject.data(), subject.size());
  return absl::StrCat("ERROR ", name, ": ",
                      absl::StatusCodeToString(status.code()), ": ",
                      status.message());
}

}  // namespace signup::ctl
