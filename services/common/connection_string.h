// Helpers for libpq connection strings (key=value or postgresql:// URI).
#ifndef SIGNUP_SERVICES_COMMON_CONNECTION_STRING_H_
#define SIGNUP_SERVICES_COMMON_CONNECTION_STRING_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace signup {

// Returns the connection string in key=value form with the password, if
// any, replaced by "***", so that it can be logged. Returns INVALID_ARGUMENT
// with libpq's message when libpq cannot parse it, with every part of the
// string that libpq quotes replaced by "...", so the message never
// contains the password.
absl::StatusOr<std::string> RedactConnectionString(absl::string_view conninfo);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_CONNECTION_STRING_H_
