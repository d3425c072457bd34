#include "services/common/kafka_producer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/kafka_config.h"
#include "services/common/kafka_metadata.h"

namespace signup {

// Turns each librdkafka delivery report into a DeliveryReport and hands it
// to the callback that Produce stored as the message's opaque pointer.
class KafkaProducer::ReportHandler : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    std::unique_ptr<DeliveryCallback> callback(
        static_cast<DeliveryCallback*>(message.msg_opaque()));
    if (callback == nullptr) return;

    DeliveryReport report;
    report.partition = message.partition();
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      report.offset = message.offset();
    } else {
      report.status = absl::UnavailableError(absl::StrCat(
          "Kafka did not acknowledge the message to topic ",
          message.topic_name(), " partition ", message.partition(), ": ",
          message.errstr()));
    }
    std::move(*callback)(report);
  }
};

absl::StatusOr<std::unique_ptr<KafkaProducer>> KafkaProducer::Create(
    const ProducerOptions& options) {
  std::map<std::string, std::string> properties = {
      {"bootstrap.servers", options.brokers},
      {"client.id", options.client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      // The Java client's default; see PartitionForUsername.
      {"partitioner", "murmur2_random"},
      {"linger.ms", "2"},
      {"message.timeout.ms",
       std::to_string(absl::ToInt64Milliseconds(options.delivery_timeout))},
  };
  for (const auto& [name, value] : options.properties) properties[name] = value;

  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf = MakeKafkaConf(properties);
  if (!conf.ok()) return conf.status();

  auto handler = std::make_unique<ReportHandler>();
  std::string error;
  if ((*conf)->set("dr_cb", static_cast<RdKafka::DeliveryReportCb*>(handler.get()),
                   error) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("cannot set dr_cb: ", error));
  }
  std::unique_ptr<RdKafka::Producer> producer(
      RdKafka::Producer::create(conf->get(), error));
  if (producer == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create Kafka producer: ", error));
  }
  return std::unique_ptr<KafkaProducer>(new KafkaProducer(
      std::move(handler), std::move(producer), options.delivery_timeout));
}

KafkaProducer::KafkaProducer(std::unique_ptr<ReportHandler> handler,
                             std::unique_ptr<RdKafka::Producer> producer,
                             absl::Duration delivery_timeout)
    : handler_(std::move(handler)),
      producer_(std::move(producer)),
      delivery_timeout_(delivery_timeout),
      poll_thread_([this] { PollLoop(); }) {}

KafkaProducer::~KafkaProducer() {
  stopping_ = true;
  poll_thread_.join();
  producer_->flush(static_cast<int>(absl::ToInt64Milliseconds(delivery_timeout_)));

  // Whatever is still queued fails now, so that every callback runs once and
  // nothing it owns leaks.
  producer_->purge(RdKafka::Producer::PURGE_QUEUE |
                   RdKafka::Producer::PURGE_INFLIGHT);
  while (producer_->outq_len() > 0) producer_->poll(100);
}

void KafkaProducer::PollLoop() {
  while (!stopping_) producer_->poll(100);
}

absl::Status KafkaProducer::Produce(const std::string& topic, int32_t partition,
                                    absl::string_view key, absl::string_view value,
                                    DeliveryCallback on_delivery) {
  auto callback = std::make_unique<DeliveryCallback>(std::move(on_delivery));
  const RdKafka::ErrorCode code = producer_->produce(
      topic, partition, RdKafka::Producer::RK_MSG_COPY,
      const_cast<char*>(value.data()), value.size(), key.data(), key.size(),
      /*timestamp=*/0, callback.get());
  if (code != RdKafka::ERR_NO_ERROR) {
    const absl::StatusCode status_code = code == RdKafka::ERR__QUEUE_FULL
                                             ? absl::StatusCode::kResourceExhausted
                                             : absl::StatusCode::kUnavailable;
    return absl::Status(status_code,
                        absl::StrCat("cannot enqueue message to Kafka topic ",
                                     topic, ": ", RdKafka::err2str(code)));
  }
  // librdkafka owns the message now and returns the pointer in dr_cb.
  callback.release();
  return absl::OkStatus();
}

absl::Status KafkaProducer::Flush(absl::Duration timeout) {
  const RdKafka::ErrorCode code =
      producer_->flush(static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (code == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
  return absl::DeadlineExceededError(
      absl::StrCat(producer_->outq_len(),
                   " Kafka messages still undelivered after ",
                   absl::FormatDuration(timeout)));
}

absl::StatusOr<int32_t> KafkaProducer::PartitionCount(const std::string& topic,
                                                      absl::Duration timeout) {
  return QueryPartitionCount(*producer_, topic, timeout);
}

}  // namespace signup
