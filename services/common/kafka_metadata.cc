#include "services/common/kafka_metadata.h"

#include <memory>

#include "absl/strings/str_cat.h"

namespace signup {

absl::StatusOr<int32_t> QueryPartitionCount(RdKafka::Handle& handle,
                                            const std::string& topic,
                                            absl::Duration timeout) {
  std::string error;
  std::unique_ptr<RdKafka::Topic> topic_handle(
      RdKafka::Topic::create(&handle, topic, nullptr, error));
  if (topic_handle == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid Kafka topic \"", topic, "\": ", error));
  }

  RdKafka::Metadata* raw_metadata = nullptr;
  const RdKafka::ErrorCode code =
      handle.metadata(false, topic_handle.get(), &raw_metadata,
                      static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  std::unique_ptr<RdKafka::Metadata> metadata(raw_metadata);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("metadata request for Kafka topic \"", topic,
                     "\" failed: ", RdKafka::err2str(code)));
  }

  for (const RdKafka::TopicMetadata* entry : *metadata->topics()) {
    if (entry->topic() != topic) continue;
    if (entry->err() == RdKafka::ERR_UNKNOWN_TOPIC_OR_PART) {
      return absl::NotFoundError(absl::StrCat(
          "Kafka topic \"", topic,
          "\" does not exist; create it with `signup-admin setup`"));
    }
    if (entry->err() != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(absl::StrCat(
          "metadata of Kafka topic \"", topic,
          "\" has an error: ", RdKafka::err2str(entry->err())));
    }
    return static_cast<int32_t>(entry->partitions()->size());
  }
  return absl::NotFoundError(
      absl::StrCat("Kafka topic \"", topic, "\" is missing from the metadata"));
}

}  // namespace signup
