// A Kafka consumer that reads explicitly assigned partitions from offsets
// that the caller chooses. It never joins a consumer group's rebalancing and
// never commits offsets to Kafka: workers keep their offset in PostgreSQL,
// and gateways read every partition of the response topic.
#ifndef SIGNUP_SERVICES_COMMON_KAFKA_CONSUMER_H_
#define SIGNUP_SERVICES_COMMON_KAFKA_CONSUMER_H_

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace signup {

// Special offsets for Assign, as librdkafka defines them.
inline constexpr int64_t kOffsetBeginning = RD_KAFKA_OFFSET_BEGINNING;
inline constexpr int64_t kOffsetEnd = RD_KAFKA_OFFSET_END;

struct ConsumerOptions {
  // Comma-separated host:port list of bootstrap brokers.
  std::string brokers;
  std::string client_id = "signup";
  // librdkafka requires a group id even without group management; it names
  // the consumer in broker logs only, since nothing is committed.
  std::string group_id = "signup";
  // Further librdkafka properties; they override the defaults set here.
  std::map<std::string, std::string> properties;
};

// One partition and the offset to start reading it at.
struct PartitionOffset {
  int32_t partition = 0;
  int64_t offset = kOffsetBeginning;
};

// Low and high watermark of a partition: the first offset still stored and
// the offset the next message will get.
struct Watermarks {
  int64_t low = 0;
  int64_t high = 0;
};

// Not thread-safe: one thread polls it.
class KafkaConsumer {
 public:
  // Returns INVALID_ARGUMENT when librdkafka rejects a property.
  static absl::StatusOr<std::unique_ptr<KafkaConsumer>> Create(
      const ConsumerOptions& options);

  // Closes the consumer.
  ~KafkaConsumer();

  KafkaConsumer(const KafkaConsumer&) = delete;
  KafkaConsumer& operator=(const KafkaConsumer&) = delete;

  // Replaces the assignment with `partitions` of `topic`.
  absl::Status Assign(const std::string& topic,
                      const std::vector<PartitionOffset>& partitions);

  // Returns the next message, or nullptr when none arrived within `timeout`.
  // Returns UNAVAILABLE for a consumer error, such as a broker that cannot
  // be reached; the consumer keeps retrying by itself, so the caller may
  // log the error and poll again.
  absl::StatusOr<std::unique_ptr<RdKafka::Message>> Poll(absl::Duration timeout);

  // Asks the partition leader for the current watermarks.
  absl::StatusOr<Watermarks> QueryWatermarks(const std::string& topic,
                                             int32_t partition,
                                             absl::Duration timeout);

  // Returns the partition count of `topic`; see QueryPartitionCount.
  absl::StatusOr<int32_t> PartitionCount(const std::string& topic,
                                         absl::Duration timeout);

 private:
  explicit KafkaConsumer(std::unique_ptr<RdKafka::KafkaConsumer> consumer)
      : consumer_(std::move(consumer)) {}

  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_KAFKA_CONSUMER_H_
