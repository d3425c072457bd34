// The pure parts of the status responses: a worker's GetStatus from its
// snapshot, and the gateway's cluster view from every worker's response.
#include "gtest/gtest.h"
#include "services/gateway/worker_admin_clients.h"
#include "services/worker/admin_service.h"

namespace signup {
namespace {

TEST(ToWorkerStatusTest, ComputesLagAndCopiesCounts) {
  WorkerSnapshot snapshot;
  snapshot.conditions.started = true;
  snapshot.conditions.active = true;
  snapshot.next_offset = 40;
  snapshot.partition_count = 3;
  snapshot.decisions = {.created = 30, .username_taken = 8, .rejected = 2, .replayed = 1};
  const absl::Time started = absl::FromUnixSeconds(1'800'000'000);
  const admin::v1::WorkerStatus status = ToWorkerStatus(
      {.partition = 2, .version = "1.2.3", .username_policy = "precis", .started_at = started},
      snapshot, {.high_watermark = 45, .database_round_trip = absl::Milliseconds(3)},
      started + absl::Seconds(90));

  EXPECT_EQ(status.partition(), 2);
  EXPECT_EQ(status.role(), admin::v1::ROLE_ACTIVE);
  EXPECT_EQ(status.state(), admin::v1::STATE_RUNNING);
  EXPECT_TRUE(status.serving());
  EXPECT_EQ(status.lag(), 5);
  EXPECT_EQ(status.decisions().created(), 30);
  EXPECT_EQ(status.decisions().replayed(), 1);
  EXPECT_TRUE(status.database().reachable());
  EXPECT_EQ(status.database().round_trip().nanos(), 3'000'000);
  EXPECT_EQ(status.uptime().seconds(), 90);
  EXPECT_FALSE(status.has_last_error());
  EXPECT_FALSE(status.has_paused_at());
}

TEST(ToWorkerStatusTest, UnknownOffsetsGiveUnknownLag) {
  WorkerSnapshot snapshot;
  const admin::v1::WorkerStatus status =
      ToWorkerStatus({}, snapshot, {.database_error = "connection refused"}, absl::Now());
  EXPECT_EQ(status.next_offset(), -1);
  EXPECT_EQ(status.high_watermark(), -1);
  EXPECT_EQ(status.lag(), -1);
  EXPECT_EQ(status.state(), admin::v1::STATE_STARTING);
  EXPECT_FALSE(status.database().reachable());
  EXPECT_EQ(status.database().error(), "connection refused");
}

TEST(ToWorkerStatusTest, ReportsThePauseAndTheLastError) {
  WorkerSnapshot snapshot;
  snapshot.conditions = {.started = true, .active = true, .pause_requested = true,
                         .paused = true};
  snapshot.paused_at = absl::FromUnixSeconds(1'800'000'100);
  snapshot.pause_reason = "ticket 7";
  snapshot.last_error = {.operation = "committing a batch", .message = "timeout",
                         .time = absl::FromUnixSeconds(1'800'000'050)};
  const admin::v1::WorkerStatus status = ToWorkerStatus({}, snapshot, {}, absl::Now());
  EXPECT_EQ(status.state(), admin::v1::STATE_PAUSED);
  EXPECT_FALSE(status.serving());
  EXPECT_EQ(status.pause_reason(), "ticket 7");
  EXPECT_EQ(status.paused_at().seconds(), 1'800'000'100);
  EXPECT_EQ(status.last_error().operation(), "committing a batch");
  EXPECT_EQ(status.last_error().time().seconds(), 1'800'000'050);
}

TEST(SummarizeClusterTest, AddsKnownLagsAndCountsServingWorkers) {
  std::vector<v1::PartitionStatus> partitions(3);
  for (int32_t i = 0; i < 3; ++i) partitions[i].set_partition(i);
  partitions[0].set_reachable(true);
  partitions[0].mutable_worker()->set_lag(4);
  partitions[0].mutable_worker()->set_serving(true);
  partitions[1].set_reachable(true);
  partitions[1].mutable_worker()->set_lag(-1);
  partitions[2].set_error("UNAVAILABLE: connection refused");

  const v1::ClusterStatus cluster = SummarizeCluster(partitions);
  ASSERT_EQ(cluster.partitions_size(), 3);
  EXPECT_EQ(cluster.total_lag(), 4);
  EXPECT_EQ(cluster.serving_partitions(), 1);
  EXPECT_EQ(cluster.partitions(2).error(), "UNAVAILABLE: connection refused");
}

TEST(WorkerAdminClientsTest, RejectsAnAddressWithoutAPort) {
  const auto clients = WorkerAdminClients::Create("127.0.0.1:1,localhost", absl::Seconds(1));
  ASSERT_FALSE(clients.ok());
  EXPECT_NE(clients.status().message().find("entry 1 \"localhost\""), std::string::npos)
      << clients.status();
  const auto three = WorkerAdminClients::Create("a:1, b:2 ,c:3", absl::Seconds(1));
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_EQ((*three)->partition_count(), 3);
  EXPECT_EQ((*three)->address(1), "b:2");
}

}  // namespace
}  // namespace signup
