#include "services/common/kafka_flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, brokers, "127.0.0.1:9092",
          "Comma-separated host:port list of Kafka bootstrap brokers. "
          "Env: SIGNUP_BROKERS.");
ABSL_FLAG(std::string, request_topic, "account.signup_request",
          "Kafka topic of signup requests, keyed by username. "
          "Env: SIGNUP_REQUEST_TOPIC.");
ABSL_FLAG(std::string, response_topic, "account.signup_response",
          "Kafka topic of the workers' decisions. Env: SIGNUP_RESPONSE_TOPIC.");
