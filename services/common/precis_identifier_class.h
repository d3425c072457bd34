// The PRECIS IdentifierClass of RFC 8264: the derived property of each
// code point, and the contextual rules that decide whether a CONTEXTJ or
// CONTEXTO code point may appear where it stands.
#ifndef SIGNUP_SERVICES_COMMON_PRECIS_IDENTIFIER_CLASS_H_
#define SIGNUP_SERVICES_COMMON_PRECIS_IDENTIFIER_CLASS_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace signup {

// Derived property values of RFC 8264 §8 as they apply to the
// IdentifierClass, where ID_DIS and FREE_PVAL both mean kDisallowed.
enum class PrecisProperty { kPvalid, kContextJ, kContextO, kDisallowed, kUnassigned };

// Returns "PVALID", "CONTEXTJ", "CONTEXTO", "DISALLOWED" or "UNASSIGNED".
absl::string_view PrecisPropertyName(PrecisProperty property);

// Computes the IdentifierClass property of `code_point` from the Unicode
// properties of the ICU library this binary links (ICU 72 implements
// Unicode 15.0), so characters that a later Unicode version assigns stay
// kUnassigned until ICU is upgraded.
PrecisProperty IdentifierClassProperty(char32_t code_point);

// Returns true when the code point at `text[index]`, whose property is
// kContextJ or kContextO, satisfies its contextual rule (RFC 5892
// Appendix A) within `text`. Returns false for a code point that has no
// rule, because a contextual code point without a rule is not allowed.
bool ContextualRuleSatisfied(std::u32string_view text, size_t index);

// Returns true when `text[index]` may appear in an IdentifierClass string:
// it is PVALID, or it is CONTEXTJ or CONTEXTO and its rule is satisfied.
bool IdentifierClassAllows(std::u32string_view text, size_t index);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_PRECIS_IDENTIFIER_CLASS_H_
