// UTF-8 decoding and encoding of code point strings, and the quoting of
// user-supplied text in error messages.
#ifndef SIGNUP_SERVICES_COMMON_UNICODE_TEXT_H_
#define SIGNUP_SERVICES_COMMON_UNICODE_TEXT_H_

#include <cstddef>
#include <string>
#include <variant>

#include <unicode/normalizer2.h>

#include "absl/strings/string_view.h"

namespace signup {

// ICU's process-wide NFC and NFKC normalizers, which are thread-safe.
// Abort the process when ICU cannot load its normalization data, because
// then no username can be checked.
const icu::Normalizer2& NfcNormalizer();
const icu::Normalizer2& NfkcNormalizer();

// Where a byte string stops being well-formed UTF-8.
struct Utf8Error {
  // Offset of the first byte of the ill-formed sequence.
  size_t byte_offset = 0;
  // Number of well-formed code points before it.
  int code_point_index = 0;
};

// Decodes strict UTF-8 (Unicode §3.9, Table 3-7): overlong forms, encoded
// surrogates, code points above U+10FFFF and truncated sequences are
// errors. U+0000 is a valid code point here; callers decide about NUL.
std::variant<std::u32string, Utf8Error> DecodeUtf8(absl::string_view text);

// Encodes code points as UTF-8. Every element must be a Unicode scalar
// value (not a surrogate, at most U+10FFFF).
std::string EncodeUtf8(std::u32string_view code_points);

// Returns "U+200D ZERO WIDTH JOINER": the code point in hex and its
// Unicode name, or only the hex form for a code point without a name.
std::string DescribeCodePoint(char32_t code_point);

// Quotes `text` for an error message: well-formed, printable characters
// stay as they are; control, format, separator and unassigned code points
// become \u{XXXX}, ill-formed bytes become \xNN, and text beyond
// `max_code_points` is cut and marked with "...". The result is valid
// UTF-8 and contains no line breaks.
std::string QuoteForMessage(absl::string_view text, int max_code_points = 48);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_UNICODE_TEXT_H_
