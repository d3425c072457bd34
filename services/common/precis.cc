#include "services/common/precis.h"

#include <spdlog/spdlog.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cstdlib>

#include "services/common/bidi_rule.h"
#include "services/common/unicode_text.h"

namespace signup {
namespace {

// RFC 8264 §7 requires the rules to be applied again until the string stops
// changing, and the string to be rejected when it still changes after
// three more applications than the first.
constexpr int kMaxApplications = 4;

std::u32string FromIcu(const icu::UnicodeString& text) {
  std::u32string result;
  result.reserve(text.length());
  for (int32_t i = 0; i < text.length();) {
    const UChar32 c = text.char32At(i);
    result.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return result;
}

// Width mapping rule (RFC 8265 §3.3.1, step 1): a code point whose
// decomposition type is <wide> or <narrow> becomes its decomposition, which
// is a single code point.
icu::UnicodeString MapWidth(std::u32string_view input) {
  icu::UnicodeString mapped;
  for (const char32_t c : input) {
    const auto code_point = static_cast<UChar32>(c);
    const int type = u_getIntPropertyValue(code_point, UCHAR_DECOMPOSITION_TYPE);
    icu::UnicodeString decomposition;
    if ((type == U_DT_WIDE || type == U_DT_NARROW) &&
        NfkcNormalizer().getDecomposition(code_point, decomposition)) {
      mapped.append(decomposition);
    } else {
      mapped.append(code_point);
    }
  }
  return mapped;
}

// Returns the index of the input code point that produced `output[index]`
// when mapping each input code point on its own and concatenating the
// results reproduces `output`. Returns -1 otherwise, because then case
// mapping context or composition joined input code points.
int TraceToInput(std::u32string_view input, std::u32string_view output, size_t index) {
  size_t position = 0;
  for (size_t i = 0; i < input.size(); ++i) {
    const std::u32string piece = MapUsernameCaseMapped(input.substr(i, 1));
    if (output.substr(position, piece.size()) != piece) return -1;
    position += piece.size();
    if (index < position) return static_cast<int>(i);
  }
  return -1;
}

// Returns the index of the first code point whose property is DISALLOWED
// or UNASSIGNED, without evaluating contextual rules.
std::optional<size_t> FirstDisallowedProperty(std::u32string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    switch (IdentifierClassProperty(text[i])) {
      case PrecisProperty::kDisallowed:
      case PrecisProperty::kUnassigned:
        return i;
      case PrecisProperty::kPvalid:
      case PrecisProperty::kContextJ:
      case PrecisProperty::kContextO:
        break;
    }
  }
  return std::nullopt;
}

// Returns the index of the first code point that the IdentifierClass does
// not allow where it stands, contextual rules included.
std::optional<size_t> FirstDisallowed(std::u32string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (!IdentifierClassAllows(text, i)) return i;
  }
  return std::nullopt;
}

PrecisError DisallowedAt(std::u32string_view text, size_t index, int input_index) {
  return {.failure = PrecisFailure::kDisallowedCharacter,
          .input_index = input_index,
          .code_point = text[index],
          .property = IdentifierClassProperty(text[index])};
}

// Applies the profile's rules once, in the order of RFC 8264 §7.
PrecisResult ApplyOnce(std::u32string_view input) {
  // Preparation (RFC 8265 §3.3.1): after width mapping, no code point may
  // be DISALLOWED or UNASSIGNED in the IdentifierClass. Width mapping keeps
  // one code point per input code point, so the index is the input's.
  // Contextual rules wait for the final string, because "L·L" only becomes
  // the allowed "l·l" through case mapping.
  const std::u32string width_mapped = FromIcu(MapWidth(input));
  if (std::optional<size_t> index = FirstDisallowedProperty(width_mapped)) {
    return {.error = DisallowedAt(width_mapped, *index, static_cast<int>(*index))};
  }

  // Enforcement (RFC 8265 §3.3.2): case mapping, normalization, then the
  // directionality rule, and the result must not be empty.
  std::u32string canonical = MapUsernameCaseMapped(input);
  if (canonical.empty()) {
    return {.error = PrecisError{.failure = PrecisFailure::kEmpty}};
  }

  // Lowercasing and composition can produce code points that were not in
  // the prepared string, so the canonical form is checked as well, now
  // with the contextual rules.
  if (std::optional<size_t> index = FirstDisallowed(canonical)) {
    return {.error = DisallowedAt(canonical, *index, TraceToInput(input, canonical, *index))};
  }
  if (HasRightToLeftCodePoint(canonical)) {
    if (std::optional<BidiRuleViolation> violation = CheckBidiRule(canonical)) {
      return {.error = PrecisError{.failure = PrecisFailure::kBidiRule,
                                   .input_index = TraceToInput(input, canonical, violation->index),
                                   .code_point = canonical[violation->index],
                                   .explanation = std::move(violation->explanation)}};
    }
  }
  return {.canonical = std::move(canonical)};
}

}  // namespace

std::u32string MapUsernameCaseMapped(std::u32string_view input) {
  icu::UnicodeString mapped = MapWidth(input);
  // Case mapping rule: Unicode toLowerCase, full and locale-independent, so
  // "İ" becomes "i̇" everywhere and Turkish rules never apply.
  mapped.toLower(icu::Locale::getRoot());
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString normalized = NfcNormalizer().normalize(mapped, status);
  if (U_FAILURE(status)) {
    // There is no usable result, and an unnormalized canonical form would
    // let two spellings of one name become two accounts.
    spdlog::critical("ICU failed to normalize a username to NFC: {}", u_errorName(status));
    std::abort();
  }
  return FromIcu(normalized);
}

PrecisResult EnforceUsernameCaseMapped(std::u32string_view input) {
  PrecisResult result = ApplyOnce(input);
  for (int application = 2; application <= kMaxApplications && result.canonical; ++application) {
    PrecisResult again = ApplyOnce(*result.canonical);
    if (again.error) {
      // The error refers to an intermediate string, not to the input.
      again.error->input_index = -1;
      return again;
    }
    if (*again.canonical == *result.canonical) return result;
    result = std::move(again);
  }
  if (result.canonical) {
    return {.error = PrecisError{.failure = PrecisFailure::kUnstable}};
  }
  return result;
}

}  // namespace signup
