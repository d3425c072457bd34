#include "services/common/kafka_config.h"

#include "absl/strings/str_cat.h"

namespace signup {

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
  return conf;
}

}  // namespace signup
