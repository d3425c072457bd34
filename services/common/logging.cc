#include "services/common/logging.h"

#include <grpc/support/log.h>
#include <spdlog/details/os.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "services/common/log_line.h"

ABSL_FLAG(std::string, log_level, "info",
          "Minimum level of the log lines written to stderr: trace, debug, "
          "info, warn, error or critical. Env: SIGNUP_LOG_LEVEL.");
ABSL_FLAG(std::string, log_format, "text",
          "Format of the log lines written to stderr: text (time, level, "
          "program, then the message) or json (one JSON object per line, with "
          "each trailing key=value pair of the message as a string member). "
          "Env: SIGNUP_LOG_FORMAT.");

namespace signup {
namespace {

// The time of both formats, in UTC: 2026-12-04T19:54:41.123Z.
constexpr char kTimePattern[] = "%Y-%m-%dT%H:%M:%S.%eZ";

std::string_view ToStringView(spdlog::string_view_t text) {
  return std::string_view(text.data(), text.size());
}

// Writes each event as the line of FormatJsonLogLine. The time comes from an
// spdlog pattern formatter, so it reads as in the text format.
class JsonLogFormatter final : public spdlog::formatter {
 public:
  JsonLogFormatter()
      : time_formatter_(kTimePattern, spdlog::pattern_time_type::utc, /*eol=*/"") {}

  void format(const spdlog::details::log_msg& message,
              spdlog::memory_buf_t& destination) override {
    spdlog::memory_buf_t time;
    time_formatter_.format(message, time);
    const std::string line = FormatJsonLogLine(
        std::string_view(time.data(), time.size()),
        ToStringView(spdlog::level::to_string_view(message.level)),
        ToStringView(message.logger_name), ToStringView(message.payload));
    destination.append(line.data(), line.data() + line.size());
    const std::string_view eol = spdlog::details::os::default_eol;
    destination.append(eol.data(), eol.data() + eol.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLogFormatter>();
  }

 private:
  spdlog::pattern_formatter time_formatter_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<spdlog::formatter>> NewLogFormatter(
    absl::string_view format_name) {
  if (format_name == "text") {
    return std::make_unique<spdlog::pattern_formatter>(
        absl::StrCat(kTimePattern, " %l %n %v"), spdlog::pattern_time_type::utc);
  }
  if (format_name == "json") return std::make_unique<JsonLogFormatter>();
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid --log-format \"", format_name, "\": use text or json"));
}

namespace {

// Writes gRPC's own log lines through spdlog, so that they take the same
// format and level as the program's.
void LogGrpcMessage(gpr_log_func_args* args) {
  spdlog::level::level_enum level = spdlog::level::debug;
  if (args->severity == GPR_LOG_SEVERITY_ERROR) level = spdlog::level::err;
  if (args->severity == GPR_LOG_SEVERITY_INFO) level = spdlog::level::info;
  absl::string_view file = args->file == nullptr ? "" : args->file;
  if (const size_t slash = file.rfind('/'); slash != absl::string_view::npos) {
    file.remove_prefix(slash + 1);
  }
  spdlog::log(level, "gRPC logged: {} source={}:{}", args->message, file, args->line);
}

}  // namespace

absl::Status InitLogging(absl::string_view program) {
  auto logger = spdlog::stderr_logger_mt(std::string(program));
  absl::StatusOr<std::unique_ptr<spdlog::formatter>> formatter =
      NewLogFormatter(absl::GetFlag(FLAGS_log_format));
  if (formatter.ok()) {
    logger->set_formatter(*std::move(formatter));
  } else {
    logger->set_formatter(*NewLogFormatter("text"));
  }

  const std::string level_name = absl::GetFlag(FLAGS_log_level);
  const spdlog::level::level_enum level = spdlog::level::from_str(level_name);
  logger->set_level(level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  gpr_set_log_function(LogGrpcMessage);
  if (level == spdlog::level::off && level_name != "off") {
    logger->set_level(spdlog::level::info);
    spdlog::warn("unknown --log-level \"{}\", using info", level_name);
  }
  return formatter.status();
}

}  // namespace signup
