#include "services/common/precis_identifier_class.h"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <iterator>
#include <optional>

#include "services/common/unicode_text.h"

namespace signup {
namespace {

// One entry, or a range of entries, of the Exceptions table.
struct ExceptionRange {
  char32_t first;
  char32_t last;
  PrecisProperty property;
};

// RFC 5892 §2.6 (Exceptions), which RFC 8264 §9.6 adopts: code points whose
// property is fixed by hand because their general category would give the
// wrong answer. Sorted by first code point.
constexpr ExceptionRange kExceptions[] = {
    {0x00b7, 0x00b7, PrecisProperty::kContextO},    // MIDDLE DOT
    {0x00df, 0x00df, PrecisProperty::kPvalid},      // LATIN SMALL LETTER SHARP S
    {0x0375, 0x0375, PrecisProperty::kContextO},    // GREEK LOWER NUMERAL SIGN (KERAIA)
    {0x03c2, 0x03c2, PrecisProperty::kPvalid},      // GREEK SMALL LETTER FINAL SIGMA
    {0x05f3, 0x05f4, PrecisProperty::kContextO},    // HEBREW PUNCTUATION GERESH, GERSHAYIM
    {0x0640, 0x0640, PrecisProperty::kDisallowed},  // ARABIC TATWEEL
    {0x0660, 0x0669, PrecisProperty::kContextO},    // ARABIC-INDIC DIGIT ZERO..NINE
    {0x06f0, 0x06f9, PrecisProperty::kContextO},    // EXTENDED ARABIC-INDIC DIGIT ZERO..NINE
    {0x06fd, 0x06fe, PrecisProperty::kPvalid},      // ARABIC SIGN SINDHI AMPERSAND, POSTPOSITION MEN
    {0x07fa, 0x07fa, PrecisProperty::kDisallowed},  // NKO LAJANYALAN
    {0x0f0b, 0x0f0b, PrecisProperty::kPvalid},      // TIBETAN MARK INTERSYLLABIC TSHEG
    {0x3007, 0x3007, PrecisProperty::kPvalid},      // IDEOGRAPHIC NUMBER ZERO
    {0x302e, 0x302f, PrecisProperty::kDisallowed},  // HANGUL SINGLE, DOUBLE DOT TONE MARK
    {0x3031, 0x3035, PrecisProperty::kDisallowed},  // VERTICAL KANA REPEAT MARKS
    {0x303b, 0x303b, PrecisProperty::kDisallowed},  // VERTICAL IDEOGRAPHIC ITERATION MARK
    {0x30fb, 0x30fb, PrecisProperty::kContextO},    // KATAKANA MIDDLE DOT
};

std::optional<PrecisProperty> ExceptionProperty(char32_t c) {
  const auto* entry = std::upper_bound(
      std::begin(kExceptions), std::end(kExceptions), c,
      [](char32_t value, const ExceptionRange& range) { return value < range.first; });
  if (entry == std::begin(kExceptions)) return std::nullopt;
  --entry;
  if (c > entry->last) return std::nullopt;
  return entry->property;
}

bool IsUnassigned(UChar32 c) {
  return u_charType(c) == U_UNASSIGNED && !u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT);
}

bool IsOldHangulJamo(UChar32 c) {
  switch (u_getIntPropertyValue(c, UCHAR_HANGUL_SYLLABLE_TYPE)) {
    case U_HST_LEADING_JAMO:
    case U_HST_VOWEL_JAMO:
    case U_HST_TRAILING_JAMO:
      return true;
    default:
      return false;
  }
}

bool IsPrecisIgnorable(UChar32 c) {
  return u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
         u_hasBinaryProperty(c, UCHAR_NONCHARACTER_CODE_POINT);
}

bool HasCompatibilityEquivalent(UChar32 c) {
  const icu::UnicodeString original(c);
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString normalized = NfkcNormalizer().normalize(original, status);
  return U_FAILURE(status) || normalized != original;
}

// The general category groups of RFC 8264 §9.1 to §9.5, in the order in
// which §8 tests them.
enum class CategoryGroup { kLetterDigits, kOtherLetterDigits, kSpaces, kSymbols, kPunctuation, kOther };

CategoryGroup GroupOf(UChar32 c) {
  switch (u_charType(c)) {
    case U_LOWERCASE_LETTER:
    case U_UPPERCASE_LETTER:
    case U_OTHER_LETTER:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_MODIFIER_LETTER:
    case U_NON_SPACING_MARK:
    case U_COMBINING_SPACING_MARK:
      return CategoryGroup::kLetterDigits;
    case U_TITLECASE_LETTER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
    case U_ENCLOSING_MARK:
      return CategoryGroup::kOtherLetterDigits;
    case U_SPACE_SEPARATOR:
      return CategoryGroup::kSpaces;
    case U_MATH_SYMBOL:
    case U_CURRENCY_SYMBOL:
    case U_MODIFIER_SYMBOL:
    case U_OTHER_SYMBOL:
      return CategoryGroup::kSymbols;
    case U_CONNECTOR_PUNCTUATION:
    case U_DASH_PUNCTUATION:
    case U_START_PUNCTUATION:
    case U_END_PUNCTUATION:
    case U_INITIAL_PUNCTUATION:
    case U_FINAL_PUNCTUATION:
    case U_OTHER_PUNCTUATION:
      return CategoryGroup::kPunctuation;
    default:
      return CategoryGroup::kOther;
  }
}

UScriptCode ScriptOf(char32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
  return U_SUCCESS(status) ? script : USCRIPT_INVALID_CODE;
}

bool IsVirama(char32_t c) {
  constexpr uint8_t kViramaCombiningClass = 9;
  return u_getCombiningClass(static_cast<UChar32>(c)) == kViramaCombiningClass;
}

UJoiningType JoiningTypeOf(char32_t c) {
  return static_cast<UJoiningType>(
      u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_JOINING_TYPE));
}

// ZERO WIDTH NON-JOINER (RFC 5892 A.1) is allowed after a virama, or
// between a left- or dual-joining letter and a right- or dual-joining
// letter, with only transparent letters in between on either side.
bool ZeroWidthNonJoinerAllowed(std::u32string_view text, size_t index) {
  if (index > 0 && IsVirama(text[index - 1])) return true;

  bool joins_left = false;
  for (size_t i = index; i-- > 0;) {
    const UJoiningType type = JoiningTypeOf(text[i]);
    if (type == U_JT_TRANSPARENT) continue;
    joins_left = type == U_JT_LEFT_JOINING || type == U_JT_DUAL_JOINING;
    break;
  }
  if (!joins_left) return false;

  for (size_t i = index + 1; i < text.size(); ++i) {
    const UJoiningType type = JoiningTypeOf(text[i]);
    if (type == U_JT_TRANSPARENT) continue;
    return type == U_JT_RIGHT_JOINING || type == U_JT_DUAL_JOINING;
  }
  return false;
}

bool ContainsAnyInRange(std::u32string_view text, char32_t first, char32_t last) {
  return std::any_of(text.begin(), text.end(),
                     [&](char32_t c) { return c >= first && c <= last; });
}

}  // namespace

absl::string_view PrecisPropertyName(PrecisProperty property) {
  switch (property) {
    case PrecisProperty::kPvalid:
      return "PVALID";
    case PrecisProperty::kContextJ:
      return "CONTEXTJ";
    case PrecisProperty::kContextO:
      return "CONTEXTO";
    case PrecisProperty::kDisallowed:
      return "DISALLOWED";
    case PrecisProperty::kUnassigned:
      return "UNASSIGNED";
  }
  return "DISALLOWED";
}

// The steps below are RFC 8264 §8 in its order: the first category that
// contains the code point decides. BackwardCompatible (§9.7), the second
// step, is empty, so it has no code here.
PrecisProperty IdentifierClassProperty(char32_t code_point) {
  if (code_point > 0x10ffff) return PrecisProperty::kDisallowed;
  const auto c = static_cast<UChar32>(code_point);

  if (std::optional<PrecisProperty> exception = ExceptionProperty(code_point)) {
    return *exception;
  }
  if (IsUnassigned(c)) return PrecisProperty::kUnassigned;
  // ASCII7 (§9.11): the printable ASCII characters U+0021..U+007E.
  if (c >= 0x21 && c <= 0x7e) return PrecisProperty::kPvalid;
  if (u_hasBinaryProperty(c, UCHAR_JOIN_CONTROL)) return PrecisProperty::kContextJ;
  if (IsOldHangulJamo(c)) return PrecisProperty::kDisallowed;
  if (IsPrecisIgnorable(c)) return PrecisProperty::kDisallowed;
  if (u_charType(c) == U_CONTROL_CHAR) return PrecisProperty::kDisallowed;
  if (HasCompatibilityEquivalent(c)) return PrecisProperty::kDisallowed;

  // LetterDigits are PVALID. OtherLetterDigits, Spaces, Symbols and
  // Punctuation are ID_DIS, which the IdentifierClass disallows, and so is
  // everything that falls through (surrogates, private use, Cf, Zl, Zp).
  return GroupOf(c) == CategoryGroup::kLetterDigits ? PrecisProperty::kPvalid
                                                    : PrecisProperty::kDisallowed;
}

// The rules of RFC 5892 Appendix A for the code points that
// IdentifierClassProperty marks CONTEXTJ or CONTEXTO.
bool ContextualRuleSatisfied(std::u32string_view text, size_t index) {
  if (index >= text.size()) return false;
  const char32_t c = text[index];
  const bool has_before = index > 0;
  const bool has_after = index + 1 < text.size();

  switch (c) {
    case 0x200c:  // ZERO WIDTH NON-JOINER
      return ZeroWidthNonJoinerAllowed(text, index);
    case 0x200d:  // ZERO WIDTH JOINER: only after a virama.
      return has_before && IsVirama(text[index - 1]);
    case 0x00b7:  // MIDDLE DOT: only between two 'l', as in Catalan "l·l".
      return has_before && has_after && text[index - 1] == U'l' && text[index + 1] == U'l';
    case 0x0375:  // GREEK LOWER NUMERAL SIGN: followed by a Greek character.
      return has_after && ScriptOf(text[index + 1]) == USCRIPT_GREEK;
    case 0x05f3:  // HEBREW PUNCTUATION GERESH and GERSHAYIM: after Hebrew.
    case 0x05f4:
      return has_before && ScriptOf(text[index - 1]) == USCRIPT_HEBREW;
    case 0x30fb:  // KATAKANA MIDDLE DOT: the string has Hiragana, Katakana or Han.
      return std::any_of(text.begin(), text.end(), [](char32_t other) {
        const UScriptCode script = ScriptOf(other);
        return other != 0x30fb && (script == USCRIPT_HIRAGANA ||
                                   script == USCRIPT_KATAKANA || script == USCRIPT_HAN);
      });
    default:
      break;
  }
  // Arabic-Indic digits and extended Arabic-Indic digits must not mix.
  if (c >= 0x0660 && c <= 0x0669) return !ContainsAnyInRange(text, 0x06f0, 0x06f9);
  if (c >= 0x06f0 && c <= 0x06f9) return !ContainsAnyInRange(text, 0x0660, 0x0669);
  return false;
}

bool IdentifierClassAllows(std::u32string_view text, size_t index) {
  switch (IdentifierClassProperty(text[index])) {
    case PrecisProperty::kPvalid:
      return true;
    case PrecisProperty::kContextJ:
    case PrecisProperty::kContextO:
      return ContextualRuleSatisfied(text, index);
    case PrecisProperty::kDisallowed:
    case PrecisProperty::kUnassigned:
      return false;
  }
  return false;
}

}  // namespace signup
