#include "services/common/connection_string.h"

#include <libpq-fe.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace signup {
namespace {

// libpq's parse errors quote the part of the string they could not parse,
// and that part may contain the password. Replaces every double-quoted
// span with "...", keeping the rest of the message, except a span that is
// only "=": libpq's `missing "=" after "..."` names the fix that way. The
// other exception is libpq's error for an unknown keyword, which quotes
// only the keyword.
std::string HideQuotedText(absl::string_view message) {
  if (absl::StartsWith(message, "invalid connection option")) {
    return std::string(message);
  }
  std::string hidden;
  std::string quoted;
  bool inside_quotes = false;
  for (char c : message) {
    if (c == '"') {
      if (inside_quotes) hidden += quoted == "=" ? "\"=\"" : "\"...\"";
      quoted.clear();
      inside_quotes = !inside_quotes;
      continue;
    }
    if (inside_quotes) {
      quoted += c;
    } else {
      hidden += c;
    }
  }
  // An unclosed quote hides the rest of the message.
  if (inside_quotes) hidden += "\"...";
  return hidden;
}

}  // namespace

absl::StatusOr<std::string> RedactConnectionString(absl::string_view conninfo) {
  char* error = nullptr;
  const std::string text(conninfo);
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(text.c_str(), &error), &PQconninfoFree);
  if (options == nullptr) {
    std::string message = error != nullptr ? HideQuotedText(error) : "out of memory";
    PQfreemem(error);
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid PostgreSQL connection string: ", absl::StripAsciiWhitespace(message),
        "; use key=value pairs or a postgresql:// URI"));
  }

  std::string redacted;
  for (PQconninfoOption* option = options.get(); option->keyword != nullptr;
       ++option) {
    if (option->val == nullptr) continue;
    absl::string_view keyword = option->keyword;
    std::string value = keyword == "password"
                            ? "***"
                            : absl::StrReplaceAll(option->val, {{"\\", "\\\\"},
                                                                {"'", "\\'"}});
    absl::StrAppend(&redacted, redacted.empty() ? "" : " ", keyword, "='",
                    value, "'");
  }
  return redacted;
}

}  // namespace signup
