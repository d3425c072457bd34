// A complete Distributed Signup system for one end-to-end test: the real
// signup-admin, signup-worker and signup-gateway binaries, run as child
// processes against the suite's Kafka broker and PostgreSQL servers, with
// topics and databases of their own.
#ifndef SIGNUP_TESTS_SUPPORT_CLUSTER_H_
#define SIGNUP_TESTS_SUPPORT_CLUSTER_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "signup/v1/signup.grpc.pb.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_environment.h"

namespace signup::testing {

// What one Signup call returned.
struct SignupResult {
  grpc::Status status;
  std::optional<v1::Accepted> accepted;
  std::optional<v1::Decision> outcome;
  // Number of events after the outcome; must be 0.
  int extra_events = 0;
};

// Calls Signup and reads the whole stream.
SignupResult CallSignup(v1::SignupService::Stub& stub, const std::string& username,
                        const std::string& request_id = "",
                        absl::Duration deadline = absl::Seconds(60));

// Waits until the gRPC server at `address` reports SERVING (or, with
// `serving` false, NOT_SERVING) on grpc.health.v1.Health/Watch. Returns
// DEADLINE_EXCEEDED otherwise.
absl::Status WaitForHealth(const std::string& address, bool serving,
                           absl::Duration timeout);

// Waits until the gRPC server at `address` reports SERVING.
absl::Status WaitForServing(const std::string& address, absl::Duration timeout);

// Returns `prefix` followed by the smallest number that makes a username
// of partition `partition` of 3.
std::string UsernameInPartition(const std::string& prefix, int32_t partition);

class TestCluster;

// A fixture with a running system of 3 partitions: workers and gateway
// started in SetUp, and a stub for the gateway.
class RunningClusterTest : public ::testing::Test {
 protected:
  RunningClusterTest();
  ~RunningClusterTest() override;
  void SetUp() override;

  std::unique_ptr<TestCluster> owned_cluster_;
  TestCluster& cluster_;
  std::unique_ptr<v1::SignupService::Stub> stub_;
};

class TestCluster {
 public:
  // Creates fresh topics with `partitions` partitions and one fresh database
  // per partition (partition i on server i % 3), and runs `signup-admin
  // migrate` on them. Starts no process.
  explicit TestCluster(int32_t partitions = 3);
  ~TestCluster();

  // Starts the worker of `partition` and waits until it is SERVING.
  absl::Status StartWorker(int32_t partition);
  // Sends `signal_number` to the worker and waits until it has exited.
  void StopWorker(int32_t partition, int signal_number);
  // Starts a worker process for `partition` with `extra_flags` and returns
  // it without waiting for its health, for tests of startup failures.
  absl::StatusOr<std::unique_ptr<Subprocess>> StartWorkerProcess(
      int32_t partition, const std::vector<std::string>& extra_flags);
  // Starts all workers.
  absl::Status StartWorkers();
  // Returns true while the worker process of `partition` runs.
  bool WorkerRunning(int32_t partition);
  // gRPC address of the worker of `partition` (health and reflection).
  std::string worker_address(int32_t partition) const;
  // Address of the WorkerAdmin server of the worker of `partition`.
  std::string worker_admin_address(int32_t partition) const;
  // Port of the worker's /metrics endpoint.
  int worker_metrics_port(int32_t partition) const;
  // Every worker's admin address, partition 0 first, comma-separated, as
  // the gateway's --worker-admin-addresses takes them.
  std::string WorkerAdminAddresses() const;

  // Starts a second worker process for `partition` and waits until it
  // reports NOT_SERVING, as a standby does while the first one runs.
  absl::Status StartStandbyWorker(int32_t partition);
  // Makes the standby of `partition` its worker, after the worker was
  // stopped, so that StopWorker and WorkerRunning refer to it.
  void PromoteStandby(int32_t partition);
  std::string standby_address(int32_t partition) const;

  // Starts a second gateway and returns its address once it is SERVING.
  absl::StatusOr<std::string> StartSecondGateway();

  // Starts the gateway with `extra_flags` and waits until it is SERVING.
  absl::Status StartGateway(const std::vector<std::string>& extra_flags = {});
  void StopGateway(int signal_number);
  // Sends `signal_number` to the gateway without waiting.
  void SignalGateway(int signal_number);
  // Waits up to `timeout` for the gateway to exit and returns its wait
  // status, or nullopt while it still runs.
  std::optional<int> WaitForGatewayExit(absl::Duration timeout);

  std::string gateway_address() const;
  int gateway_metrics_port() const { return gateway_metrics_port_; }
  // The gateway process, or null when it is not running.
  Subprocess* gateway_process() const { return gateway_.get(); }
  std::unique_ptr<v1::SignupService::Stub> NewGatewayStub() const;

  // Usernames of the accounts in the database of `partition`.
  std::vector<std::string> AccountUsernames(int32_t partition) const;

  // The next offset stored in the database of `partition`.
  int64_t StoredNextOffset(int32_t partition) const;

  // Rows of the decisions table of `partition`, as (offset, request_id,
  // outcome) in offset order.
  struct StoredDecision {
    int64_t offset;
    std::string request_id;
    std::string username;
    std::string outcome;
    std::string account_id;
    std::string reason;
    std::string display_name;
  };
  std::vector<StoredDecision> StoredDecisions(int32_t partition) const;

  const TestTopics& topics() const { return topics_; }
  const std::string& database_dsn(int32_t partition) const {
    return databases_[partition]->dsn();
  }
  int32_t partitions() const { return partitions_; }
  // Scratch folder with each process's log file.
  const std::string& log_directory() const { return log_directory_; }

  // Returns the log tails of every process, for a failure message.
  std::string Logs() const;

 private:
  std::vector<std::string> CommonFlags() const;
  // CommonFlags and the gateway's own: its metrics port and the workers'
  // admin addresses.
  std::vector<std::string> GatewayFlags(int metrics_port) const;
  absl::StatusOr<std::unique_ptr<Subprocess>> SpawnWorker(int32_t partition,
                                                          const std::string& address,
                                                          int admin_port, int metrics_port,
                                                          const std::string& log_name);

  int32_t partitions_;
  TestTopics topics_;
  std::vector<std::unique_ptr<TemporaryDatabase>> databases_;
  std::string log_directory_;
  std::vector<int> worker_ports_;
  std::vector<int> worker_admin_ports_;
  std::vector<int> worker_metrics_ports_;
  int gateway_port_;
  int gateway_metrics_port_;
  std::map<int32_t, std::unique_ptr<Subprocess>> workers_;
  std::map<int32_t, std::unique_ptr<Subprocess>> standbys_;
  std::map<int32_t, int> standby_ports_;
  std::map<int32_t, int> standby_admin_ports_;
  std::map<int32_t, int> standby_metrics_ports_;
  std::unique_ptr<Subprocess> gateway_;
  std::unique_ptr<Subprocess> second_gateway_;
};

}  // namespace signup::testing

#endif  // SIGNUP_TESTS_SUPPORT_CLUSTER_H_
