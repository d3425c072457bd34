// The Bidi Rule of RFC 5893 §2, which keeps a right-to-left string from
// displaying in an order that makes it look like another string.
#ifndef SIGNUP_SERVICES_COMMON_BIDI_RULE_H_
#define SIGNUP_SERVICES_COMMON_BIDI_RULE_H_

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace signup {

// Returns true when `text` contains a code point of bidirectional class R,
// AL or AN, which makes the Bidi Rule apply to it.
bool HasRightToLeftCodePoint(std::u32string_view text);

// A code point that breaks the Bidi Rule, and why.
struct BidiRuleViolation {
  size_t index = 0;
  // A clause that completes "the name ...", e.g. "starts with a digit".
  std::string explanation;
};

// Checks `text` against the six conditions of the Bidi Rule. Returns the
// first violation, or nullopt when the text satisfies the rule. Callers
// apply it only to text for which HasRightToLeftCodePoint is true.
std::optional<BidiRuleViolation> CheckBidiRule(std::u32string_view text);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_BIDI_RULE_H_
