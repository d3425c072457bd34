// Formatting of signup-ctl's output lines. Every function here is pure, so
// unit tests can check its text without a gateway.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_OUTPUT_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_OUTPUT_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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

// Formats a decision as one JSON object on one line, without the '\n', using
// protobuf's JSON printer. Field names are those of the .proto file. Scalar
// and enum fields with default values are printed too, but an unset
// decided_at is left out. Returns the printer's error as INTERNAL if it fails.
absl::StatusOr<std::string> FormatDecisionJson(
    const signup::v1::Decision& decision);

// Formats a failed call as "ERROR <username>: <CODE>: <message>", where
// CODE is the canonical status code name such as UNAVAILABLE. `status` must
// not be OK.
// Formats a username that the gateway rejected with INVALID_ARGUMENT, as
// "- - USERNAME ❌ REASON: MESSAGE": no partition, offset or request id,
// because nothing reached Kafka.
std::string FormatInvalidText(std::string_view username, const absl::Status& status);

// The same as one JSON object: {"username", "outcome": "INVALID_ARGUMENT",
// "reason"}.
std::string FormatInvalidJson(std::string_view username, const absl::Status& status);

std::string FormatCallError(std::string_view username,
                            const absl::Status& status);

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_OUTPUT_H_
