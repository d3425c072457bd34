// A worker whose database stops keeps running, reports NOT_SERVING while it
// retries, and decides the waiting request once the database is back.
#include <cstdlib>
#include <future>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/partitioner.h"
#include "signup/admin/v1/admin.pb.h"
#include "tests/support/cluster.h"
#include "tests/support/operator_tools.h"

namespace signup {
namespace {

using testing::CallSignup;
using testing::SignupResult;
using testing::TestCluster;
using testing::UsernameInPartition;

// Runs pg_ctl on test server 0 through the wrapper that scripts/test
// exports; returns the exit status of the command. The output goes to a
// file: a server started here must not inherit the test's stdout, or
// ctest would wait for that pipe to close until the server stops.
int PgCtlOnServerZero(const std::string& arguments, const std::string& log_path) {
  const std::string pg_ctl = testing::RequireEnvironment("SIGNUP_TEST_PG_CTL");
  const std::string data = testing::RequireEnvironment("SIGNUP_TEST_POSTGRES_DATA_0");
  return std::system(absl::StrCat(pg_ctl, " ", arguments, " -D '", data, "' >> '",
                                  log_path, "' 2>&1 < /dev/null")
                         .c_str());
}

TEST(DatabaseOutageTest, ThirtySecondsThenResumes) {
  // Partition 0's database lives on test server 0.
  TestCluster cluster(3);
  ASSERT_TRUE(cluster.StartWorkers().ok()) << cluster.Logs();
  ASSERT_TRUE(cluster.StartGateway().ok()) << cluster.Logs();
  auto stub = cluster.NewGatewayStub();

  const std::string before = UsernameInPartition("before", 0);
  const SignupResult first = CallSignup(*stub, before);
  ASSERT_TRUE(first.outcome.has_value()) << first.status.error_message();
  EXPECT_EQ(first.outcome->outcome(), v1::OUTCOME_CREATED);

  const std::string pg_ctl_log = cluster.log_directory() + "/pg_ctl.log";
  ASSERT_EQ(PgCtlOnServerZero("stop -m immediate -w", pg_ctl_log), 0);
  const absl::Time outage_end = absl::Now() + absl::Seconds(30);

  // The claim is accepted by Kafka while the database is down and waits
  // for its decision.
  const std::string during = UsernameInPartition("during", 0);
  std::future<SignupResult> pending = std::async(std::launch::async, [&] {
    auto own_stub = cluster.NewGatewayStub();
    return CallSignup(*own_stub, during, "", absl::Seconds(120));
  });

  const absl::Status not_serving =
      testing::WaitForHealth(cluster.worker_address(0), false, absl::Seconds(60));
  EXPECT_TRUE(not_serving.ok()) << not_serving;
  EXPECT_TRUE(cluster.WorkerRunning(0));

  // The admin API reports the outage while it lasts.
  const testing::CommandResult during_outage =
      testing::Grpcurl(cluster.worker_admin_address(0), "signup.admin.v1.WorkerAdmin/GetStatus");
  ASSERT_EQ(during_outage.exit_code, 0) << during_outage.output;
  admin::v1::WorkerStatus status;
  ASSERT_TRUE(testing::ParseJson(during_outage.output, &status).ok());
  EXPECT_EQ(status.state(), admin::v1::STATE_RETRYING);
  EXPECT_FALSE(status.serving());
  EXPECT_FALSE(status.database().reachable());
  EXPECT_FALSE(status.database().error().empty());
  // Whichever failed first: the commit of the waiting claim, or the ping
  // of an idle worker.
  EXPECT_TRUE(status.last_error().operation() == "committing a batch" ||
              status.last_error().operation() == "pinging the database")
      << status.last_error().operation();

  // The outage lasts 30 seconds in all: long enough for many retries, each
  // of them bounded by the worker's --retry-max-ms of 1 second.
  absl::SleepFor(outage_end - absl::Now());
  EXPECT_TRUE(cluster.WorkerRunning(0));
  ASSERT_EQ(PgCtlOnServerZero("start -w", pg_ctl_log), 0);

  const SignupResult second = pending.get();
  ASSERT_TRUE(second.status.ok()) << second.status.error_message() << "\n" << cluster.Logs();
  ASSERT_TRUE(second.accepted.has_value());
  ASSERT_TRUE(second.outcome.has_value());
  EXPECT_EQ(second.outcome->outcome(), v1::OUTCOME_CREATED);
  EXPECT_EQ(second.accepted->partition(), 0);

  const absl::Status serving =
      testing::WaitForServing(cluster.worker_address(0), absl::Seconds(60));
  EXPECT_TRUE(serving.ok()) << serving;
  EXPECT_TRUE(cluster.WorkerRunning(0));

  // The metrics count the failed commits and their retries.
  absl::StatusOr<std::string> metrics =
      testing::HttpGet(cluster.worker_metrics_port(0), "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  const std::optional<double> errors = testing::MetricValue(
      *metrics, "signup_worker_errors_total{operation=\"committing a batch\",partition=\"0\","
                "system=\"postgres\"}");
  const std::optional<double> retries = testing::MetricValue(
      *metrics, "signup_worker_retries_total{operation=\"committing a batch\",partition=\"0\","
                "system=\"postgres\"}");
  ASSERT_TRUE(errors.has_value()) << *metrics;
  ASSERT_TRUE(retries.has_value()) << *metrics;
  EXPECT_GE(*errors, 5);
  EXPECT_GE(*retries, 5);

  // The request decided after the outage is stored once, after the first.
  const auto decisions = cluster.StoredDecisions(0);
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0].username, before);
  EXPECT_EQ(decisions[1].username, during);
}

}  // namespace
}  // namespace signup
