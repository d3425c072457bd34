// The Kafka broker restarts under a running system: the gateway and the
// workers keep running, report NOT_SERVING, and resume with nothing lost.
#include <cstdlib>
#include <future>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/cluster.h"

namespace signup {
namespace {

using testing::CallSignup;
using testing::SignupResult;
using testing::TestCluster;

// Runs the broker control script that scripts/test exports; the output
// goes to a file, so that the restarted broker does not hold the test's
// stdout open.
int KafkaCtl(const std::string& action, const std::string& log_path) {
  const std::string kafka_ctl = testing::RequireEnvironment("SIGNUP_TEST_KAFKA_CTL");
  const std::string kafka_dir = testing::RequireEnvironment("SIGNUP_TEST_KAFKA_DIR");
  return std::system(absl::StrCat(kafka_ctl, " ", action, " '", kafka_dir, "' >> '",
                                  log_path, "' 2>&1 < /dev/null")
                         .c_str());
}

// Calls Signup until it returns a decision, retrying with the same request
// id while the system is unavailable, as a client should.
SignupResult SignupWithRetries(TestCluster& cluster, const std::string& username,
                               const std::string& request_id) {
  auto stub = cluster.NewGatewayStub();
  SignupResult result;
  const absl::Time deadline = absl::Now() + absl::Seconds(120);
  while (absl::Now() < deadline) {
    result = CallSignup(*stub, username, request_id, absl::Seconds(20));
    if (result.outcome.has_value()) break;
    absl::SleepFor(absl::Milliseconds(500));
  }
  return result;
}

TEST(BrokerRestartTest, EverythingResumes) {
  TestCluster cluster(3);
  ASSERT_TRUE(cluster.StartWorkers().ok()) << cluster.Logs();
  ASSERT_TRUE(cluster.StartGateway().ok()) << cluster.Logs();
  auto stub = cluster.NewGatewayStub();
  const SignupResult before = CallSignup(*stub, "before-restart");
  ASSERT_TRUE(before.outcome.has_value()) << before.status.error_message();

  const std::string log_path = cluster.log_directory() + "/kafka-ctl.log";
  ASSERT_EQ(KafkaCtl("stop", log_path), 0) << testing::TailOfFile(log_path);

  // The gateway notices within its one-second probe; a claim sent now is
  // refused or times out, and its client retries with the same id.
  const absl::Status gateway_down =
      testing::WaitForHealth(cluster.gateway_address(), false, absl::Seconds(30));
  EXPECT_TRUE(gateway_down.ok()) << gateway_down;
  std::future<SignupResult> during = std::async(std::launch::async, [&] {
    return SignupWithRetries(cluster, "during-restart", "restart-key-1");
  });
  for (int32_t partition = 0; partition < 3; ++partition) {
    const absl::Status worker_down =
        testing::WaitForHealth(cluster.worker_address(partition), false, absl::Seconds(30));
    EXPECT_TRUE(worker_down.ok()) << worker_down;
  }

  ASSERT_EQ(KafkaCtl("start", log_path), 0) << testing::TailOfFile(log_path);

  const absl::Status gateway_up =
      testing::WaitForServing(cluster.gateway_address(), absl::Seconds(60));
  EXPECT_TRUE(gateway_up.ok()) << gateway_up << "\n" << cluster.Logs();
  for (int32_t partition = 0; partition < 3; ++partition) {
    EXPECT_TRUE(cluster.WorkerRunning(partition)) << partition;
    const absl::Status worker_up =
        testing::WaitForServing(cluster.worker_address(partition), absl::Seconds(60));
    EXPECT_TRUE(worker_up.ok()) << worker_up;
  }

  const SignupResult retried = during.get();
  ASSERT_TRUE(retried.outcome.has_value())
      << retried.status.error_message() << "\n" << cluster.Logs();
  EXPECT_EQ(retried.outcome->outcome(), v1::OUTCOME_CREATED);

  const SignupResult after = CallSignup(*stub, "after-restart");
  ASSERT_TRUE(after.outcome.has_value()) << after.status.error_message();
  EXPECT_EQ(after.outcome->outcome(), v1::OUTCOME_CREATED);
  const SignupResult again = CallSignup(*stub, "before-restart");
  ASSERT_TRUE(again.outcome.has_value());
  EXPECT_EQ(again.outcome->outcome(), v1::OUTCOME_USERNAME_TAKEN);

  // Each username has exactly one account, and during-restart's retries
  // created no second decision that is not a replay.
  int accounts = 0;
  for (int32_t partition = 0; partition < 3; ++partition) {
    accounts += static_cast<int>(cluster.AccountUsernames(partition).size());
  }
  EXPECT_EQ(accounts, 3);
}

}  // namespace
}  // namespace signup
