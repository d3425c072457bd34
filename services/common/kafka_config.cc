#include "services/common/kafka_config.h"

#include "absl/strings/str_cat.h"
#include "services/common/logging.h"

namespace signup {
namespace {

// Writes librdkafka's log lines and errors through spdlog, so that they
// have the same format as every other log line of the process.
class KafkaLogBridge : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    switch (event.type()) {
      case RdKafka::Event::EVENT_LOG:
        spdlog::log(LevelOf(event.severity()), "librdkafka {} {}", event.fac(),
                    event.str());
        break;
      case RdKafka::Event::EVENT_ERROR:
        spdlog::warn("librdkafka reported an error error=\"{}\" detail=\"{}\"",
                     RdKafka::err2str(event.err()), event.str());
        break;
      default:
        break;
    }
  }

 private:
  static spdlog::level::level_enum LevelOf(RdKafka::Event::Severity severity) {
    switch (severity) {
      case RdKafka::Event::EVENT_SEVERITY_EMERG:
      case RdKafka::Event::EVENT_SEVERITY_ALERT:
      case RdKafka::Event::EVENT_SEVERITY_CRITICAL:
      case RdKafka::Event::EVENT_SEVERITY_ERROR:
        return spdlog::level::err;
      case RdKafka::Event::EVENT_SEVERITY_WARNING:
        return spdlog::level::warn;
      case RdKafka::Event::EVENT_SEVERITY_NOTICE:
      case RdKafka::Event::EVENT_SEVERITY_INFO:
        return spdlog::level::info;
      default:
        return spdlog::level::debug;
    }
  }
};

// Stateless, so one instance serves every client for the whole process.
KafkaLogBridge* const kLogBridge = new KafkaLogBridge();

}  // namespace

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeKafkaConf(
    const std::map<std::string, std::string>& properties) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  for (const auto& [name, value] : properties) {
    std::string error;
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid Kafka property ", name, "=\"", value, "\": ", error));
    }
  }
  std::string error;
  if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(kLogBridge), error) !=
      RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("cannot set event_cb: ", error));
  }
  return conf;
}

}  // namespace signup
