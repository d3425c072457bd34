#include "services/common/mixed_script.h"

#include <spdlog/spdlog.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <variant>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/unicode_text.h"

namespace signup {
namespace {

constexpr int32_t kChecks = USPOOF_RESTRICTION_LEVEL | USPOOF_MIXED_SCRIPT_CONFUSABLE |
                            USPOOF_MIXED_NUMBERS | USPOOF_INVISIBLE;

// Creates the process-wide checker. uspoof.h (ICU 72) documents the check
// functions, which take a const checker, as safe to call from several
// threads at once.
const USpoofChecker* CreateChecker() {
  UErrorCode status = U_ZERO_ERROR;
  USpoofChecker* checker = uspoof_open(&status);
  uspoof_setChecks(checker, kChecks, &status);
  uspoof_setRestrictionLevel(checker, USPOOF_HIGHLY_RESTRICTIVE);
  if (U_FAILURE(status)) {
    spdlog::critical("ICU failed to create its spoof checker: {}", u_errorName(status));
    std::abort();
  }
  return checker;
}

const USpoofChecker* Checker() {
  static const USpoofChecker* const checker = CreateChecker();
  return checker;
}

std::string DescribeScripts(absl::string_view text) {
  std::vector<UScriptCode> scripts;
  const auto decoded = DecodeUtf8(text);
  if (const auto* code_points = std::get_if<std::u32string>(&decoded)) {
    for (const char32_t c : *code_points) {
      UErrorCode status = U_ZERO_ERROR;
      const UScriptCode script = uscript_getScript(static_cast<UChar32>(c), &status);
      if (U_FAILURE(status) || script == USCRIPT_COMMON || script == USCRIPT_INHERITED) continue;
      if (std::find(scripts.begin(), scripts.end(), script) == scripts.end()) {
        scripts.push_back(script);
      }
    }
  }

  std::vector<std::string> names;
  for (const UScriptCode script : scripts) names.emplace_back(uscript_getName(script));
  if (names.size() < 2) return absl::StrJoin(names, "");
  const std::string last = names.back();
  names.pop_back();
  return absl::StrCat(absl::StrJoin(names, ", "), " and ", last);
}

}  // namespace

std::optional<SpoofFinding> FindSpoofing(absl::string_view text) {
  // A text that uspoof cannot check (too long for its int32_t length, or
  // ill-formed UTF-8) is reported as mixed scripts, so that it is rejected
  // instead of passing unchecked.
  if (text.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return SpoofFinding{.kind = SpoofKind::kMixedScripts};
  }
  UErrorCode status = U_ZERO_ERROR;
  const int32_t result = uspoof_check2UTF8(Checker(), text.data(), static_cast<int32_t>(text.size()),
                                           /*checkResult=*/nullptr, &status);
  if (U_FAILURE(status)) {
    return SpoofFinding{.kind = SpoofKind::kMixedScripts, .scripts = DescribeScripts(text)};
  }
  if (result & (USPOOF_RESTRICTION_LEVEL | USPOOF_MIXED_SCRIPT_CONFUSABLE)) {
    return SpoofFinding{.kind = SpoofKind::kMixedScripts, .scripts = DescribeScripts(text)};
  }
  if (result & USPOOF_MIXED_NUMBERS) {
    return SpoofFinding{.kind = SpoofKind::kMixedNumbers, .scripts = DescribeScripts(text)};
  }
  if (result & USPOOF_INVISIBLE) {
    return SpoofFinding{.kind = SpoofKind::kRepeatedMark, .scripts = DescribeScripts(text)};
  }
  return std::nullopt;
}

}  // namespace signup
