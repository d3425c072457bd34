// Process-wide logging through spdlog, in one line per event:
//   2026-12-04T19:54:41.123Z info signup-worker offset committed partition=0 next_offset=42
// Messages state what happened, then key=value pairs naming the ids
// involved (request_id, partition, offset). Never log a password: log
// connection strings only through RedactConnectionString.
#ifndef SIGNUP_SERVICES_COMMON_LOGGING_H_
#define SIGNUP_SERVICES_COMMON_LOGGING_H_

#include <spdlog/spdlog.h>

#include "absl/strings/string_view.h"

// Debian's Abseil has its own string_view type (not std::string_view), which
// fmt cannot print without this formatter; status messages are of that type.
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<fmt::string_view> {
  auto format(absl::string_view text, fmt::format_context& context) const {
    return fmt::formatter<fmt::string_view>::format(
        fmt::string_view(text.data(), text.size()), context);
  }
};

namespace signup {

// Configures the default spdlog logger to write to stderr with UTC
// timestamps, the level and `program`, at the level of --log-level. Call
// once at the start of main, after flags are parsed.
void InitLogging(absl::string_view program);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_LOGGING_H_
