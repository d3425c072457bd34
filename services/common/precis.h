// The UsernameCaseMapped profile of PRECIS (RFC 8265 §3.3): the mapping and
// the checks that turn a username as typed into its canonical form.
#ifndef SIGNUP_SERVICES_COMMON_PRECIS_H_
#define SIGNUP_SERVICES_COMMON_PRECIS_H_

#include <optional>
#include <string>

#include "services/common/precis_identifier_class.h"

namespace signup {

// Why a string has no UsernameCaseMapped form.
enum class PrecisFailure {
  // A code point is not allowed by the IdentifierClass where it stands.
  kDisallowedCharacter,
  // The string contains right-to-left characters and breaks the Bidi Rule.
  kBidiRule,
  // The string is empty.
  kEmpty,
  // Applying the rules again kept changing the string.
  kUnstable,
};

struct PrecisError {
  PrecisFailure failure = PrecisFailure::kDisallowedCharacter;
  // Index of the offending code point in the input, or -1 when the failure
  // cannot be traced to a single input code point (for example after
  // normalization composed several input code points into one).
  int input_index = -1;
  // The offending code point after mapping; 0 for kEmpty and kUnstable.
  char32_t code_point = 0;
  // Its IdentifierClass property, for kDisallowedCharacter.
  PrecisProperty property = PrecisProperty::kDisallowed;
  // For kBidiRule, a clause such as "does not start with a letter".
  std::string explanation;
};

// The canonical form of a string, or why it has none. Exactly one is set.
struct PrecisResult {
  std::optional<std::u32string> canonical;
  std::optional<PrecisError> error;
};

// Applies the mapping rules of the profile without checking anything:
// width mapping (fullwidth and halfwidth forms to their decomposition),
// full locale-independent lowercasing, then NFC.
std::u32string MapUsernameCaseMapped(std::u32string_view input);

// Enforces the UsernameCaseMapped profile on `input`. Returns its canonical
// form, which is non-empty, consists of code points that the
// IdentifierClass allows, satisfies the Bidi Rule when it contains
// right-to-left characters, and maps to itself: EnforceUsernameCaseMapped
// of a canonical form returns it unchanged.
PrecisResult EnforceUsernameCaseMapped(std::u32string_view input);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_PRECIS_H_
