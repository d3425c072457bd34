#include "services/common/username.h"

#include <cstdint>
#include <optional>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace signup {
namespace {

// Decodes the UTF-8 sequence at `text[*index]` and advances the index.
// Returns nullopt for a malformed, overlong or surrogate sequence.
std::optional<uint32_t> DecodeCodePoint(absl::string_view text, size_t* index) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t lead = byte(*index);
  int length;
  uint32_t code_point;
  uint32_t minimum;
  if (lead < 0x80) {
    ++*index;
    return lead;
  } else if ((lead & 0xe0) == 0xc0) {
    length = 2, code_point = lead & 0x1f, minimum = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, code_point = lead & 0x0f, minimum = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, code_point = lead & 0x07, minimum = 0x10000;
  } else {
    return std::nullopt;
  }
  if (*index + length > text.size()) return std::nullopt;
  for (int i = 1; i < length; ++i) {
    const uint8_t continuation = byte(*index + i);
    if ((continuation & 0xc0) != 0x80) return std::nullopt;
    code_point = (code_point << 6) | (continuation & 0x3f);
  }
  if (code_point < minimum || code_point > 0x10ffff ||
      (code_point >= 0xd800 && code_point <= 0xdfff)) {
    return std::nullopt;
  }
  *index += length;
  return code_point;
}

bool IsControlOrSpace(uint32_t c) {
  return c <= 0x20 || (c >= 0x7f && c <= 0xa0) || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200f) || (c >= 0x2028 && c <= 0x202f) ||
         (c >= 0x205f && c <= 0x206f) || c == 0x3000 || c == 0xfeff ||
         c == 0xfffd;
}

absl::Status Invalid(absl::string_view username, absl::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid username \"", absl::CHexEscape(username), "\": ",
                   problem));
}

}  // namespace

bool IsStorableText(absl::string_view text) {
  size_t index = 0;
  while (index < text.size()) {
    std::optional<uint32_t> code_point = DecodeCodePoint(text, &index);
    if (!code_point.has_value() || *code_point == 0) return false;
  }
  return true;
}

absl::Status ValidateUsername(absl::string_view username) {
  if (username.empty()) {
    return Invalid(username, "it is empty; send 1 to 40 characters");
  }
  size_t index = 0;
  int code_points = 0;
  while (index < username.size()) {
    const size_t position = index;
    std::optional<uint32_t> code_point = DecodeCodePoint(username, &index);
    if (!code_point.has_value()) {
      return Invalid(username, absl::StrCat("invalid UTF-8 at byte ", position,
                                            "; send well-formed UTF-8"));
    }
    if (IsControlOrSpace(*code_point)) {
      return Invalid(username,
                     absl::StrCat("white space or control character U+",
                                  absl::Hex(*code_point, absl::kZeroPad4),
                                  " at byte ", position, "; remove it"));
    }
    ++code_points;
  }
  if (code_points > kMaxUsernameCodePoints) {
    return Invalid(username, absl::StrCat("it has ", code_points,
                                          " characters; the maximum is ",
                                          kMaxUsernameCodePoints));
  }
  return absl::OkStatus();
}

}  // namespace signup
