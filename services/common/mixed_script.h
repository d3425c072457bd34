// Detection of usernames that mix scripts or digit systems in ways that let
// one name imitate another, such as a Cyrillic "а" inside a Latin name.
#ifndef SIGNUP_SERVICES_COMMON_MIXED_SCRIPT_H_
#define SIGNUP_SERVICES_COMMON_MIXED_SCRIPT_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace signup {

enum class SpoofKind {
  // The scripts are not a combination that UTS #39 calls highly restrictive:
  // one script, or Latin with Han, Hiragana, Katakana, Bopomofo or Hangul
  // as written in Chinese, Japanese and Korean.
  kMixedScripts,
  // Decimal digits from more than one numbering system.
  kMixedNumbers,
  // The same nonspacing mark twice in a row, which looks like one.
  kRepeatedMark,
};

struct SpoofFinding {
  SpoofKind kind = SpoofKind::kMixedScripts;
  // The scripts of the text other than Common and Inherited, in order of
  // appearance, e.g. "Latin and Cyrillic".
  std::string scripts;
};

// Runs ICU's spoof checker (uspoof) on well-formed UTF-8 text with the
// HIGHLY_RESTRICTIVE restriction level and the mixed-script confusable,
// mixed-numbers and invisible-character checks. Returns the first problem
// found, or nullopt. Thread-safe: the checker is created once per process.
std::optional<SpoofFinding> FindSpoofing(absl::string_view text);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_MIXED_SCRIPT_H_
