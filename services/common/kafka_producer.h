// A Kafka producer whose every message ends in exactly one delivery report.
//
// librdkafka reports a message as delivered only after the broker has
// acknowledged it (acks=all here), so the report is the only proof that a
// message is durable; callers must not treat a message as sent before it.
//
//   auto producer = signup::KafkaProducer::Create({.brokers = "127.0.0.1:9092"});
//   (*producer)->Produce("topic", signup::kAnyPartition, key, value,
//                        [](const signup::DeliveryReport& report) { ... });
#ifndef SIGNUP_SERVICES_COMMON_KAFKA_PRODUCER_H_
#define SIGNUP_SERVICES_COMMON_KAFKA_PRODUCER_H_

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <thread>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace signup {

// Lets the partitioner choose the partition from the key.
inline constexpr int32_t kAnyPartition = RD_KAFKA_PARTITION_UA;

// Outcome of one produced message.
struct DeliveryReport {
  // OK once the broker acknowledged the message; otherwise UNAVAILABLE (or
  // another code) with librdkafka's error, the topic and the partition.
  absl::Status status;
  int32_t partition = -1;
  // Offset of the stored message; -1 unless status is OK.
  int64_t offset = -1;
};

using DeliveryCallback = absl::AnyInvocable<void(const DeliveryReport&) &&>;

struct ProducerOptions {
  // Comma-separated host:port list of bootstrap brokers.
  std::string brokers;
  std::string client_id = "signup";
  // How long librdkafka keeps retrying a message before it reports it as
  // failed (message.timeout.ms).
  absl::Duration delivery_timeout = absl::Seconds(30);
  // Further librdkafka properties; they override the defaults set here.
  std::map<std::string, std::string> properties;
};

// An idempotent producer (enable.idempotence=true, so acks=all and no
// duplicates from internal retries) that partitions keys with Kafka's
// murmur2 partitioner, like the Java client. Thread-safe. A background
// thread serves delivery reports, so callbacks run on that thread or on a
// thread inside Flush; callbacks must not block.
class KafkaProducer {
 public:
  // Returns INVALID_ARGUMENT when librdkafka rejects a property.
  static absl::StatusOr<std::unique_ptr<KafkaProducer>> Create(
      const ProducerOptions& options);

  // Flushes for up to the delivery timeout, then stops. Messages still
  // undelivered get a failed report before the destructor returns.
  ~KafkaProducer();

  KafkaProducer(const KafkaProducer&) = delete;
  KafkaProducer& operator=(const KafkaProducer&) = delete;

  // Enqueues one message. On OK, `on_delivery` is called exactly once, later.
  // On error (queue full, unknown topic or partition) the message was not
  // enqueued and `on_delivery` is never called.
  absl::Status Produce(const std::string& topic, int32_t partition,
                       absl::string_view key, absl::string_view value,
                       DeliveryCallback on_delivery);

  // Waits until every enqueued message has its delivery report, or returns
  // DEADLINE_EXCEEDED after `timeout`.
  absl::Status Flush(absl::Duration timeout);

  // Returns the partition count of `topic`, or NOT_FOUND when the broker
  // does not know the topic, or UNAVAILABLE when no broker answered.
  absl::StatusOr<int32_t> PartitionCount(const std::string& topic,
                                         absl::Duration timeout);

 private:
  class ReportHandler;

  KafkaProducer(std::unique_ptr<ReportHandler> handler,
                std::unique_ptr<RdKafka::Producer> producer,
                absl::Duration delivery_timeout);
  void PollLoop();

  std::unique_ptr<ReportHandler> handler_;
  std::unique_ptr<RdKafka::Producer> producer_;
  absl::Duration delivery_timeout_;
  std::atomic<bool> stopping_{false};
  std::thread poll_thread_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_KAFKA_PRODUCER_H_
