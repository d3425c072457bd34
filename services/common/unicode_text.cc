#include "services/common/unicode_text.h"

#include <spdlog/spdlog.h>
#include <unicode/uchar.h>

#include <cstdint>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace signup {
namespace {

constexpr char32_t kMaxCodePoint = 0x10ffff;

bool IsSurrogate(char32_t c) { return c >= 0xd800 && c <= 0xdfff; }

// Decodes the well-formed sequence at `text[*offset]` and advances the
// offset past it. Returns false, leaving the offset, for an ill-formed one.
// The allowed range of the second byte depends on the lead byte, as in
// Unicode's table of well-formed UTF-8 byte sequences (Table 3-7). That one
// check excludes overlong forms, surrogates and values above U+10FFFF.
bool DecodeOne(absl::string_view text, size_t* offset, char32_t* code_point) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(*offset);
  if (lead < 0x80) {
    *code_point = lead;
    *offset += 1;
    return true;
  }

  int length = 0;
  uint8_t second_min = 0x80;
  uint8_t second_max = 0xbf;
  char32_t value = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
    value = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    value = lead & 0x0f;
    if (lead == 0xe0) second_min = 0xa0;  // Overlong below U+0800.
    if (lead == 0xed) second_max = 0x9f;  // Surrogates U+D800..U+DFFF.
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    value = lead & 0x07;
    if (lead == 0xf0) second_min = 0x90;  // Overlong below U+10000.
    if (lead == 0xf4) second_max = 0x8f;  // Above U+10FFFF.
  } else {
    return false;  // A continuation byte, C0, C1 or F5..FF.
  }

  if (text.size() - *offset < static_cast<size_t>(length)) return false;
  for (int i = 1; i < length; ++i) {
    const uint8_t continuation = byte(*offset + i);
    const uint8_t min = i == 1 ? second_min : 0x80;
    const uint8_t max = i == 1 ? second_max : 0xbf;
    if (continuation < min || continuation > max) return false;
    value = (value << 6) | (continuation & 0x3f);
  }
  *code_point = value;
  *offset += length;
  return true;
}

// Returns true for code points that a message shows escaped because they
// are invisible, move text around or are not characters yet.
bool NeedsEscape(char32_t c) {
  switch (u_charType(static_cast<UChar32>(c))) {
    case U_CONTROL_CHAR:
    case U_FORMAT_CHAR:
    case U_LINE_SEPARATOR:
    case U_PARAGRAPH_SEPARATOR:
    case U_SURROGATE:
    case U_PRIVATE_USE_CHAR:
    case U_UNASSIGNED:
      return true;
    case U_SPACE_SEPARATOR:
      return c != U' ';
    default:
      return u_hasBinaryProperty(static_cast<UChar32>(c),
                                 UCHAR_DEFAULT_IGNORABLE_CODE_POINT) ||
             c == U'\\' || c == U'"';
  }
}

// Returns the normalizer that `get` loads, or aborts when ICU fails.
const icu::Normalizer2& LoadNormalizer(const char* name,
                                       const icu::Normalizer2* (*get)(UErrorCode&)) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = get(status);
  if (U_FAILURE(status) || normalizer == nullptr) {
    spdlog::critical("ICU failed to load the {} normalizer: {}", name, u_errorName(status));
    std::abort();
  }
  return *normalizer;
}

}  // namespace

const icu::Normalizer2& NfcNormalizer() {
  static const icu::Normalizer2& normalizer =
      LoadNormalizer("NFC", &icu::Normalizer2::getNFCInstance);
  return normalizer;
}

const icu::Normalizer2& NfkcNormalizer() {
  static const icu::Normalizer2& normalizer =
      LoadNormalizer("NFKC", &icu::Normalizer2::getNFKCInstance);
  return normalizer;
}

std::variant<std::u32string, Utf8Error> DecodeUtf8(absl::string_view text) {
  std::u32string code_points;
  code_points.reserve(text.size());
  size_t offset = 0;
  while (offset < text.size()) {
    char32_t code_point = 0;
    if (!DecodeOne(text, &offset, &code_point)) {
      return Utf8Error{.byte_offset = offset,
                       .code_point_index = static_cast<int>(code_points.size())};
    }
    code_points.push_back(code_point);
  }
  return code_points;
}

std::string EncodeUtf8(std::u32string_view code_points) {
  std::string text;
  text.reserve(code_points.size());
  for (const char32_t c : code_points) {
    if (c < 0x80) {
      text.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      text.push_back(static_cast<char>(0xc0 | (c >> 6)));
      text.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else if (c < 0x10000) {
      text.push_back(static_cast<char>(0xe0 | (c >> 12)));
      text.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
      text.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else {
      text.push_back(static_cast<char>(0xf0 | (c >> 18)));
      text.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
      text.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
      text.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
  }
  return text;
}

std::string DescribeCodePoint(char32_t code_point) {
  std::string description = absl::StrFormat("U+%04X", static_cast<uint32_t>(code_point));
  if (code_point > kMaxCodePoint || IsSurrogate(code_point)) return description;

  char name[128];
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length = u_charName(static_cast<UChar32>(code_point), U_EXTENDED_CHAR_NAME,
                                    name, sizeof(name), &status);
  if (U_SUCCESS(status) && length > 0 && length < static_cast<int32_t>(sizeof(name))) {
    absl::StrAppend(&description, " ", absl::string_view(name, length));
  }
  return description;
}

std::string QuoteForMessage(absl::string_view text, int max_code_points) {
  std::string quoted = "\"";
  size_t offset = 0;
  int code_points_shown = 0;
  while (offset < text.size()) {
    if (code_points_shown == max_code_points) {
      quoted += "...";
      break;
    }
    const size_t start = offset;
    char32_t c = 0;
    if (!DecodeOne(text, &offset, &c)) {
      absl::StrAppendFormat(&quoted, "\\x%02X", static_cast<uint8_t>(text[offset]));
      ++offset;
    } else if (NeedsEscape(c)) {
      absl::StrAppendFormat(&quoted, "\\u{%04X}", static_cast<uint32_t>(c));
    } else {
      quoted.append(text.data() + start, offset - start);
    }
    ++code_points_shown;
  }
  quoted += "\"";
  return quoted;
}

}  // namespace signup
