// Conversion of librdkafka properties into an RdKafka::Conf.
#ifndef SIGNUP_SERVICES_COMMON_KAFKA_CONFIG_H_
#define SIGNUP_SERVICES_COMMON_KAFKA_CONFIG_H_

#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace signup {

// Returns a global configuration with every property set, in key order,
// that writes librdkafka's log lines and errors through spdlog.
// Returns INVALID_ARGUMENT with the property, its value and librdkafka's
// message when librdkafka rejects one.
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeKafkaConf(
    const std::map<std::string, std::string>& properties);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_KAFKA_CONFIG_H_
