// Reads the decisions of every partition of account.signup_response, each
// at most once.
#ifndef SIGNUP_SERVICES_GATEWAY_DECISION_READER_H_
#define SIGNUP_SERVICES_GATEWAY_DECISION_READER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/kafka_consumer.h"
#include "signup/v1/signup.pb.h"

namespace signup {

// Not thread-safe: one thread calls Next.
class DecisionReader {
 public:
  enum class StartFrom {
    // The end of each partition as it is when Open returns.
    kNow,
    // The oldest decision still stored in each partition.
    kBeginning,
  };

  // Assigns every partition of `topic`, positioned as `start_from` says.
  // When Open returns with kNow, every decision published later will be
  // read. Returns UNAVAILABLE or NOT_FOUND when the topic cannot be
  // described within `timeout`.
  static absl::StatusOr<std::unique_ptr<DecisionReader>> Open(
      const ConsumerOptions& options, const std::string& topic,
      StartFrom start_from, absl::Duration timeout);

  // Returns the next decision not returned before, or nullopt when none
  // arrived within `timeout`. A worker publishes a partition's decisions in
  // request offset order and may publish one again after a crash, so a
  // decision whose request offset is not above the last one returned for
  // its partition is a duplicate and is skipped. Undecodable payloads are
  // logged and skipped. Returns UNAVAILABLE for a consumer error; the
  // caller may retry.
  absl::StatusOr<std::optional<v1::Decision>> Next(absl::Duration timeout);

 private:
  DecisionReader(std::unique_ptr<KafkaConsumer> consumer, std::string topic)
      : consumer_(std::move(consumer)), topic_(std::move(topic)) {}

  std::unique_ptr<KafkaConsumer> consumer_;
  std::string topic_;
  // Highest request offset returned per partition.
  std::map<int32_t, int64_t> last_offsets_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_GATEWAY_DECISION_READER_H_
