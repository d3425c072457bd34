// Exactly-once decisions under retries, a standby worker and bad messages,
// end to end on the real binaries.
#include <signal.h>
#include <sys/wait.h>

#include <pqxx/pqxx>

#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/kafka_producer.h"
#include "services/common/partitioner.h"
#include "signup/kafka/v1/messages.pb.h"
#include "tests/support/cluster.h"

namespace signup {
namespace {

using testing::CallSignup;
using testing::SignupResult;
using testing::TestCluster;
using testing::UsernameInPartition;

using ExactlyOnceTest = testing::RunningClusterTest;

TEST_F(ExactlyOnceTest, WorkerRefusesDatabaseAheadOfTopic) {
  const SignupResult created = CallSignup(*stub_, UsernameInPartition("ahead", 0));
  ASSERT_TRUE(created.outcome.has_value()) << created.status.error_message();
  cluster_.StopWorker(0, SIGTERM);

  // As if the topic had been recreated: the database has decided offsets
  // the topic does not have.
  {
    pqxx::connection connection(cluster_.database_dsn(0));
    pqxx::work transaction(connection);
    transaction.exec("UPDATE worker_partition SET next_offset = 50");
    transaction.commit();
  }
  absl::StatusOr<std::unique_ptr<testing::Subprocess>> worker =
      cluster_.StartWorkerProcess(0, {});
  ASSERT_TRUE(worker.ok()) << worker.status();
  const std::optional<int> exit_status = (*worker)->Wait(absl::Seconds(60));
  ASSERT_TRUE(exit_status.has_value()) << testing::TailOfFile((*worker)->log_path());
  ASSERT_TRUE(WIFEXITED(*exit_status));
  EXPECT_EQ(WEXITSTATUS(*exit_status), 1);
  const std::string log = testing::TailOfFile((*worker)->log_path());
  EXPECT_TRUE(absl::StrContains(log, "up to offset 49")) << log;
  EXPECT_TRUE(absl::StrContains(log, "ends at offset 1")) << log;
  EXPECT_TRUE(absl::StrContains(log, "deleted or recreated")) << log;
  EXPECT_EQ(cluster_.StoredNextOffset(0), 50);
}

TEST_F(ExactlyOnceTest, RetryReplaysOriginalDecision) {
  const SignupResult first = CallSignup(*stub_, "mallory", "retry-key-1");
  ASSERT_TRUE(first.outcome.has_value()) << first.status.error_message();
  EXPECT_EQ(first.outcome->outcome(), v1::OUTCOME_CREATED);
  EXPECT_FALSE(first.outcome->replay());
  EXPECT_EQ(first.outcome->original_offset(), first.outcome->offset());

  // The same id and username, after the first decision was delivered, and
  // through another gateway: the original decision, marked as a replay.
  absl::StatusOr<std::string> second_gateway = cluster_.StartSecondGateway();
  ASSERT_TRUE(second_gateway.ok()) << second_gateway.status();
  auto second_stub = v1::SignupService::NewStub(
      grpc::CreateChannel(*second_gateway, grpc::InsecureChannelCredentials()));
  for (v1::SignupService::Stub* stub : {stub_.get(), second_stub.get()}) {
    const SignupResult retry = CallSignup(*stub, "mallory", "retry-key-1");
    ASSERT_TRUE(retry.outcome.has_value()) << retry.status.error_message();
    ASSERT_TRUE(retry.accepted.has_value());
    EXPECT_EQ(retry.outcome->outcome(), v1::OUTCOME_CREATED);
    EXPECT_TRUE(retry.outcome->replay());
    EXPECT_EQ(retry.outcome->account_id(), first.outcome->account_id());
    EXPECT_EQ(retry.outcome->original_offset(), first.accepted->offset());
    EXPECT_EQ(retry.outcome->offset(), retry.accepted->offset());
    EXPECT_GT(retry.accepted->offset(), first.accepted->offset());
  }

  // A claim of the same name with another id is a new claim, and refused.
  const SignupResult other_id = CallSignup(*stub_, "mallory", "retry-key-2");
  ASSERT_TRUE(other_id.outcome.has_value());
  EXPECT_EQ(other_id.outcome->outcome(), v1::OUTCOME_USERNAME_TAKEN);
  EXPECT_FALSE(other_id.outcome->replay());

  // The same id with another username is a different claim.
  const SignupResult other_name = CallSignup(*stub_, "trent", "retry-key-1");
  ASSERT_TRUE(other_name.outcome.has_value());
  EXPECT_EQ(other_name.outcome->outcome(), v1::OUTCOME_CREATED);
  EXPECT_FALSE(other_name.outcome->replay());
  EXPECT_NE(other_name.outcome->account_id(), first.outcome->account_id());

  // One account for mallory, whose retries each have one decision.
  const int32_t partition = PartitionForUsername("mallory", 3);
  int mallory_decisions = 0;
  for (const auto& decision : cluster_.StoredDecisions(partition)) {
    if (decision.username == "mallory") ++mallory_decisions;
  }
  EXPECT_EQ(mallory_decisions, 4);
  int mallory_accounts = 0;
  for (const std::string& username : cluster_.AccountUsernames(partition)) {
    if (username == "mallory") ++mallory_accounts;
  }
  EXPECT_EQ(mallory_accounts, 1);
}

TEST_F(ExactlyOnceTest, ExpiredDeadlineThenRetryGetsDecision) {
  const std::string username = UsernameInPartition("late", 1);
  cluster_.StopWorker(1, SIGTERM);

  // The request is accepted, but nothing decides it before the deadline.
  const SignupResult timed_out = CallSignup(*stub_, username, "deadline-1", absl::Seconds(3));
  EXPECT_EQ(timed_out.status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  ASSERT_TRUE(timed_out.accepted.has_value());
  EXPECT_FALSE(timed_out.outcome.has_value());

  ASSERT_TRUE(cluster_.StartWorker(1).ok()) << cluster_.Logs();
  const SignupResult retry = CallSignup(*stub_, username, "deadline-1");
  ASSERT_TRUE(retry.outcome.has_value()) << retry.status.error_message();
  EXPECT_EQ(retry.outcome->outcome(), v1::OUTCOME_CREATED);
  EXPECT_TRUE(retry.outcome->replay());
  EXPECT_EQ(retry.outcome->original_offset(), timed_out.accepted->offset());
}

TEST_F(ExactlyOnceTest, StandbyTakesOverAfterSigkill) {
  ASSERT_TRUE(cluster_.StartStandbyWorker(0).ok()) << cluster_.Logs();

  const std::string before = UsernameInPartition("before", 0);
  const SignupResult first = CallSignup(*stub_, before);
  ASSERT_TRUE(first.outcome.has_value());
  EXPECT_EQ(first.outcome->outcome(), v1::OUTCOME_CREATED);

  // The standby stays NOT_SERVING while the active worker runs, then takes
  // over within seconds of the active one's death.
  EXPECT_TRUE(testing::WaitForHealth(cluster_.standby_address(0), false,
                                     absl::Seconds(5)).ok());
  cluster_.StopWorker(0, SIGKILL);
  const absl::Time killed_at = absl::Now();
  const absl::Status took_over =
      testing::WaitForServing(cluster_.standby_address(0), absl::Seconds(30));
  ASSERT_TRUE(took_over.ok()) << took_over << "\n" << cluster_.Logs();
  EXPECT_LT(absl::Now() - killed_at, absl::Seconds(10));
  cluster_.PromoteStandby(0);

  const std::string after = UsernameInPartition("after", 0);
  const SignupResult second = CallSignup(*stub_, after);
  ASSERT_TRUE(second.outcome.has_value()) << second.status.error_message();
  EXPECT_EQ(second.outcome->outcome(), v1::OUTCOME_CREATED);
  const SignupResult again = CallSignup(*stub_, before);
  ASSERT_TRUE(again.outcome.has_value());
  EXPECT_EQ(again.outcome->outcome(), v1::OUTCOME_USERNAME_TAKEN);

  const auto decisions = cluster_.StoredDecisions(0);
  ASSERT_EQ(decisions.size(), 3u);
  EXPECT_EQ(decisions[0].username, before);
  EXPECT_EQ(decisions[1].username, after);
  EXPECT_EQ(decisions[2].username, before);
}

TEST_F(ExactlyOnceTest, BadMessagesAreRejectedAndSkipped) {
  auto producer = KafkaProducer::Create({.brokers = testing::Brokers()});
  ASSERT_TRUE(producer.ok()) << producer.status();

  // Written straight to partition 0, as a faulty producer could: bytes that
  // are no protobuf message, and a valid claim of a name of partition 1.
  const std::string foreign = UsernameInPartition("foreign", 1);
  kafka::v1::SignupRequested misrouted;
  misrouted.set_request_id("misrouted-1");
  misrouted.set_username(foreign);
  misrouted.set_username_policy("precis");
  // Written by the producer's delivery callbacks.
  std::atomic<int64_t> garbage_offset{-1};
  std::atomic<int64_t> misrouted_offset{-1};
  ASSERT_TRUE((*producer)
                  ->Produce(cluster_.topics().request, 0, "garbage", "\xff\xff\xff\x01",
                            [&](const DeliveryReport& report) {
                              garbage_offset = report.offset;
                            })
                  .ok());
  ASSERT_TRUE((*producer)
                  ->Produce(cluster_.topics().request, 0, foreign,
                            misrouted.SerializeAsString(),
                            [&](const DeliveryReport& report) {
                              misrouted_offset = report.offset;
                            })
                  .ok());
  ASSERT_TRUE((*producer)->Flush(absl::Seconds(30)).ok());
  ASSERT_GE(garbage_offset, 0);
  ASSERT_GE(misrouted_offset, 0);

  // The partition goes on: a valid claim after them is decided.
  const std::string valid = UsernameInPartition("valid", 0);
  const SignupResult result = CallSignup(*stub_, valid);
  ASSERT_TRUE(result.outcome.has_value()) << result.status.error_message();
  EXPECT_EQ(result.outcome->outcome(), v1::OUTCOME_CREATED);

  const auto decisions = cluster_.StoredDecisions(0);
  ASSERT_EQ(decisions.size(), 3u);
  EXPECT_EQ(decisions[0].offset, garbage_offset);
  EXPECT_EQ(decisions[0].outcome, "rejected");
  EXPECT_EQ(decisions[1].offset, misrouted_offset);
  EXPECT_EQ(decisions[1].outcome, "rejected");
  EXPECT_EQ(decisions[1].request_id, "misrouted-1");
  EXPECT_TRUE(absl::StrContains(decisions[1].reason, "wrong partition")) << decisions[1].reason;
  EXPECT_EQ(decisions[2].outcome, "created");
  for (const std::string& username : cluster_.AccountUsernames(0)) {
    EXPECT_NE(username, foreign);
  }
}

}  // namespace
}  // namespace signup
