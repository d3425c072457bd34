#include "tests/support/cluster.h"

#include <signal.h>
#include <sys/wait.h>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "services/common/partitioner.h"

namespace signup::testing {
namespace {

using grpc::health::v1::Health;
using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

// Sends `signal_number` and waits for the exit. After SIGTERM the process
// must exit with status 0: that is how a sanitizer build reports a leak or
// an error found during shutdown as a test failure.
void StopProcess(Subprocess& process, int signal_number, const std::string& name) {
  process.Signal(signal_number);
  const std::optional<int> status = process.Wait(absl::Seconds(30));
  if (signal_number != SIGTERM && signal_number != SIGINT) return;
  const std::string signal_name = signal_number == SIGTERM ? "SIGTERM" : "SIGINT";
  EXPECT_TRUE(status.has_value()) << name << " still runs 30 s after " << signal_name << "\n"
                                  << TailOfFile(process.log_path());
  if (!status.has_value()) return;
  EXPECT_TRUE(WIFEXITED(*status)) << name << " ended by a signal after " << signal_name
                                  << "\n"
                                  << TailOfFile(process.log_path());
  EXPECT_EQ(WEXITSTATUS(*status), 0) << name << " failed after " << signal_name << "\n"
                                     << TailOfFile(process.log_path(), 60);
}


}  // namespace

SignupResult CallSignup(v1::SignupService::Stub& stub, const std::string& username,
                        const std::string& request_id, absl::Duration deadline) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  v1::SignupRequest request;
  request.set_username(username);
  request.set_request_id(request_id);

  SignupResult result;
  std::unique_ptr<grpc::ClientReader<v1::SignupEvent>> reader =
      stub.Signup(&context, request);
  v1::SignupEvent event;
  while (reader->Read(&event)) {
    if (result.outcome.has_value()) {
      ++result.extra_events;
    } else if (event.has_accepted() && !result.accepted.has_value()) {
      result.accepted = event.accepted();
    } else if (event.has_outcome()) {
      result.outcome = event.outcome();
    } else {
      ++result.extra_events;
    }
  }
  result.status = reader->Finish();
  return result;
}

absl::Status WaitForServing(const std::string& address, absl::Duration timeout) {
  return WaitForHealth(address, true, timeout);
}

absl::Status WaitForHealth(const std::string& address, bool serving,
                           absl::Duration timeout) {
  const HealthCheckResponse::ServingStatus wanted =
      serving ? HealthCheckResponse::SERVING : HealthCheckResponse::NOT_SERVING;
  const absl::Time deadline = absl::Now() + timeout;
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  std::unique_ptr<Health::Stub> stub = Health::NewStub(channel);
  std::string last_error = "no answer";
  while (absl::Now() < deadline) {
    // Watch streams every status change, so the wait ends on the change
    // itself. A new stream is opened only when the server is not up yet.
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(deadline));
    context.set_wait_for_ready(true);
    HealthCheckRequest request;
    std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> reader =
        stub->Watch(&context, request);
    HealthCheckResponse response;
    while (reader->Read(&response)) {
      if (response.status() == wanted) {
        context.TryCancel();
        reader->Finish();
        return absl::OkStatus();
      }
      last_error = HealthCheckResponse::ServingStatus_Name(response.status());
    }
    const grpc::Status status = reader->Finish();
    if (!status.ok()) last_error = status.error_message();
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      address, " not ", HealthCheckResponse::ServingStatus_Name(wanted), " after ",
      absl::FormatDuration(timeout), ": ", last_error));
}

std::string UsernameInPartition(const std::string& prefix, int32_t partition) {
  for (int i = 0;; ++i) {
    std::string username = absl::StrCat(prefix, i);
    if (PartitionForUsername(username, 3) == partition) return username;
  }
}

RunningClusterTest::RunningClusterTest()
    : owned_cluster_(std::make_unique<TestCluster>(3)), cluster_(*owned_cluster_) {}

RunningClusterTest::~RunningClusterTest() = default;

void RunningClusterTest::SetUp() {
  absl::Status workers = cluster_.StartWorkers();
  ASSERT_TRUE(workers.ok()) << workers << "\n" << cluster_.Logs();
  absl::Status gateway = cluster_.StartGateway();
  ASSERT_TRUE(gateway.ok()) << gateway << "\n" << cluster_.Logs();
  stub_ = cluster_.NewGatewayStub();
}

TestCluster::TestCluster(int32_t partitions)
    : partitions_(partitions),
      topics_(CreateTestTopics(partitions)),
      log_directory_(ScratchDirectory("cluster")),
      gateway_port_(FreePort()),
      gateway_metrics_port_(FreePort()) {
  std::vector<std::string> migrate = {SIGNUP_ADMIN_BINARY, "migrate"};
  for (int32_t partition = 0; partition < partitions; ++partition) {
    databases_.push_back(std::make_unique<TemporaryDatabase>(partition % 3));
    migrate.push_back(databases_.back()->dsn());
    worker_ports_.push_back(FreePort());
    worker_admin_ports_.push_back(FreePort());
    worker_metrics_ports_.push_back(FreePort());
  }
  absl::StatusOr<std::unique_ptr<Subprocess>> admin =
      Subprocess::Start(migrate, log_directory_ + "/admin.log");
  EXPECT_TRUE(admin.ok()) << admin.status();
  if (!admin.ok()) return;
  const std::optional<int> exit_status = (*admin)->Wait(absl::Seconds(60));
  EXPECT_TRUE(exit_status.has_value()) << "signup-admin migrate still runs after 60 s";
  if (!exit_status.has_value()) return;
  EXPECT_TRUE(WIFEXITED(*exit_status)) << TailOfFile((*admin)->log_path());
  EXPECT_EQ(WEXITSTATUS(*exit_status), 0) << TailOfFile((*admin)->log_path());
}

TestCluster::~TestCluster() {
  // Graceful stops first, so that the processes release their database
  // connections before the databases are dropped.
  if (gateway_ != nullptr) StopGateway(SIGTERM);
  if (second_gateway_ != nullptr) StopProcess(*second_gateway_, SIGTERM, "second gateway");
  for (auto& [partition, standby] : standbys_) {
    StopProcess(*standby, SIGTERM, absl::StrCat("standby ", partition));
  }
  for (int32_t partition = 0; partition < partitions_; ++partition) {
    StopWorker(partition, SIGTERM);
  }
}

std::vector<std::string> TestCluster::CommonFlags() const {
  return {absl::StrCat("--brokers=", Brokers()),
          absl::StrCat("--request-topic=", topics_.request),
          absl::StrCat("--response-topic=", topics_.response),
          "--log-level=debug"};
}

std::string TestCluster::worker_address(int32_t partition) const {
  return absl::StrCat("127.0.0.1:", worker_ports_[partition]);
}

bool TestCluster::WorkerRunning(int32_t partition) {
  auto it = workers_.find(partition);
  return it != workers_.end() && it->second->Running();
}

std::string TestCluster::worker_admin_address(int32_t partition) const {
  return absl::StrCat("127.0.0.1:", worker_admin_ports_[partition]);
}

int TestCluster::worker_metrics_port(int32_t partition) const {
  return worker_metrics_ports_[partition];
}

std::string TestCluster::WorkerAdminAddresses() const {
  std::vector<std::string> addresses;
  for (int32_t partition = 0; partition < partitions_; ++partition) {
    addresses.push_back(worker_admin_address(partition));
  }
  return absl::StrJoin(addresses, ",");
}

absl::StatusOr<std::unique_ptr<Subprocess>> TestCluster::SpawnWorker(
    int32_t partition, const std::string& address, int admin_port, int metrics_port,
    const std::string& log_name) {
  std::vector<std::string> argv = {SIGNUP_WORKER_BINARY,
                                   absl::StrCat("--partition=", partition),
                                   absl::StrCat("--database=", database_dsn(partition)),
                                   absl::StrCat("--listen=", address),
                                   absl::StrCat("--admin-listen=127.0.0.1:", admin_port),
                                   absl::StrCat("--metrics-listen=127.0.0.1:", metrics_port),
                                   "--retry-max-ms=1000"};
  for (std::string& flag : CommonFlags()) argv.push_back(std::move(flag));
  return Subprocess::Start(argv, absl::StrCat(log_directory_, "/", log_name, ".log"));
}

absl::Status TestCluster::StartWorker(int32_t partition) {
  const std::string address = worker_address(partition);
  absl::StatusOr<std::unique_ptr<Subprocess>> worker =
      SpawnWorker(partition, address, worker_admin_ports_[partition],
                  worker_metrics_ports_[partition], absl::StrCat("worker-", partition));
  if (!worker.ok()) return worker.status();
  workers_[partition] = std::move(*worker);
  return WaitForServing(address, absl::Seconds(60));
}

absl::StatusOr<std::unique_ptr<Subprocess>> TestCluster::StartWorkerProcess(
    int32_t partition, const std::vector<std::string>& extra_flags) {
  std::vector<std::string> argv = {SIGNUP_WORKER_BINARY,
                                   absl::StrCat("--partition=", partition),
                                   absl::StrCat("--database=", database_dsn(partition)),
                                   absl::StrCat("--listen=127.0.0.1:", FreePort()),
                                   absl::StrCat("--admin-listen=127.0.0.1:", FreePort()),
                                   absl::StrCat("--metrics-listen=127.0.0.1:", FreePort())};
  for (std::string& flag : CommonFlags()) argv.push_back(std::move(flag));
  for (const std::string& flag : extra_flags) argv.push_back(flag);
  return Subprocess::Start(argv, absl::StrCat(log_directory_, "/extra-worker-", partition,
                                              "-", UniqueName("run"), ".log"));
}

std::string TestCluster::standby_address(int32_t partition) const {
  return absl::StrCat("127.0.0.1:", standby_ports_.at(partition));
}

absl::Status TestCluster::StartStandbyWorker(int32_t partition) {
  standby_ports_[partition] = FreePort();
  standby_admin_ports_[partition] = FreePort();
  standby_metrics_ports_[partition] = FreePort();
  const std::string address = standby_address(partition);
  absl::StatusOr<std::unique_ptr<Subprocess>> standby =
      SpawnWorker(partition, address, standby_admin_ports_[partition],
                  standby_metrics_ports_[partition], absl::StrCat("standby-", partition));
  if (!standby.ok()) return standby.status();
  standbys_[partition] = std::move(*standby);
  return WaitForHealth(address, false, absl::Seconds(60));
}

void TestCluster::PromoteStandby(int32_t partition) {
  auto standby = standbys_.find(partition);
  if (standby == standbys_.end()) return;
  workers_[partition] = std::move(standby->second);
  worker_ports_[partition] = standby_ports_[partition];
  worker_admin_ports_[partition] = standby_admin_ports_[partition];
  worker_metrics_ports_[partition] = standby_metrics_ports_[partition];
  standbys_.erase(standby);
}

absl::StatusOr<std::string> TestCluster::StartSecondGateway() {
  const std::string address = absl::StrCat("127.0.0.1:", FreePort());
  std::vector<std::string> argv = {SIGNUP_GATEWAY_BINARY, absl::StrCat("--listen=", address)};
  for (std::string& flag : GatewayFlags(FreePort())) argv.push_back(std::move(flag));
  absl::StatusOr<std::unique_ptr<Subprocess>> gateway =
      Subprocess::Start(argv, log_directory_ + "/gateway-2.log");
  if (!gateway.ok()) return gateway.status();
  second_gateway_ = std::move(*gateway);
  if (absl::Status serving = WaitForServing(address, absl::Seconds(60)); !serving.ok()) {
    return serving;
  }
  return address;
}

absl::Status TestCluster::StartWorkers() {
  for (int32_t partition = 0; partition < partitions_; ++partition) {
    if (absl::Status started = StartWorker(partition); !started.ok()) return started;
  }
  return absl::OkStatus();
}


void TestCluster::StopWorker(int32_t partition, int signal_number) {
  auto it = workers_.find(partition);
  if (it == workers_.end()) return;
  StopProcess(*it->second, signal_number, absl::StrCat("worker ", partition));
  workers_.erase(it);
}

std::vector<std::string> TestCluster::GatewayFlags(int metrics_port) const {
  std::vector<std::string> flags = CommonFlags();
  flags.push_back(absl::StrCat("--metrics-listen=127.0.0.1:", metrics_port));
  flags.push_back(absl::StrCat("--worker-admin-addresses=", WorkerAdminAddresses()));
  return flags;
}

absl::Status TestCluster::StartGateway(const std::vector<std::string>& extra_flags) {
  std::vector<std::string> argv = {SIGNUP_GATEWAY_BINARY,
                                   absl::StrCat("--listen=", gateway_address())};
  for (std::string& flag : GatewayFlags(gateway_metrics_port_)) argv.push_back(std::move(flag));
  for (const std::string& flag : extra_flags) argv.push_back(flag);
  absl::StatusOr<std::unique_ptr<Subprocess>> gateway =
      Subprocess::Start(argv, log_directory_ + "/gateway.log");
  if (!gateway.ok()) return gateway.status();
  gateway_ = std::move(*gateway);
  return WaitForServing(gateway_address(), absl::Seconds(60));
}

void TestCluster::StopGateway(int signal_number) {
  if (gateway_ == nullptr) return;
  StopProcess(*gateway_, signal_number, "gateway");
  gateway_.reset();
}

void TestCluster::SignalGateway(int signal_number) {
  if (gateway_ != nullptr) gateway_->Signal(signal_number);
}

std::optional<int> TestCluster::WaitForGatewayExit(absl::Duration timeout) {
  if (gateway_ == nullptr) return std::nullopt;
  const std::optional<int> status = gateway_->Wait(timeout);
  if (status.has_value()) gateway_.reset();
  return status;
}

std::string TestCluster::gateway_address() const {
  return absl::StrCat("127.0.0.1:", gateway_port_);
}

std::unique_ptr<v1::SignupService::Stub> TestCluster::NewGatewayStub() const {
  return v1::SignupService::NewStub(
      grpc::CreateChannel(gateway_address(), grpc::InsecureChannelCredentials()));
}

std::vector<std::string> TestCluster::AccountUsernames(int32_t partition) const {
  pqxx::connection connection(database_dsn(partition));
  pqxx::work transaction(connection);
  std::vector<std::string> usernames;
  for (const pqxx::row& row :
       transaction.exec("SELECT username FROM accounts ORDER BY request_offset")) {
    usernames.push_back(row[0].as<std::string>());
  }
  return usernames;
}

int64_t TestCluster::StoredNextOffset(int32_t partition) const {
  pqxx::connection connection(database_dsn(partition));
  pqxx::work transaction(connection);
  return transaction.exec1("SELECT next_offset FROM worker_partition")[0].as<int64_t>();
}

std::vector<TestCluster::StoredDecision> TestCluster::StoredDecisions(
    int32_t partition) const {
  pqxx::connection connection(database_dsn(partition));
  pqxx::work transaction(connection);
  std::vector<StoredDecision> decisions;
  for (const pqxx::row& row : transaction.exec(
           "SELECT request_offset, request_id, username, outcome, "
           "coalesce(account_id, ''), reason, display_name FROM decisions "
           "ORDER BY request_offset")) {
    decisions.push_back({row[0].as<int64_t>(), row[1].as<std::string>(),
                         row[2].as<std::string>(), row[3].as<std::string>(),
                         row[4].as<std::string>(), row[5].as<std::string>(),
                         row[6].as<std::string>()});
  }
  return decisions;
}

std::string TestCluster::Logs() const {
  std::string logs;
  if (gateway_ != nullptr) absl::StrAppend(&logs, TailOfFile(gateway_->log_path()), "\n");
  for (const auto& [partition, worker] : workers_) {
    absl::StrAppend(&logs, TailOfFile(worker->log_path()), "\n");
  }
  for (const auto& [partition, standby] : standbys_) {
    absl::StrAppend(&logs, TailOfFile(standby->log_path()), "\n");
  }
  return logs;
}

}  // namespace signup::testing
