#include "services/common/username_policy.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uversion.h>

#include <algorithm>
#include <variant>

#include "absl/strings/str_cat.h"
#include "services/common/mixed_script.h"
#include "services/common/precis.h"
#include "services/common/unicode_text.h"

namespace signup {
namespace {

// Mapping never removes code points and NFC composes at most 4 of them into
// one (the longest canonical decomposition, of U+1F82, has 4 code points in
// Unicode 15.0). An input with more than 4 code points per allowed
// canonical code point is therefore too long, and is rejected before the
// expensive steps run.
constexpr int kMaxInputCodePointsPerCanonical = 4;

UsernameError Error(UsernameRejection rejection, std::string message, int code_point_index = -1) {
  return {.rejection = rejection, .code_point_index = code_point_index, .message = std::move(message)};
}

std::string Quoted(absl::string_view input) { return QuoteForMessage(input); }

// Returns " (character 3)" for index 2, or "" when there is no index.
std::string Position(int code_point_index) {
  if (code_point_index < 0) return "";
  return absl::StrCat(" (character ", code_point_index + 1, ")");
}

std::string LengthRange(const UsernamePolicy& policy) {
  return absl::StrCat(policy.min_code_points, " to ", policy.max_code_points, " characters");
}

// Returns the compatibility equivalent of `code_point` when it differs,
// e.g. "B" for U+1D2E MODIFIER LETTER CAPITAL B.
std::optional<std::string> CompatibilityEquivalent(char32_t code_point) {
  const icu::UnicodeString original(static_cast<UChar32>(code_point));
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString equivalent = NfkcNormalizer().normalize(original, status);
  if (U_FAILURE(status) || equivalent == original || equivalent.isEmpty()) return std::nullopt;
  std::string text;
  equivalent.toUTF8String(text);
  return text;
}

std::string DisallowedCharacterMessage(absl::string_view input, const PrecisError& error) {
  const std::string character =
      absl::StrCat(DescribeCodePoint(error.code_point), Position(error.input_index));
  const std::string start = absl::StrCat("username ", Quoted(input), " contains ", character);
  switch (error.property) {
    case PrecisProperty::kUnassigned:
      return absl::StrCat(start, ", which is not assigned in Unicode ", U_UNICODE_VERSION,
                          "; remove it");
    case PrecisProperty::kContextJ:
    case PrecisProperty::kContextO:
      return absl::StrCat(start,
                          ", which is allowed only next to particular characters and not where it "
                          "stands; remove it");
    case PrecisProperty::kPvalid:
    case PrecisProperty::kDisallowed:
      break;
  }
  if (std::optional<std::string> equivalent = CompatibilityEquivalent(error.code_point)) {
    return absl::StrCat(start, ", a compatibility variant of ", Quoted(*equivalent),
                        " that usernames may not contain; type ", Quoted(*equivalent),
                        " instead or remove it");
  }
  return absl::StrCat(start, ", which usernames may not contain; remove it");
}

// Maps a PRECIS failure to the policy's rejection and message.
UsernameError PrecisRejection(absl::string_view input, const PrecisError& error) {
  switch (error.failure) {
    case PrecisFailure::kDisallowedCharacter:
      return Error(UsernameRejection::kDisallowedCharacter,
                   DisallowedCharacterMessage(input, error), error.input_index);
    case PrecisFailure::kBidiRule:
      return Error(UsernameRejection::kBidiRule,
                   absl::StrCat("username ", Quoted(input),
                                " contains right-to-left characters and breaks the rule for "
                                "their order at ",
                                DescribeCodePoint(error.code_point), Position(error.input_index),
                                ": the name ", error.explanation,
                                "; write the name in one direction, starting with a letter and "
                                "ending with a letter or digit"),
                   error.input_index);
    case PrecisFailure::kEmpty:
      return Error(UsernameRejection::kEmpty,
                   absl::StrCat("username ", Quoted(input), " is empty after canonicalization"));
    case PrecisFailure::kUnstable:
      break;
  }
  return Error(UsernameRejection::kDisallowedCharacter,
               absl::StrCat("username ", Quoted(input),
                            " has no stable canonical form because its combining characters "
                            "change each time the rules are applied; remove them"));
}

// ASCII policy: lowercase A-Z, then allow only a-z, 0-9, '.', '_' and '-'.
std::variant<std::string, UsernameError> CanonicalizeAscii(absl::string_view input,
                                                           std::u32string_view code_points) {
  std::string canonical;
  canonical.reserve(code_points.size());
  for (size_t i = 0; i < code_points.size(); ++i) {
    char32_t c = code_points[i];
    if (c >= U'A' && c <= U'Z') c = c - U'A' + U'a';
    const bool allowed = (c >= U'a' && c <= U'z') || (c >= U'0' && c <= U'9') || c == U'.' ||
                         c == U'_' || c == U'-';
    if (!allowed) {
      const int index = static_cast<int>(i);
      return Error(UsernameRejection::kDisallowedCharacter,
                   absl::StrCat("username ", Quoted(input), " contains ", DescribeCodePoint(c),
                                Position(index),
                                ", which the ascii username policy does not allow; use only "
                                "letters a-z, digits 0-9, '.', '_' and '-'"),
                   index);
    }
    canonical.push_back(static_cast<char>(c));
  }
  return canonical;
}

std::optional<UsernameError> CheckLength(absl::string_view input, absl::string_view canonical,
                                         int code_points, const UsernamePolicy& policy) {
  if (code_points > policy.max_code_points) {
    return Error(UsernameRejection::kTooLong,
                 absl::StrCat("username ", Quoted(input), " has ", code_points,
                              " characters after canonicalization; the maximum is ",
                              policy.max_code_points, ", so choose a shorter name"));
  }
  if (canonical.size() > static_cast<size_t>(policy.max_bytes)) {
    return Error(UsernameRejection::kTooLong,
                 absl::StrCat("username ", Quoted(input), " takes ", canonical.size(),
                              " bytes in UTF-8 after canonicalization; the maximum is ",
                              policy.max_bytes, ", so choose a shorter name or fewer accented "
                              "and non-Latin characters"));
  }
  if (code_points < policy.min_code_points) {
    return Error(UsernameRejection::kTooShort,
                 absl::StrCat("username ", Quoted(input), " has ", code_points,
                              " characters after canonicalization; choose a name of ",
                              LengthRange(policy)));
  }
  return std::nullopt;
}

UsernameError SpoofRejection(absl::string_view input, const SpoofFinding& finding) {
  switch (finding.kind) {
    case SpoofKind::kMixedScripts:
      return Error(UsernameRejection::kMixedScript,
                   absl::StrCat("username ", Quoted(input), " mixes the scripts ", finding.scripts,
                                ", which lets it imitate another name; use letters of one "
                                "script (Latin may be combined with Chinese, Japanese or Korean)"));
    case SpoofKind::kMixedNumbers:
      return Error(UsernameRejection::kMixedScript,
                   absl::StrCat("username ", Quoted(input),
                                " mixes digits of different numbering systems; use digits of "
                                "one system"));
    case SpoofKind::kRepeatedMark:
      break;
  }
  return Error(UsernameRejection::kDisallowedCharacter,
               absl::StrCat("username ", Quoted(input),
                            " repeats a combining mark, which looks the same as a single one; "
                            "remove the repeated mark"));
}

std::string ToNfc(absl::string_view input) {
  const icu::UnicodeString text =
      icu::UnicodeString::fromUTF8(icu::StringPiece(input.data(), static_cast<int32_t>(input.size())));
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString normalized = NfcNormalizer().normalize(text, status);
  std::string display;
  (U_SUCCESS(status) ? normalized : text).toUTF8String(display);
  return display;
}

}  // namespace

absl::StatusOr<UsernamePolicyKind> ParseUsernamePolicyKind(absl::string_view name) {
  if (name == "precis") return UsernamePolicyKind::kPrecis;
  if (name == "ascii") return UsernamePolicyKind::kAscii;
  return absl::InvalidArgumentError(absl::StrCat("invalid username policy ", Quoted(name),
                                                 "; expected \"precis\" or \"ascii\""));
}

absl::string_view UsernamePolicyKindName(UsernamePolicyKind kind) {
  switch (kind) {
    case UsernamePolicyKind::kPrecis:
      return "precis";
    case UsernamePolicyKind::kAscii:
      return "ascii";
  }
  return "precis";
}

bool AbslParseFlag(absl::string_view text, UsernamePolicyKind* kind, std::string* error) {
  absl::StatusOr<UsernamePolicyKind> parsed = ParseUsernamePolicyKind(text);
  if (!parsed.ok()) {
    *error = std::string(parsed.status().message());
    return false;
  }
  *kind = *parsed;
  return true;
}

std::string AbslUnparseFlag(UsernamePolicyKind kind) {
  return std::string(UsernamePolicyKindName(kind));
}

absl::string_view UsernameRejectionReason(UsernameRejection rejection) {
  switch (rejection) {
    case UsernameRejection::kEmpty:
      return "EMPTY";
    case UsernameRejection::kTooShort:
      return "TOO_SHORT";
    case UsernameRejection::kTooLong:
      return "TOO_LONG";
    case UsernameRejection::kDisallowedCharacter:
      return "DISALLOWED_CHARACTER";
    case UsernameRejection::kMixedScript:
      return "MIXED_SCRIPT";
    case UsernameRejection::kBidiRule:
      return "BIDI_RULE";
    case UsernameRejection::kReserved:
      return "RESERVED";
    case UsernameRejection::kInvalidUtf8:
      return "INVALID_UTF8";
  }
  return "DISALLOWED_CHARACTER";
}

CanonicalizeResult CanonicalizeUsername(absl::string_view input, const UsernamePolicy& policy) {
  std::variant<std::u32string, Utf8Error> decoded = DecodeUtf8(input);
  if (const auto* utf8_error = std::get_if<Utf8Error>(&decoded)) {
    return {.error = Error(UsernameRejection::kInvalidUtf8,
                           absl::StrCat("username ", Quoted(input), " is not valid UTF-8: byte ",
                                        utf8_error->byte_offset,
                                        " starts an invalid sequence; send the name encoded "
                                        "as UTF-8"),
                           utf8_error->code_point_index)};
  }
  const std::u32string& code_points = std::get<std::u32string>(decoded);

  if (code_points.empty()) {
    return {.error = Error(UsernameRejection::kEmpty,
                           absl::StrCat("username is empty; choose a name of ",
                                        LengthRange(policy)))};
  }
  if (code_points.size() >
      static_cast<size_t>(kMaxInputCodePointsPerCanonical) * std::max(policy.max_code_points, 0)) {
    return {.error = Error(UsernameRejection::kTooLong,
                           absl::StrCat("username ", Quoted(input), " has ", code_points.size(),
                                        " characters; the maximum is ", policy.max_code_points,
                                        ", so choose a shorter name"))};
  }

  std::string canonical;
  int canonical_code_points = 0;
  if (policy.kind == UsernamePolicyKind::kAscii) {
    std::variant<std::string, UsernameError> ascii = CanonicalizeAscii(input, code_points);
    if (auto* error = std::get_if<UsernameError>(&ascii)) return {.error = std::move(*error)};
    canonical = std::move(std::get<std::string>(ascii));
    canonical_code_points = static_cast<int>(canonical.size());
  } else {
    PrecisResult precis = EnforceUsernameCaseMapped(code_points);
    if (precis.error) return {.error = PrecisRejection(input, *precis.error)};
    canonical = EncodeUtf8(*precis.canonical);
    canonical_code_points = static_cast<int>(precis.canonical->size());
  }

  if (std::optional<UsernameError> error =
          CheckLength(input, canonical, canonical_code_points, policy)) {
    return {.error = std::move(*error)};
  }
  if (policy.kind == UsernamePolicyKind::kPrecis) {
    if (std::optional<SpoofFinding> finding = FindSpoofing(canonical)) {
      return {.error = SpoofRejection(input, *finding)};
    }
  }
  if (policy.reserved_names.contains(canonical)) {
    return {.error = Error(UsernameRejection::kReserved,
                           absl::StrCat("username ", Quoted(input), " is reserved (as ",
                                        Quoted(canonical), "); choose another name"))};
  }

  return {.username = Username{.canonical = std::move(canonical), .display = ToNfc(input)}};
}

}  // namespace signup
