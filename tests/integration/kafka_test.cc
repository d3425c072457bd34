// KafkaProducer, KafkaConsumer and PartitionForUsername against the suite's
// real Kafka broker, each test on topics of its own.
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/common/kafka_consumer.h"
#include "services/common/kafka_producer.h"
#include "services/common/partitioner.h"
#include "tests/support/test_environment.h"

namespace signup {
namespace {

using testing::Brokers;
using testing::CreateTestTopics;
using testing::UniqueName;

constexpr absl::Duration kTimeout = absl::Seconds(30);

std::unique_ptr<KafkaProducer> NewProducer(absl::Duration delivery_timeout = kTimeout) {
  absl::StatusOr<std::unique_ptr<KafkaProducer>> producer = KafkaProducer::Create(
      {.brokers = Brokers(), .client_id = "kafka_test", .delivery_timeout = delivery_timeout});
  EXPECT_TRUE(producer.ok()) << producer.status();
  return producer.ok() ? std::move(*producer) : nullptr;
}

std::unique_ptr<KafkaConsumer> NewConsumer() {
  absl::StatusOr<std::unique_ptr<KafkaConsumer>> consumer = KafkaConsumer::Create(
      {.brokers = Brokers(), .client_id = "kafka_test", .group_id = UniqueName("kafka_test")});
  EXPECT_TRUE(consumer.ok()) << consumer.status();
  return consumer.ok() ? std::move(*consumer) : nullptr;
}

// Produces one message and waits for its delivery report. A message that
// could not be enqueued gets a report with the enqueue error.
DeliveryReport ProduceAndWait(KafkaProducer& producer, const std::string& topic,
                              int32_t partition, const std::string& key,
                              const std::string& value) {
  // Shared, because a late report may arrive after this function gave up.
  auto promise = std::make_shared<std::promise<DeliveryReport>>();
  std::future<DeliveryReport> future = promise->get_future();
  const absl::Status enqueued = producer.Produce(
      topic, partition, key, value,
      [promise](const DeliveryReport& report) { promise->set_value(report); });
  if (!enqueued.ok()) return {.status = enqueued};
  if (future.wait_for(std::chrono::seconds(90)) != std::future_status::ready) {
    return {.status = absl::DeadlineExceededError(
                "timed out after 90 s waiting for the delivery report")};
  }
  return future.get();
}

// A message read back from Kafka.
struct ReadMessage {
  int32_t partition = -1;
  int64_t offset = -1;
  std::string key;
  std::string payload;
};

// Polls until `count` messages arrived or the timeout passed.
std::vector<ReadMessage> ReadMessages(KafkaConsumer& consumer, size_t count,
                                      absl::Duration timeout = kTimeout) {
  std::vector<ReadMessage> messages;
  const absl::Time deadline = absl::Now() + timeout;
  while (messages.size() < count && absl::Now() < deadline) {
    absl::StatusOr<std::unique_ptr<RdKafka::Message>> message =
        consumer.Poll(absl::Milliseconds(500));
    if (!message.ok() || *message == nullptr) continue;
    const RdKafka::Message& read = **message;
    messages.push_back({.partition = read.partition(),
                        .offset = read.offset(),
                        .key = read.key() != nullptr ? *read.key() : "",
                        .payload = std::string(static_cast<const char*>(read.payload()),
                                               read.len())});
  }
  return messages;
}

TEST(KafkaProducerTest, DeliveryReportHasPartitionAndOffset) {
  const testing::TestTopics topics = CreateTestTopics(3);
  std::unique_ptr<KafkaProducer> producer = NewProducer();
  ASSERT_NE(producer, nullptr);

  const DeliveryReport first = ProduceAndWait(*producer, topics.request, 1, "alice", "one");
  ASSERT_TRUE(first.status.ok()) << first.status;
  EXPECT_EQ(first.partition, 1);
  EXPECT_EQ(first.offset, 0);

  const DeliveryReport second = ProduceAndWait(*producer, topics.request, 1, "bob", "two");
  ASSERT_TRUE(second.status.ok()) << second.status;
  EXPECT_EQ(second.partition, 1);
  EXPECT_EQ(second.offset, 1);
}

TEST(KafkaConsumerTest, ReadsProducedMessageAtOffset) {
  const testing::TestTopics topics = CreateTestTopics(3);
  std::unique_ptr<KafkaProducer> producer = NewProducer();
  ASSERT_NE(producer, nullptr);
  ASSERT_TRUE(ProduceAndWait(*producer, topics.request, 2, "first", "skipped").status.ok());
  const std::string payload("binary\0payload\xff", 15);
  const DeliveryReport report =
      ProduceAndWait(*producer, topics.request, 2, "j\xc3\xbcrgen", payload);
  ASSERT_TRUE(report.status.ok()) << report.status;

  std::unique_ptr<KafkaConsumer> consumer = NewConsumer();
  ASSERT_NE(consumer, nullptr);
  ASSERT_TRUE(consumer->Assign(topics.request, {{.partition = 2, .offset = report.offset}}).ok());
  const std::vector<ReadMessage> messages = ReadMessages(*consumer, 1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].partition, 2);
  EXPECT_EQ(messages[0].offset, report.offset);
  EXPECT_EQ(messages[0].key, "j\xc3\xbcrgen");
  EXPECT_EQ(messages[0].payload, payload);
}

TEST(KafkaConsumerTest, ReadsFromBeginning) {
  const testing::TestTopics topics = CreateTestTopics(1);
  std::unique_ptr<KafkaProducer> producer = NewProducer();
  ASSERT_NE(producer, nullptr);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ProduceAndWait(*producer, topics.request, 0, absl::StrCat("k", i),
                               absl::StrCat("v", i))
                    .status.ok());
  }

  std::unique_ptr<KafkaConsumer> consumer = NewConsumer();
  ASSERT_NE(consumer, nullptr);
  ASSERT_TRUE(
      consumer->Assign(topics.request, {{.partition = 0, .offset = kOffsetBeginning}}).ok());
  const std::vector<ReadMessage> messages = ReadMessages(*consumer, 3);
  ASSERT_EQ(messages.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(messages[i].offset, i);
    EXPECT_EQ(messages[i].payload, absl::StrCat("v", i));
  }
}

TEST(KafkaConsumerTest, PollWithoutMessageReturnsNull) {
  const testing::TestTopics topics = CreateTestTopics(1);
  std::unique_ptr<KafkaConsumer> consumer = NewConsumer();
  ASSERT_NE(consumer, nullptr);
  ASSERT_TRUE(
      consumer->Assign(topics.request, {{.partition = 0, .offset = kOffsetBeginning}}).ok());
  absl::StatusOr<std::unique_ptr<RdKafka::Message>> message =
      consumer->Poll(absl::Milliseconds(500));
  ASSERT_TRUE(message.ok()) << message.status();
  EXPECT_EQ(*message, nullptr);
}

TEST(KafkaProducerTest, FlushWaitsForReports) {
  const testing::TestTopics topics = CreateTestTopics(3);
  std::unique_ptr<KafkaProducer> producer = NewProducer();
  ASSERT_NE(producer, nullptr);

  constexpr int kMessages = 20;
  std::mutex mutex;
  std::vector<DeliveryReport> reports;
  for (int i = 0; i < kMessages; ++i) {
    ASSERT_TRUE(producer
                    ->Produce(topics.request, kAnyPartition, absl::StrCat("user", i), "value",
                              [&](const DeliveryReport& report) {
                                std::lock_guard lock(mutex);
                                reports.push_back(report);
                              })
                    .ok());
  }
  const absl::Status flushed = producer->Flush(kTimeout);
  ASSERT_TRUE(flushed.ok()) << flushed;

  std::lock_guard lock(mutex);
  ASSERT_EQ(reports.size(), static_cast<size_t>(kMessages));
  for (const DeliveryReport& report : reports) EXPECT_TRUE(report.status.ok()) << report.status;
}

// Produces `usernames` with the partitioner choosing the partition, reads
// every partition back, and returns the partition each key was stored in.
std::map<std::string, int32_t> StoredPartitions(const std::vector<std::string>& usernames,
                                                int32_t partitions) {
  const testing::TestTopics topics = CreateTestTopics(partitions);
  std::unique_ptr<KafkaProducer> producer = NewProducer();
  if (producer == nullptr) return {};
  for (const std::string& username : usernames) {
    const absl::Status enqueued = producer->Produce(
        topics.request, kAnyPartition, username, "claim", [](const DeliveryReport& report) {
          EXPECT_TRUE(report.status.ok()) << report.status;
        });
    EXPECT_TRUE(enqueued.ok()) << enqueued;
  }
  const absl::Status flushed = producer->Flush(kTimeout);
  EXPECT_TRUE(flushed.ok()) << flushed;

  std::unique_ptr<KafkaConsumer> consumer = NewConsumer();
  if (consumer == nullptr) return {};
  std::vector<PartitionOffset> assignment;
  for (int32_t partition = 0; partition < partitions; ++partition) {
    assignment.push_back({.partition = partition, .offset = kOffsetBeginning});
  }
  EXPECT_TRUE(consumer->Assign(topics.request, assignment).ok());

  std::map<std::string, int32_t> stored;
  for (const ReadMessage& message : ReadMessages(*consumer, usernames.size())) {
    stored[message.key] = message.partition;
  }
  return stored;
}

std::vector<std::string> SampleUsernames() {
  std::vector<std::string> usernames;
  for (int i = 0; i < 190; ++i) usernames.push_back(absl::StrCat("user", i));
  for (const std::string username :
       {"a", "Z", "j\xc3\xbcrgen", "\xe5\x90\x8d\xe5\x89\x8d", "\xf0\x9f\x98\x80",
        "0123456789012345678901234567890123456789", "Bob", "bob", "o'neil", "x.y-z"}) {
    usernames.push_back(username);
  }
  return usernames;
}

TEST(PartitionForUsernameTest, MatchesBrokerWithThreePartitions) {
  const std::vector<std::string> usernames = SampleUsernames();
  const std::map<std::string, int32_t> stored = StoredPartitions(usernames, 3);
  ASSERT_EQ(stored.size(), usernames.size());
  std::set<int32_t> used;
  for (const std::string& username : usernames) {
    EXPECT_EQ(PartitionForUsername(username, 3), stored.at(username)) << username;
    used.insert(stored.at(username));
  }
  EXPECT_EQ(used.size(), 3u);
}

TEST(PartitionForUsernameTest, MatchesBrokerWithSevenPartitions) {
  const std::vector<std::string> usernames = SampleUsernames();
  const std::map<std::string, int32_t> stored = StoredPartitions(usernames, 7);
  ASSERT_EQ(stored.size(), usernames.size());
  std::set<int32_t> used;
  for (const std::string& username : usernames) {
    EXPECT_EQ(PartitionForUsername(username, 7), stored.at(username)) << username;
    used.insert(stored.at(username));
  }
  EXPECT_EQ(used.size(), 7u);
}

TEST(PartitionForUsernameTest, StaysInRange) {
  for (int32_t partitions : {1, 2, 3, 7, 64, 1000}) {
    for (const std::string& username : SampleUsernames()) {
      const int32_t partition = PartitionForUsername(username, partitions);
      EXPECT_GE(partition, 0) << username;
      EXPECT_LT(partition, partitions) << username;
    }
  }
}

// Queries the watermarks and retries UNAVAILABLE as callers do, because
// right after a topic was created the broker may not know its leader yet.
absl::StatusOr<Watermarks> QueryWatermarksWithRetry(KafkaConsumer& consumer,
                                                    const std::string& topic,
                                                    int32_t partition) {
  const absl::Time deadline = absl::Now() + kTimeout;
  absl::StatusOr<Watermarks> watermarks = consumer.QueryWatermarks(topic, partition, kTimeout);
  while (absl::IsUnavailable(watermarks.status()) && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(100));
    watermarks = consumer.QueryWatermarks(topic, partition, kTimeout);
  }
  return watermarks;
}

TEST(KafkaConsumerTest, WatermarksOfEmptyPartition) {
  const testing::TestTopics topics = CreateTestTopics(2);
  std::unique_ptr<KafkaConsumer> consumer = NewConsumer();
  ASSERT_NE(consumer, nullptr);
  absl::StatusOr<Watermarks> watermarks = QueryWatermarksWithRetry(*consumer, topics.request, 1);
  ASSERT_TRUE(watermarks.ok()) << watermarks.status();
  EXPECT_EQ(watermarks->low, 0);
  EXPECT_EQ(watermarks->high, 0);
}

TEST(KafkaConsumerTest, WatermarksAfterProduce) {
  const testing::TestTopics topics = CreateTestTopics(2);
  std::unique_ptr<KafkaProducer> producer = NewProducer();
  ASSERT_NE(producer, nullptr);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ProduceAndWait(*producer, topics.request, 1, "key", "value").status.ok());
  }

  std::unique_ptr<KafkaConsumer> consumer = NewConsumer();
  ASSERT_NE(consumer, nullptr);
  absl::StatusOr<Watermarks> watermarks = QueryWatermarksWithRetry(*consumer, topics.request, 1);
  ASSERT_TRUE(watermarks.ok()) << watermarks.status();
  EXPECT_EQ(watermarks->low, 0);
  EXPECT_EQ(watermarks->high, 3);
}

TEST(KafkaConsumerTest, PartitionCountOfTopic) {
  const testing::TestTopics topics = CreateTestTopics(5);
  std::unique_ptr<KafkaConsumer> consumer = NewConsumer();
  ASSERT_NE(consumer, nullptr);
  absl::StatusOr<int32_t> count = consumer->PartitionCount(topics.response, kTimeout);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 5);
}

TEST(KafkaConsumerTest, PartitionCountMissingTopic) {
  std::unique_ptr<KafkaConsumer> consumer = NewConsumer();
  ASSERT_NE(consumer, nullptr);
  absl::StatusOr<int32_t> count = consumer->PartitionCount(UniqueName("missing"), kTimeout);
  EXPECT_EQ(count.status().code(), absl::StatusCode::kNotFound) << count.status();
}

TEST(KafkaProducerTest, PartitionCountOfTopic) {
  const testing::TestTopics topics = CreateTestTopics(4);
  std::unique_ptr<KafkaProducer> producer = NewProducer();
  ASSERT_NE(producer, nullptr);
  absl::StatusOr<int32_t> count = producer->PartitionCount(topics.request, kTimeout);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 4);
}

TEST(KafkaProducerTest, PartitionCountMissingTopic) {
  std::unique_ptr<KafkaProducer> producer = NewProducer();
  ASSERT_NE(producer, nullptr);
  absl::StatusOr<int32_t> count = producer->PartitionCount(UniqueName("missing"), kTimeout);
  EXPECT_EQ(count.status().code(), absl::StatusCode::kNotFound) << count.status();
}

TEST(KafkaProducerTest, MissingTopicFails) {
  // The broker does not create topics on demand, so the message is either
  // not enqueued or reported as failed.
  std::unique_ptr<KafkaProducer> producer = NewProducer(absl::Seconds(5));
  ASSERT_NE(producer, nullptr);
  const DeliveryReport report =
      ProduceAndWait(*producer, UniqueName("missing"), kAnyPartition, "alice", "claim");
  EXPECT_FALSE(report.status.ok());
  EXPECT_NE(report.status.code(), absl::StatusCode::kDeadlineExceeded) << report.status;
  EXPECT_EQ(report.offset, -1);
}

TEST(KafkaProducerTest, DestructorReportsUndelivered) {
  // Every enqueued message gets exactly one report, even when the producer
  // is destroyed before the broker acknowledged it.
  std::unique_ptr<KafkaProducer> producer = NewProducer(absl::Seconds(3));
  ASSERT_NE(producer, nullptr);
  int reports = 0;
  absl::Status status;
  const absl::Status enqueued = producer->Produce(UniqueName("missing"), kAnyPartition,
                                                  "alice", "claim",
                                                  [&](const DeliveryReport& report) {
                                                    ++reports;
                                                    status = report.status;
                                                  });
  if (!enqueued.ok()) GTEST_SKIP() << "librdkafka rejected the message at once: " << enqueued;
  producer.reset();
  EXPECT_EQ(reports, 1);
  EXPECT_FALSE(status.ok());
}

TEST(KafkaClientTest, InvalidPropertyRejected) {
  absl::StatusOr<std::unique_ptr<KafkaProducer>> producer = KafkaProducer::Create(
      {.brokers = Brokers(), .properties = {{"no.such.property", "1"}}});
  EXPECT_EQ(producer.status().code(), absl::StatusCode::kInvalidArgument);
  absl::StatusOr<std::unique_ptr<KafkaConsumer>> consumer = KafkaConsumer::Create(
      {.brokers = Brokers(), .properties = {{"no.such.property", "1"}}});
  EXPECT_EQ(consumer.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace signup
