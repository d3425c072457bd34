#include "services/gateway/decision_reader.h"

#include <algorithm>
#include <vector>

#include "services/gateway/decision_conversion.h"
#include "services/common/logging.h"

namespace signup {

absl::StatusOr<std::unique_ptr<DecisionReader>> DecisionReader::Open(
    const ConsumerOptions& options, const std::string& topic, StartFrom start_from,
    absl::Duration timeout) {
  absl::StatusOr<std::unique_ptr<KafkaConsumer>> consumer = KafkaConsumer::Create(options);
  if (!consumer.ok()) return consumer.status();

  absl::StatusOr<int32_t> partitions = (*consumer)->PartitionCount(topic, timeout);
  if (!partitions.ok()) return partitions.status();

  std::vector<PartitionOffset> assignment;
  for (int32_t partition = 0; partition < *partitions; ++partition) {
    int64_t offset = kOffsetBeginning;
    if (start_from == StartFrom::kNow) {
      // An explicit offset instead of kOffsetEnd: the end is fixed now, not
      // whenever the consumer first fetches, so nothing published after
      // Open returns is missed.
      absl::StatusOr<Watermarks> watermarks =
          (*consumer)->QueryWatermarks(topic, partition, timeout);
      if (!watermarks.ok()) return watermarks.status();
      offset = watermarks->high;
    }
    assignment.push_back({partition, offset});
  }
  if (absl::Status assigned = (*consumer)->Assign(topic, assignment); !assigned.ok()) {
    return assigned;
  }
  return std::unique_ptr<DecisionReader>(new DecisionReader(std::move(*consumer), topic));
}

absl::StatusOr<std::optional<v1::Decision>> DecisionReader::Next(
    absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const absl::Duration remaining = std::max(deadline - absl::Now(), absl::ZeroDuration());
    absl::StatusOr<std::unique_ptr<RdKafka::Message>> message = consumer_->Poll(remaining);
    if (!message.ok()) return message.status();
    if (*message == nullptr) return std::nullopt;

    const RdKafka::Message& raw = **message;
    absl::StatusOr<v1::Decision> decision = DecodeDecision(absl::string_view(
        static_cast<const char*>(raw.payload()), raw.len()));
    if (!decision.ok()) {
      spdlog::warn("skipping decision topic={} partition={} offset={} error=\"{}\"",
                   topic_, raw.partition(), raw.offset(), decision.status().message());
      continue;
    }

    auto [last, inserted] = last_offsets_.try_emplace(decision->partition(), -1);
    if (decision->offset() <= last->second) {
      spdlog::debug("skipping duplicate decision request_id={} partition={} offset={}",
                    decision->request_id(), decision->partition(), decision->offset());
      if (absl::Now() >= deadline) return std::nullopt;
      continue;
    }
    last->second = decision->offset();
    return *std::move(decision);
  }
}

}  // namespace signup
