// EnsureTopics against the suite's real Kafka broker, each test with topic
// names of its own.
#include "services/admin/topic_setup.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/kafka_consumer.h"
#include "tests/support/test_environment.h"

namespace signup {
namespace {

using testing::Brokers;
using testing::UniqueName;

constexpr absl::Duration kTimeout = absl::Seconds(30);

absl::StatusOr<int32_t> PartitionCount(const std::string& topic) {
  absl::StatusOr<std::unique_ptr<KafkaConsumer>> consumer = KafkaConsumer::Create(
      {.brokers = Brokers(), .client_id = "topic_setup_test", .group_id = "topic_setup_test"});
  if (!consumer.ok()) return consumer.status();
  return (*consumer)->PartitionCount(topic, kTimeout);
}

TEST(EnsureTopicsTest, CreatesWithPartitions) {
  const std::string request = UniqueName("request");
  const std::string response = UniqueName("response");
  const absl::Status status =
      EnsureTopics({.brokers = Brokers(), .topics = {request, response}, .partitions = 4});
  ASSERT_TRUE(status.ok()) << status;

  for (const std::string& topic : {request, response}) {
    absl::StatusOr<int32_t> count = PartitionCount(topic);
    ASSERT_TRUE(count.ok()) << count.status();
    EXPECT_EQ(*count, 4) << topic;
  }
}

TEST(EnsureTopicsTest, RerunIsOk) {
  const std::string topic = UniqueName("request");
  const TopicSetupOptions options = {.brokers = Brokers(), .topics = {topic}, .partitions = 3};
  ASSERT_TRUE(EnsureTopics(options).ok());

  const absl::Status again = EnsureTopics(options);
  EXPECT_TRUE(again.ok()) << again;
  absl::StatusOr<int32_t> count = PartitionCount(topic);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 3);
}

TEST(EnsureTopicsTest, OtherCountRejected) {
  const std::string topic = UniqueName("request");
  ASSERT_TRUE(EnsureTopics({.brokers = Brokers(), .topics = {topic}, .partitions = 3}).ok());

  const absl::Status status =
      EnsureTopics({.brokers = Brokers(), .topics = {topic}, .partitions = 5});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), topic)) << status;
  // Topic names contain no spaces, so " 3 " and " 5 " can only be counts.
  EXPECT_TRUE(absl::StrContains(status.message(), " 3 ")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), " 5 ")) << status;

  absl::StatusOr<int32_t> count = PartitionCount(topic);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 3);
}

TEST(EnsureTopicsTest, CreatesOnlyMissingTopic) {
  const std::string existing = UniqueName("request");
  const std::string missing = UniqueName("response");
  ASSERT_TRUE(EnsureTopics({.brokers = Brokers(), .topics = {existing}, .partitions = 2}).ok());

  const absl::Status status =
      EnsureTopics({.brokers = Brokers(), .topics = {existing, missing}, .partitions = 2});
  ASSERT_TRUE(status.ok()) << status;
  absl::StatusOr<int32_t> count = PartitionCount(missing);
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, 2);
}

// The broker's metadata may not list a topic yet right after CreateTopics
// returned; concurrent setups make that happen on almost every run.
TEST(EnsureTopicsTest, ConcurrentSetupsSucceed) {
  constexpr int kSetups = 8;
  absl::Status results[kSetups];
  std::vector<std::thread> threads;
  for (int i = 0; i < kSetups; ++i) {
    threads.emplace_back([&results, i] {
      results[i] = EnsureTopics({.brokers = Brokers(),
                                 .topics = {UniqueName("request"), UniqueName("response")},
                                 .partitions = 3});
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kSetups; ++i) EXPECT_TRUE(results[i].ok()) << results[i];
}

TEST(EnsureTopicsTest, ZeroPartitionsInvalid) {
  const absl::Status status =
      EnsureTopics({.brokers = Brokers(), .topics = {UniqueName("request")}, .partitions = 0});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(EnsureTopicsTest, InvalidTopicNameRejected) {
  const absl::Status status = EnsureTopics(
      {.brokers = Brokers(), .topics = {"no spaces allowed"}, .partitions = 1});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
}

TEST(EnsureTopicsTest, UnreachableBrokerUnavailable) {
  const absl::Status status =
      EnsureTopics({.brokers = absl::StrCat("127.0.0.1:", testing::FreePort()),
                    .topics = {UniqueName("request")},
                    .partitions = 1,
                    .timeout = absl::Seconds(2)});
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

}  // namespace
}  // namespace signup
