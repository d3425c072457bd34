// End-to-end tests of SIGTERM under load: a worker finishes its batch,
// publishes its decisions and exits 0; a gateway refuses new signups,
// reports NOT_SERVING and waits for the calls it accepted. No request is
// lost or decided twice.
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/common/partitioner.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "signup/admin/v1/admin.grpc.pb.h"
#include "tests/support/cluster.h"

namespace signup {
namespace {

using testing::CallSignup;
using testing::RunningClusterTest;
using testing::SignupResult;

// Client threads that claim unique names until stopped or until a call
// fails, keeping every call's result.
class SignupLoad {
 public:
  // `partitions` limits the names to those partitions; empty means all.
  SignupLoad(v1::SignupService::Stub& stub, int threads, std::string prefix,
             std::set<int32_t> partitions = {})
      : stub_(stub), prefix_(std::move(prefix)), partitions_(std::move(partitions)) {
    for (int thread = 0; thread < threads; ++thread) {
      threads_.emplace_back([this, thread] { Run(thread); });
    }
  }

  ~SignupLoad() { Stop(); }

  // Waits until `count` calls have finished since the start, or 60 s.
  bool WaitForFinished(size_t count) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(60),
                             [&] { return results_.size() >= count; });
  }

  void Stop() {
    stopping_ = true;
    for (std::thread& thread : threads_) {
      if (thread.joinable()) thread.join();
    }
  }

  // The results by username; call after Stop.
  const std::map<std::string, SignupResult>& results() const { return results_; }

 private:
  void Run(int thread) {
    for (int i = 0; !stopping_; ++i) {
      const std::string username = absl::StrCat(prefix_, thread, "x", i);
      if (!partitions_.empty() && !partitions_.contains(PartitionForUsername(username, 3))) {
        continue;
      }
      SignupResult result = CallSignup(stub_, username, "", absl::Seconds(90));
      const bool failed = !result.status.ok();
      {
        std::lock_guard lock(mutex_);
        results_.emplace(username, std::move(result));
      }
      changed_.notify_all();
      if (failed) return;
    }
  }

  v1::SignupService::Stub& stub_;
  const std::string prefix_;
  const std::set<int32_t> partitions_;
  std::atomic<bool> stopping_{false};
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, SignupResult> results_;
};

// Checks that every partition's database holds exactly one decision per
// accepted request, at offsets 0..n-1, and returns the total.
size_t ExpectOneDecisionPerAcceptedRequest(const testing::TestCluster& cluster,
                                           const std::map<std::string, SignupResult>& results) {
  std::map<int32_t, std::map<int64_t, std::string>> accepted;
  for (const auto& [username, result] : results) {
    if (result.accepted.has_value()) {
      accepted[result.accepted->partition()][result.accepted->offset()] =
          result.accepted->request_id();
    }
  }
  size_t total = 0;
  for (int32_t partition = 0; partition < 3; ++partition) {
    SCOPED_TRACE(absl::StrCat("partition ", partition));
    const std::vector<testing::TestCluster::StoredDecision> stored =
        cluster.StoredDecisions(partition);
    EXPECT_EQ(stored.size(), accepted[partition].size());
    EXPECT_EQ(cluster.StoredNextOffset(partition), static_cast<int64_t>(stored.size()));
    for (size_t i = 0; i < stored.size(); ++i) {
      EXPECT_EQ(stored[i].offset, static_cast<int64_t>(i));
      EXPECT_EQ(stored[i].request_id, accepted[partition][stored[i].offset]);
      EXPECT_EQ(stored[i].outcome, "created") << stored[i].username;
    }
    total += stored.size();
  }
  return total;
}

class GracefulShutdownTest : public RunningClusterTest {};

TEST_F(GracefulShutdownTest, WorkerExitsZeroUnderLoadAndLosesNothing) {
  SignupLoad load(*stub_, 4, "drain");
  ASSERT_TRUE(load.WaitForFinished(40)) << cluster_.Logs();

  // StopWorker asserts that the worker exits 0 within 30 s of SIGTERM.
  cluster_.StopWorker(0, SIGTERM);
  ASSERT_TRUE(cluster_.StartWorker(0).ok()) << cluster_.Logs();
  ASSERT_TRUE(load.WaitForFinished(120)) << cluster_.Logs();
  load.Stop();

  for (const auto& [username, result] : load.results()) {
    SCOPED_TRACE(username);
    ASSERT_TRUE(result.status.ok()) << result.status.error_message();
    ASSERT_TRUE(result.outcome.has_value());
    EXPECT_EQ(result.outcome->outcome(), v1::OUTCOME_CREATED);
    EXPECT_EQ(result.extra_events, 0);
  }
  EXPECT_EQ(ExpectOneDecisionPerAcceptedRequest(cluster_, load.results()),
            load.results().size());
}

TEST_F(GracefulShutdownTest, WorkerReportsNotServingWhileDrainingOnSigint) {
  using grpc::health::v1::HealthCheckRequest;
  using grpc::health::v1::HealthCheckResponse;
  auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      cluster_.worker_admin_address(0), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> watch =
      health->Watch(&context, HealthCheckRequest());
  HealthCheckResponse response;
  ASSERT_TRUE(watch->Read(&response));
  ASSERT_EQ(response.status(), HealthCheckResponse::SERVING);

  // StopWorker asserts that the worker exits 0 within 30 s of SIGINT. The
  // health service sent NOT_SERVING before the server shut down.
  cluster_.StopWorker(0, SIGINT);
  ASSERT_TRUE(watch->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
}

TEST_F(GracefulShutdownTest, GatewayDrainsAcceptedCallsAndRefusesNewOnes) {
  // Partition 1 is paused, so a call to it stays open through SIGTERM.
  auto admin = admin::v1::WorkerAdmin::NewStub(grpc::CreateChannel(
      cluster_.worker_admin_address(1), grpc::InsecureChannelCredentials()));
  {
    grpc::ClientContext context;
    admin::v1::PauseRequest request;
    admin::v1::WorkerStatus status;
    ASSERT_TRUE(admin->Pause(&context, request, &status).ok());
    ASSERT_EQ(status.state(), admin::v1::STATE_PAUSED);
  }
  const std::string waiting_name = testing::UsernameInPartition("waiting", 1);
  SignupResult waiting;
  std::thread waiting_call(
      [&] { waiting = CallSignup(*stub_, waiting_name, "", absl::Seconds(60)); });

  SignupLoad load(*stub_, 3, "gwdrain", {0, 2});
  ASSERT_TRUE(load.WaitForFinished(30)) << cluster_.Logs();
  // The waiting call has been accepted once partition 1's lag shows it.
  for (absl::Time deadline = absl::Now() + absl::Seconds(30);;) {
    grpc::ClientContext context;
    admin::v1::WorkerStatus status;
    ASSERT_TRUE(admin->GetStatus(&context, {}, &status).ok());
    if (status.lag() == 1) break;
    ASSERT_LT(absl::Now(), deadline) << "the waiting call was not accepted";
    absl::SleepFor(absl::Milliseconds(50));
  }

  cluster_.SignalGateway(SIGTERM);
  ASSERT_TRUE(
      testing::WaitForHealth(cluster_.gateway_address(), false, absl::Seconds(10)).ok());
  // While draining, a new signup is refused before it reaches Kafka.
  const SignupResult refused = CallSignup(*stub_, "latecomer");
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << refused.status.error_message();
  EXPECT_FALSE(refused.accepted.has_value());
  load.Stop();

  {
    grpc::ClientContext context;
    admin::v1::WorkerStatus status;
    ASSERT_TRUE(admin->Resume(&context, {}, &status).ok());
  }
  waiting_call.join();
  ASSERT_TRUE(waiting.status.ok()) << waiting.status.error_message();
  ASSERT_TRUE(waiting.outcome.has_value());
  EXPECT_EQ(waiting.outcome->outcome(), v1::OUTCOME_CREATED);

  const std::optional<int> exit_status = cluster_.WaitForGatewayExit(absl::Seconds(30));
  ASSERT_TRUE(exit_status.has_value()) << "the gateway still runs 30 s after SIGTERM";
  EXPECT_TRUE(WIFEXITED(*exit_status));
  EXPECT_EQ(WEXITSTATUS(*exit_status), 0);

  // Every call either got its decision or was refused without being
  // accepted; the databases hold one decision per accepted request.
  std::map<std::string, SignupResult> results = load.results();
  for (const auto& [username, result] : results) {
    SCOPED_TRACE(username);
    if (result.status.ok()) {
      EXPECT_TRUE(result.outcome.has_value());
    } else {
      EXPECT_FALSE(result.accepted.has_value()) << result.status.error_message();
    }
  }
  results.emplace(waiting_name, waiting);
  ExpectOneDecisionPerAcceptedRequest(cluster_, results);
}

TEST_F(GracefulShutdownTest, GraceEndNamesRequestIdToRetry) {
  cluster_.StopGateway(SIGTERM);
  ASSERT_TRUE(cluster_.StartGateway({"--shutdown-grace-ms=500"}).ok()) << cluster_.Logs();
  auto admin = admin::v1::WorkerAdmin::NewStub(grpc::CreateChannel(
      cluster_.worker_admin_address(2), grpc::InsecureChannelCredentials()));
  {
    grpc::ClientContext context;
    admin::v1::WorkerStatus status;
    ASSERT_TRUE(admin->Pause(&context, {}, &status).ok());
  }

  const std::string username = testing::UsernameInPartition("cutoff", 2);
  SignupResult cut_off;
  std::thread call([&] { cut_off = CallSignup(*stub_, username, "retry-me-7", absl::Seconds(60)); });
  for (absl::Time deadline = absl::Now() + absl::Seconds(30);;) {
    grpc::ClientContext context;
    admin::v1::WorkerStatus status;
    ASSERT_TRUE(admin->GetStatus(&context, {}, &status).ok());
    if (status.lag() == 1) break;
    ASSERT_LT(absl::Now(), deadline) << "the call was not accepted";
    absl::SleepFor(absl::Milliseconds(50));
  }
  cluster_.StopGateway(SIGTERM);
  call.join();
  EXPECT_EQ(cut_off.status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(cut_off.status.error_message().find("retry with request_id \"retry-me-7\""),
            std::string::npos)
      << cut_off.status.error_message();
  ASSERT_TRUE(cut_off.accepted.has_value());

  // The request is decided after all, and a retry gets that decision.
  {
    grpc::ClientContext context;
    admin::v1::WorkerStatus status;
    ASSERT_TRUE(admin->Resume(&context, {}, &status).ok());
  }
  ASSERT_TRUE(cluster_.StartGateway().ok()) << cluster_.Logs();
  auto stub = cluster_.NewGatewayStub();
  const SignupResult retry = CallSignup(*stub, username, "retry-me-7");
  ASSERT_TRUE(retry.outcome.has_value()) << retry.status.error_message();
  EXPECT_EQ(retry.outcome->outcome(), v1::OUTCOME_CREATED);
  EXPECT_TRUE(retry.outcome->replay());
  EXPECT_EQ(retry.outcome->original_offset(), cut_off.accepted->offset());
}

}  // namespace
}  // namespace signup
