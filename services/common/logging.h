// Process-wide logging through spdlog, in one line per event:
//   2026-12-04T19:54:41.123Z info signup-worker offset committed partition=0 next_offset=42
// Messages state what happened, then key=value pairs naming the ids
// involved (request_id, partition, offset). Never log a password: log
// connection strings only through RedactConnectionString.
// With --log-format=json each line is one JSON object instead, with the
// key=value pairs as members (see log_line.h).
#ifndef SIGNUP_SERVICES_COMMON_LOGGING_H_
#define SIGNUP_SERVICES_COMMON_LOGGING_H_

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// Flag names to pass to ParseFlagsWithEnvironment next to a binary's own:
// --log-level and --log-format.
#define SIGNUP_LOGGING_FLAG_NAMES "log_level", "log_format"

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

// Returns the spdlog formatter of log format `format_name`: "text" writes
// the line shown at the top of this file, and "json" one JSON object per
// line (FormatJsonLogLine). Both write the time in UTC with milliseconds,
// spdlog's level names (trace, debug, info, warning, error, critical) and
// the logger's name as the program. Returns INVALID_ARGUMENT, naming the
// value and the accepted ones, for any other name.
absl::StatusOr<std::unique_ptr<spdlog::formatter>> NewLogFormatter(
    absl::string_view format_name);

// Configures the default spdlog logger, named `program`, to write to stderr
// in the format of --log-format, at the level of --log-level. An unknown
// --log-level logs a warning and uses info. Returns INVALID_ARGUMENT when
// --log-format is neither text nor json, with the logger installed anyway,
// writing text, so that the caller can log the error before it exits. Also
// sends gRPC's own log lines through this logger. Call
// once at the start of main, after flags are parsed. A second call with the
// same `program` throws spdlog::spdlog_ex.
absl::Status InitLogging(absl::string_view program);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_LOGGING_H_
