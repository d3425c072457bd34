// Formatting of signup-ctl's output lines. Every function here is pure, so
// unit tests can check its text without a gateway.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_OUTPUT_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_OUTPUT_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "signup/v1/signup.pb.h"

namespace signup::ctl {

// Formats a decision as one line of text without the '\n':
//   "<partition>:<offset> <request_id> <username> ✅" for OUTCOME_CREATED,
//   "<partition>:<offset> <request_id> <username> ❌" for OUTCOME_USERNAME_TAKEN,
//   "<partition>:<offset> <request_id> <username> ❌ <reason>" for
//   OUTCOME_REJECTED (no trailing space when the reason is empty).
// Any other outcome value, which a newer gateway could send, gets
// "❌ unrecognized outcome <name or number>".
std::string FormatDecisionText(const signup::v1::Decision& decision);

// Formats any message as one JSON object on one line, without the '\n',
// using protobuf's JSON printer. Field names are those of the .proto file.
// Scalar and enum fields with default values are printed too, but unset
// message fields are left out. Returns the printer's error as INTERNAL if it
// fails, for example on a Timestamp outside years 1 to 9999.
absl::StatusOr<std::string> FormatMessageJson(
    const google::protobuf::Message& message);

// Formats a decision as FormatMessageJson does, so an unset decided_at is
// left out.
absl::StatusOr<std::string> FormatDecisionJson(
    const signup::v1::Decision& decision);

// Formats a username that the gateway rejected with INVALID_ARGUMENT, as
// "- - USERNAME ❌ REASON: MESSAGE": no partition, offset or request id,
// because nothing reached Kafka.
std::string FormatInvalidText(std::string_view username, const absl::Status& status);

// The same as one JSON object: {"username", "outcome": "INVALID_ARGUMENT",
// "reason"}.
std::string FormatInvalidJson(std::string_view username, const absl::Status& status);

// Formats an error status that is a result for the user, such as an invalid
// name or NOT_FOUND, as one JSON object on one line:
// {"username": USERNAME, "outcome": CODE, "reason": MESSAGE}, where CODE is
// the canonical status code name such as NOT_FOUND.
std::string FormatStatusJson(std::string_view username, const absl::Status& status);

// Formats a failed call as "ERROR <subject>: <CODE>: <message>", where
// CODE is the canonical status code name such as UNAVAILABLE. The subject is
// the username of the call, or the RPC name for calls without one. `status`
// must not be OK.
std::string FormatCallError(std::string_view subject,
                            const absl::Status& status);

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_OUTPUT_H_
