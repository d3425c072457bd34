// A worker killed with SIGKILL and restarted while requests keep arriving
// loses none of them and decides none twice.
#include <signal.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/kafka_consumer.h"
#include "services/common/partitioner.h"
#include "tests/support/cluster.h"

namespace signup {
namespace {

using testing::CallSignup;
using testing::SignupResult;
using testing::TestCluster;

TEST(WorkerCrashTest, SigkillAndRestartLosesNoRequest) {
  TestCluster cluster(3);
  ASSERT_TRUE(cluster.StartWorkers().ok()) << cluster.Logs();
  ASSERT_TRUE(cluster.StartGateway().ok()) << cluster.Logs();

  // 8 clients send 50 claims each, one at a time; every 5th claim repeats a
  // name that an earlier claim of the same client used, so some claims must
  // be refused.
  constexpr int kClients = 8;
  constexpr int kClaimsPerClient = 50;
  std::mutex mutex;
  std::vector<std::pair<std::string, SignupResult>> results;
  std::atomic<int> accepted_count{0};

  std::vector<std::thread> clients;
  for (int client = 0; client < kClients; ++client) {
    clients.emplace_back([&, client] {
      auto stub = cluster.NewGatewayStub();
      for (int i = 0; i < kClaimsPerClient; ++i) {
        const std::string username = i % 5 == 4 ? absl::StrCat("user", client, "_", i - 4)
                                                : absl::StrCat("user", client, "_", i);
        SignupResult result = CallSignup(*stub, username, "", absl::Seconds(120));
        if (result.accepted.has_value()) ++accepted_count;
        std::lock_guard lock(mutex);
        results.emplace_back(username, std::move(result));
      }
    });
  }

  // Kill the worker of partition 0 once a quarter of the claims were
  // accepted. A client whose claim lands in partition 0 then waits for its
  // decision, so the claims that arrive while the worker is down are
  // counted in Kafka: the partition's end must pass the worker's stored
  // offset by at least 4 before the worker restarts.
  const int total = kClients * kClaimsPerClient;
  while (accepted_count < total / 4) absl::SleepFor(absl::Milliseconds(5));
  cluster.StopWorker(0, SIGKILL);
  const int64_t offset_at_kill = cluster.StoredNextOffset(0);
  auto consumer = KafkaConsumer::Create({.brokers = testing::Brokers()});
  ASSERT_TRUE(consumer.ok()) << consumer.status();
  int64_t end_offset = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (end_offset < offset_at_kill + 4 && absl::Now() < deadline) {
    absl::StatusOr<Watermarks> watermarks = (*consumer)->QueryWatermarks(
        cluster.topics().request, 0, absl::Seconds(5));
    ASSERT_TRUE(watermarks.ok()) << watermarks.status();
    end_offset = watermarks->high;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_GE(end_offset, offset_at_kill + 4) << "no claims arrived while the worker was down";
  ASSERT_TRUE(cluster.StartWorker(0).ok()) << cluster.Logs();

  for (std::thread& client : clients) client.join();
  ASSERT_EQ(results.size(), static_cast<size_t>(total));

  // Every call was accepted and got exactly one outcome for its own request.
  std::map<int32_t, std::map<int64_t, std::string>> request_ids_by_offset;
  std::map<std::string, int> created_per_username;
  for (const auto& [username, result] : results) {
    SCOPED_TRACE(username);
    ASSERT_TRUE(result.status.ok()) << result.status.error_message();
    ASSERT_TRUE(result.accepted.has_value());
    ASSERT_TRUE(result.outcome.has_value());
    EXPECT_EQ(result.extra_events, 0);
    EXPECT_EQ(result.outcome->request_id(), result.accepted->request_id());
    EXPECT_EQ(result.outcome->offset(), result.accepted->offset());
    request_ids_by_offset[result.accepted->partition()][result.accepted->offset()] =
        result.accepted->request_id();
    if (result.outcome->outcome() == v1::OUTCOME_CREATED) ++created_per_username[username];
  }

  // The database contains one decision per accepted request, with the same
  // request id, and one account per distinct username.
  size_t stored_total = 0;
  std::set<std::string> stored_request_ids;
  for (int32_t partition = 0; partition < 3; ++partition) {
    const auto stored = cluster.StoredDecisions(partition);
    stored_total += stored.size();
    for (const auto& decision : stored) {
      EXPECT_EQ(request_ids_by_offset[partition][decision.offset], decision.request_id)
          << "partition " << partition << " offset " << decision.offset;
      EXPECT_TRUE(stored_request_ids.insert(decision.request_id).second)
          << "request decided twice: " << decision.request_id;
    }
    for (const std::string& username : cluster.AccountUsernames(partition)) {
      EXPECT_EQ(PartitionForUsername(username, 3), partition) << username;
    }
  }
  EXPECT_EQ(stored_total, static_cast<size_t>(total));

  const size_t distinct_usernames = kClients * (kClaimsPerClient - kClaimsPerClient / 5);
  EXPECT_EQ(created_per_username.size(), distinct_usernames);
  for (const auto& [username, count] : created_per_username) {
    EXPECT_EQ(count, 1) << username;
  }
}

}  // namespace
}  // namespace signup
