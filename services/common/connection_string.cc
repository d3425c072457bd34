#include "services/common/connection_string.h"

#include <libpq-fe.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace signup {

absl::StatusOr<std::string> RedactConnectionString(absl::string_view conninfo) {
  char* error = nullptr;
  const std::string text(conninfo);
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(text.c_str(), &error), &PQconninfoFree);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    return absl::InvalidArgumentError(
        absl::StrCat("invalid PostgreSQL connection string: ", message));
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
