#include "services/common/kafka_consumer.h"

#include "absl/strings/str_cat.h"
#include "services/common/kafka_config.h"
#include "services/common/kafka_metadata.h"

namespace signup {

absl::StatusOr<std::unique_ptr<KafkaConsumer>> KafkaConsumer::Create(
    const ConsumerOptions& options) {
  std::map<std::string, std::string> properties = {
      {"bootstrap.servers", options.brokers},
      {"client.id", options.client_id},
      {"group.id", options.group_id},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      // An assigned offset that is no longer stored (deleted by retention)
      // resumes at the oldest message still stored, never at the newest.
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
  };
  for (const auto& [name, value] : options.properties) properties[name] = value;

  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf = MakeKafkaConf(properties);
  if (!conf.ok()) return conf.status();

  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (consumer == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create Kafka consumer: ", error));
  }
  return std::unique_ptr<KafkaConsumer>(new KafkaConsumer(std::move(consumer)));
}

KafkaConsumer::~KafkaConsumer() { consumer_->close(); }

absl::Status KafkaConsumer::Assign(const std::string& topic,
                                   const std::vector<PartitionOffset>& partitions) {
  std::vector<RdKafka::TopicPartition*> assignment;
  for (const PartitionOffset& entry : partitions) {
    assignment.push_back(
        RdKafka::TopicPartition::create(topic, entry.partition, entry.offset));
  }
  const RdKafka::ErrorCode code = consumer_->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::InternalError(absl::StrCat("cannot assign partitions of topic ",
                                            topic, ": ", RdKafka::err2str(code)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RdKafka::Message>> KafkaConsumer::Poll(
    absl::Duration timeout) {
  std::unique_ptr<RdKafka::Message> message(
      consumer_->consume(static_cast<int>(absl::ToInt64Milliseconds(timeout))));
  switch (message->err()) {
    case RdKafka::ERR_NO_ERROR:
      return message;
    case RdKafka::ERR__TIMED_OUT:
    case RdKafka::ERR__PARTITION_EOF:
      return nullptr;
    default:
      return absl::UnavailableError(absl::StrCat(
          "Kafka consumer error on topic ", message->topic_name(), " partition ",
          message->partition(), ": ", message->errstr()));
  }
}

absl::StatusOr<Watermarks> KafkaConsumer::QueryWatermarks(
    const std::string& topic, int32_t partition, absl::Duration timeout) {
  Watermarks watermarks;
  const RdKafka::ErrorCode code = consumer_->query_watermark_offsets(
      topic, partition, &watermarks.low, &watermarks.high,
      static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("cannot query watermarks of topic ", topic, " partition ",
                     partition, ": ", RdKafka::err2str(code)));
  }
  return watermarks;
}

absl::StatusOr<int32_t> KafkaConsumer::PartitionCount(const std::string& topic,
                                                      absl::Duration timeout) {
  return QueryPartitionCount(*consumer_, topic, timeout);
}

}  // namespace signup
