#include "services/admin/topic_setup.h"

#include <librdkafka/rdkafka.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "services/common/backoff.h"
#include "services/common/kafka_consumer.h"
#include "services/common/logging.h"

namespace signup {
namespace {

// Owners for librdkafka's C handles; the Admin API has no C++ binding.
struct KafkaDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
  void operator()(rd_kafka_event_t* event) const { rd_kafka_event_destroy(event); }
  void operator()(rd_kafka_AdminOptions_t* options) const {
    rd_kafka_AdminOptions_destroy(options);
  }
  void operator()(rd_kafka_NewTopic_t* topic) const { rd_kafka_NewTopic_destroy(topic); }
};
template <typename T>
using KafkaPtr = std::unique_ptr<T, KafkaDeleter>;

// Sends one CreateTopics request. Topics that already exist are not errors
// here; their partition counts are checked afterwards.
absl::Status CreateTopics(const TopicSetupOptions& options) {
  char error[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", options.brokers.c_str(), error,
                        sizeof(error)) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(
        absl::StrCat("invalid --brokers \"", options.brokers, "\": ", error));
  }
  // rd_kafka_new takes ownership of conf only when it succeeds.
  KafkaPtr<rd_kafka_t> handle(
      rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error)));
  if (handle == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("cannot create Kafka client: ", error));
  }

  std::vector<KafkaPtr<rd_kafka_NewTopic_t>> new_topics;
  std::vector<rd_kafka_NewTopic_t*> raw_topics;
  for (const std::string& name : options.topics) {
    new_topics.emplace_back(rd_kafka_NewTopic_new(name.c_str(), options.partitions,
                                                  options.replication_factor,
                                                  error, sizeof(error)));
    if (new_topics.back() == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid topic \"", name, "\": ", error));
    }
    raw_topics.push_back(new_topics.back().get());
  }

  KafkaPtr<rd_kafka_AdminOptions_t> admin_options(
      rd_kafka_AdminOptions_new(handle.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  const int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(options.timeout));
  if (rd_kafka_AdminOptions_set_request_timeout(admin_options.get(), timeout_ms, error,
                                                sizeof(error)) != RD_KAFKA_RESP_ERR_NO_ERROR ||
      rd_kafka_AdminOptions_set_operation_timeout(admin_options.get(), timeout_ms, error,
                                                  sizeof(error)) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InvalidArgumentError(absl::StrCat("invalid --timeout_seconds: ", error));
  }

  KafkaPtr<rd_kafka_queue_t> queue(rd_kafka_queue_new(handle.get()));
  rd_kafka_CreateTopics(handle.get(), raw_topics.data(), raw_topics.size(),
                        admin_options.get(), queue.get());
  KafkaPtr<rd_kafka_event_t> event(rd_kafka_queue_poll(queue.get(), timeout_ms + 5000));
  if (event == nullptr) {
    return absl::UnavailableError(absl::StrCat(
        "Kafka brokers ", options.brokers, " did not respond within ",
        absl::FormatDuration(options.timeout), "; check --brokers"));
  }
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat(
        "CreateTopics failed: ", rd_kafka_event_error_string(event.get())));
  }

  const rd_kafka_CreateTopics_result_t* result =
      rd_kafka_event_CreateTopics_result(event.get());
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      rd_kafka_CreateTopics_result_topics(result, &count);
  for (size_t i = 0; i < count; ++i) {
    const char* name = rd_kafka_topic_result_name(results[i]);
    const rd_kafka_resp_err_t code = rd_kafka_topic_result_error(results[i]);
    if (code == RD_KAFKA_RESP_ERR_NO_ERROR) {
      spdlog::info("topic created topic={} partitions={} replication_factor={}",
                   name, options.partitions, options.replication_factor);
    } else if (code == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      spdlog::info("topic already exists topic={}", name);
    } else {
      const char* message = rd_kafka_topic_result_error_string(results[i]);
      return absl::InvalidArgumentError(
          absl::StrCat("cannot create topic ", name, ": ",
                       message != nullptr ? message : rd_kafka_err2str(code)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status EnsureTopics(const TopicSetupOptions& options) {
  if (options.partitions < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid partition count ", options.partitions, ": give at least one"));
  }
  if (absl::Status created = CreateTopics(options); !created.ok()) return created;

  absl::StatusOr<std::unique_ptr<KafkaConsumer>> client =
      KafkaConsumer::Create(
          {.brokers = options.brokers, .client_id = "signup-admin", .group_id = "signup-admin"});
  if (!client.ok()) return client.status();
  const absl::Time deadline = absl::Now() + options.timeout;
  for (const std::string& topic : options.topics) {
    // A broker responds to CreateTopics before every broker's metadata lists the
    // new topic, so NOT_FOUND and UNAVAILABLE are retried until the deadline.
    Backoff backoff(absl::Milliseconds(50), absl::Seconds(1));
    absl::StatusOr<int32_t> count = (*client)->PartitionCount(topic, options.timeout);
    while (!count.ok() &&
           (absl::IsNotFound(count.status()) || absl::IsUnavailable(count.status())) &&
           absl::Now() < deadline) {
      absl::SleepFor(backoff.NextDelay());
      count = (*client)->PartitionCount(topic, deadline - absl::Now());
    }
    if (!count.ok()) return count.status();
    if (*count != options.partitions) {
      return absl::FailedPreconditionError(absl::StrCat(
          "topic ", topic, " has ", *count, " partitions but ", options.partitions,
          " databases were given; every partition needs exactly one database, so "
          "give ", *count, " databases or use new topic names"));
    }
  }
  return absl::OkStatus();
}

}  // namespace signup
