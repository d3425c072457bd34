#include "services/common/bidi_rule.h"

#include <unicode/uchar.h>


namespace signup {
namespace {

UCharDirection DirectionOf(char32_t c) { return u_charDirection(static_cast<UChar32>(c)); }

bool IsRightToLeftLetter(UCharDirection direction) {
  return direction == U_RIGHT_TO_LEFT || direction == U_RIGHT_TO_LEFT_ARABIC;
}

// Condition 2: the classes allowed anywhere in a right-to-left string.
bool AllowedInRightToLeft(UCharDirection direction) {
  switch (direction) {
    case U_RIGHT_TO_LEFT:
    case U_RIGHT_TO_LEFT_ARABIC:
    case U_ARABIC_NUMBER:
    case U_EUROPEAN_NUMBER:
    case U_EUROPEAN_NUMBER_SEPARATOR:
    case U_COMMON_NUMBER_SEPARATOR:
    case U_EUROPEAN_NUMBER_TERMINATOR:
    case U_OTHER_NEUTRAL:
    case U_BOUNDARY_NEUTRAL:
    case U_DIR_NON_SPACING_MARK:
      return true;
    default:
      return false;
  }
}

// Condition 5: the classes allowed anywhere in a left-to-right string.
bool AllowedInLeftToRight(UCharDirection direction) {
  switch (direction) {
    case U_LEFT_TO_RIGHT:
    case U_EUROPEAN_NUMBER:
    case U_EUROPEAN_NUMBER_SEPARATOR:
    case U_COMMON_NUMBER_SEPARATOR:
    case U_EUROPEAN_NUMBER_TERMINATOR:
    case U_OTHER_NEUTRAL:
    case U_BOUNDARY_NEUTRAL:
    case U_DIR_NON_SPACING_MARK:
      return true;
    default:
      return false;
  }
}

BidiRuleViolation Violation(size_t index, absl::string_view problem) {
  return {.index = index, .explanation = std::string(problem)};
}

}  // namespace

bool HasRightToLeftCodePoint(std::u32string_view text) {
  for (const char32_t c : text) {
    const UCharDirection direction = DirectionOf(c);
    if (IsRightToLeftLetter(direction) || direction == U_ARABIC_NUMBER) return true;
  }
  return false;
}

std::optional<BidiRuleViolation> CheckBidiRule(std::u32string_view text) {
  if (text.empty()) return std::nullopt;

  // Condition 1: the first character is a letter of either direction, and
  // its direction is the direction of the whole string.
  const UCharDirection first = DirectionOf(text[0]);
  const bool right_to_left = IsRightToLeftLetter(first);
  if (!right_to_left && first != U_LEFT_TO_RIGHT) {
    return Violation(0, "does not start with a letter");
  }

  // Conditions 2, 4 and 5.
  bool has_european_number = false;
  bool has_arabic_number = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const UCharDirection direction = DirectionOf(text[i]);
    if (right_to_left && !AllowedInRightToLeft(direction)) {
      return Violation(i, "mixes a left-to-right character into right-to-left text");
    }
    if (!right_to_left && !AllowedInLeftToRight(direction)) {
      return Violation(i, "mixes a right-to-left character into left-to-right text");
    }
    has_european_number |= direction == U_EUROPEAN_NUMBER;
    has_arabic_number |= direction == U_ARABIC_NUMBER;
    if (right_to_left && has_european_number && has_arabic_number) {
      return Violation(i, "mixes European digits and Arabic-Indic digits");
    }
  }

  // Conditions 3 and 6: the last character that is not a nonspacing mark
  // is a letter of the string's direction or a digit (AN only in
  // right-to-left strings).
  size_t last = text.size() - 1;
  while (last > 0 && DirectionOf(text[last]) == U_DIR_NON_SPACING_MARK) --last;
  const UCharDirection end = DirectionOf(text[last]);
  const bool end_allowed =
      right_to_left ? IsRightToLeftLetter(end) || end == U_EUROPEAN_NUMBER || end == U_ARABIC_NUMBER
                    : end == U_LEFT_TO_RIGHT || end == U_EUROPEAN_NUMBER;
  if (!end_allowed) {
    return Violation(last,
                     right_to_left ? "does not end with a right-to-left letter or a digit"
                                   : "does not end with a left-to-right letter or a digit");
  }
  return std::nullopt;
}

}  // namespace signup
