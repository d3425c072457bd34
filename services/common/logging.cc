#include "services/common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <string>

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, log_level, "info",
          "Minimum level of the log lines written to stderr: trace, debug, "
          "info, warn, error or critical. Env: SIGNUP_LOG_LEVEL.");

namespace signup {

void InitLogging(absl::string_view program) {
  auto logger = spdlog::stderr_logger_mt(std::string(program));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %n %v", spdlog::pattern_time_type::utc);
  const std::string level_name = absl::GetFlag(FLAGS_log_level);
  const spdlog::level::level_enum level = spdlog::level::from_str(level_name);
  logger->set_level(level);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  if (level == spdlog::level::off && level_name != "off") {
    logger->set_level(spdlog::level::info);
    spdlog::warn("unknown --log-level \"{}\", using info", level_name);
  }
}

}  // namespace signup
