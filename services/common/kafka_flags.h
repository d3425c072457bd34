// The command-line flags that every service uses to find Kafka and the two
// topics, defined once so that their names, defaults and help agree.
#ifndef SIGNUP_SERVICES_COMMON_KAFKA_FLAGS_H_
#define SIGNUP_SERVICES_COMMON_KAFKA_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(std::string, brokers);
ABSL_DECLARE_FLAG(std::string, request_topic);
ABSL_DECLARE_FLAG(std::string, response_topic);

// Flag names to pass to ParseFlagsWithEnvironment next to a binary's own.
#define SIGNUP_KAFKA_FLAG_NAMES "brokers", "request_topic", "response_topic"

#endif  // SIGNUP_SERVICES_COMMON_KAFKA_FLAGS_H_
