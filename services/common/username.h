// Validation of the usernames that callers claim.
#ifndef SIGNUP_SERVICES_COMMON_USERNAME_H_
#define SIGNUP_SERVICES_COMMON_USERNAME_H_

#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace signup {

// Maximum username length in Unicode code points, as the accounts table's
// column allows.
inline constexpr int kMaxUsernameCodePoints = 40;

// Returns OK when `username` is 1 to kMaxUsernameCodePoints code points of
// well-formed UTF-8 with no control character, white space or U+FFFD.
// Otherwise returns INVALID_ARGUMENT with a message that quotes the
// username (escaped) and says what to change.
//
// NOTE: names are compared byte for byte, so "Bob" and "bob" are different
// usernames; no case folding or Unicode normalization is applied.
absl::Status ValidateUsername(absl::string_view username);

// Returns true when `text` is well-formed UTF-8 without NUL bytes, so that
// PostgreSQL accepts it as text.
bool IsStorableText(absl::string_view text);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_USERNAME_H_
