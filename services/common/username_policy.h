// Username canonicalization: the form under which usernames are compared
// for uniqueness, so that "Bob", "bob" and fullwidth "ｂｏｂ" are one name.
// docs/usernames.md describes the policy and its reasons.
#ifndef SIGNUP_SERVICES_COMMON_USERNAME_POLICY_H_
#define SIGNUP_SERVICES_COMMON_USERNAME_POLICY_H_

#include <optional>
#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace signup {

enum class UsernamePolicyKind {
  // The UsernameCaseMapped profile of PRECIS (RFC 8265 §3.3), plus a
  // mixed-script check with ICU's spoof checker.
  kPrecis,
  // Lowercased ASCII letters, digits, '.', '_' and '-' only.
  kAscii,
};

// Parses "precis" or "ascii". Returns INVALID_ARGUMENT naming the value
// otherwise.
absl::StatusOr<UsernamePolicyKind> ParseUsernamePolicyKind(absl::string_view name);

// Returns "precis" or "ascii".
absl::string_view UsernamePolicyKindName(UsernamePolicyKind kind);

// Lets ABSL_FLAG(signup::UsernamePolicyKind, ...) parse and print the kind.
bool AbslParseFlag(absl::string_view text, UsernamePolicyKind* kind, std::string* error);
std::string AbslUnparseFlag(UsernamePolicyKind kind);

struct UsernamePolicy {
  UsernamePolicyKind kind = UsernamePolicyKind::kPrecis;
  // Limits on the canonical form, in code points and in UTF-8 bytes.
  int min_code_points = 1;
  int max_code_points = 40;
  int max_bytes = 160;
  // Canonical forms that nobody may claim, as LoadReservedNames returns
  // them. A name here that is not canonical never matches.
  std::set<std::string> reserved_names;
};

enum class UsernameRejection {
  kEmpty,
  kTooShort,
  kTooLong,
  kDisallowedCharacter,
  kMixedScript,
  kBidiRule,
  kReserved,
  kInvalidUtf8,
};

// Returns the machine-readable reason: "EMPTY", "TOO_SHORT", "TOO_LONG",
// "DISALLOWED_CHARACTER", "MIXED_SCRIPT", "BIDI_RULE", "RESERVED" or
// "INVALID_UTF8".
absl::string_view UsernameRejectionReason(UsernameRejection rejection);

struct Username {
  // The form that uniqueness is decided on.
  std::string canonical;
  // The input in NFC, as the user typed it, for display.
  std::string display;
};

struct UsernameError {
  UsernameRejection rejection = UsernameRejection::kDisallowedCharacter;
  // Zero-based index of the offending code point in the input, or -1 when
  // no single code point is at fault. Set for kInvalidUtf8 (the code point
  // where decoding stopped), kDisallowedCharacter and, when it can be
  // traced, kBidiRule.
  int code_point_index = -1;
  // A sentence for a person that quotes the input (escaped) and states what
  // to change.
  std::string message;
};

// Exactly one of the two is set.
struct CanonicalizeResult {
  std::optional<Username> username;
  std::optional<UsernameError> error;
};

// Canonicalizes `input` under `policy`, or returns why it is not a valid
// username. Checks run in this order: UTF-8 validity, emptiness, the
// policy's characters and rules, length of the canonical form, mixed
// scripts (kPrecis only), reserved names. An input of more than 4 *
// max_code_points code points is kTooLong before the character checks,
// because its canonical form cannot be shorter than a quarter of it. For
// every accepted input, canonicalizing the canonical form returns it
// unchanged. Thread-safe.
CanonicalizeResult CanonicalizeUsername(absl::string_view input, const UsernamePolicy& policy);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_USERNAME_POLICY_H_
