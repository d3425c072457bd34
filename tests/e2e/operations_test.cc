// End-to-end tests of operating the system: every WorkerAdmin and query RPC
// and the health service through grpcurl, pausing and resuming a
// partition, and the metrics endpoints.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/time_util.h>
#include <signal.h>
#include <sys/wait.h>

#include <fstream>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "services/common/partitioner.h"
#include "services/common/version.h"
#include "signup/admin/v1/admin.pb.h"
#include "signup/v1/signup.grpc.pb.h"
#include "tests/support/cluster.h"
#include "tests/support/operator_tools.h"

namespace signup {
namespace {

using testing::CallSignup;
using testing::CommandResult;
using testing::Grpcurl;
using testing::ParseJson;
using testing::RunningClusterTest;

// A Signup call that has been accepted and whose outcome is read later.
class PendingSignup {
 public:
  PendingSignup(v1::SignupService::Stub& stub, const std::string& username) {
    context_.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(120)));
    v1::SignupRequest request;
    request.set_username(username);
    reader_ = stub.Signup(&context_, request);
  }

  // Reads the `accepted` event; false when the stream ended first.
  bool ReadAccepted(v1::Accepted* accepted) {
    v1::SignupEvent event;
    if (!reader_->Read(&event) || !event.has_accepted()) return false;
    *accepted = event.accepted();
    return true;
  }

  // Reads the outcome and the end of the stream.
  grpc::Status ReadOutcome(v1::Decision* outcome) {
    v1::SignupEvent event;
    if (reader_->Read(&event) && event.has_outcome()) *outcome = event.outcome();
    while (reader_->Read(&event)) {
    }
    return reader_->Finish();
  }

 private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::SignupEvent>> reader_;
};

class OperationsTest : public RunningClusterTest {
 protected:
  // Calls GetStatus on the worker of `partition` with grpcurl.
  admin::v1::WorkerStatus WorkerStatus(int32_t partition) {
    const CommandResult result = Grpcurl(cluster_.worker_admin_address(partition),
                                         "signup.admin.v1.WorkerAdmin/GetStatus");
    admin::v1::WorkerStatus status;
    EXPECT_EQ(result.exit_code, 0) << result.output;
    const absl::Status parsed = ParseJson(result.output, &status);
    EXPECT_TRUE(parsed.ok()) << parsed;
    return status;
  }
};

TEST_F(OperationsTest, GetStatusReportsOffsetsDecisionsAndDatabase) {
  const int32_t partition = PartitionForUsername("bob", 3);
  ASSERT_EQ(CallSignup(*stub_, "bob").outcome->outcome(), v1::OUTCOME_CREATED);
  ASSERT_EQ(CallSignup(*stub_, "Bob").outcome->outcome(), v1::OUTCOME_USERNAME_TAKEN);

  const admin::v1::WorkerStatus status = WorkerStatus(partition);
  EXPECT_EQ(status.partition(), partition);
  EXPECT_EQ(status.role(), admin::v1::ROLE_ACTIVE);
  EXPECT_EQ(status.state(), admin::v1::STATE_RUNNING);
  EXPECT_TRUE(status.serving());
  EXPECT_EQ(status.next_offset(), 2);
  EXPECT_EQ(status.high_watermark(), 2);
  EXPECT_EQ(status.lag(), 0);
  EXPECT_EQ(status.decisions().created(), 1);
  EXPECT_EQ(status.decisions().username_taken(), 1);
  EXPECT_EQ(status.decisions().rejected(), 0);
  EXPECT_TRUE(status.database().reachable()) << status.database().error();
  EXPECT_GT(google::protobuf::util::TimeUtil::DurationToNanoseconds(
                status.database().round_trip()),
            0);
  EXPECT_EQ(status.version(), std::string(BuildVersion()));
  EXPECT_GT(google::protobuf::util::TimeUtil::DurationToNanoseconds(status.uptime()), 0);
  EXPECT_EQ(status.username_policy(), "precis");
  EXPECT_EQ(status.partition_count(), 3);
  EXPECT_FALSE(status.has_last_error()) << status.last_error().message();

  // A partition without requests.
  const admin::v1::WorkerStatus other = WorkerStatus((partition + 1) % 3);
  EXPECT_EQ(other.next_offset(), 0);
  EXPECT_EQ(other.lag(), 0);
  EXPECT_EQ(other.decisions().created(), 0);
}

TEST_F(OperationsTest, LookupAccountCanonicalizesAndNamesTheOwningPartition) {
  const testing::SignupResult created = CallSignup(*stub_, "Grace");
  ASSERT_TRUE(created.outcome.has_value()) << created.status.error_message();
  const int32_t partition = created.accepted->partition();

  CommandResult result = Grpcurl(cluster_.worker_admin_address(partition),
                                 "signup.admin.v1.WorkerAdmin/LookupAccount",
                                 R"({"username": "GRACE"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  admin::v1::LookupAccountResponse lookup;
  ASSERT_TRUE(ParseJson(result.output, &lookup).ok()) << result.output;
  EXPECT_EQ(lookup.username(), "grace");
  EXPECT_EQ(lookup.owning_partition(), partition);
  EXPECT_TRUE(lookup.owned_here());
  EXPECT_TRUE(lookup.found());
  EXPECT_EQ(lookup.account().account_id(), created.outcome->account_id());
  EXPECT_EQ(lookup.account().username(), "grace");
  EXPECT_EQ(lookup.account().display_name(), "Grace");
  EXPECT_EQ(lookup.account().request_id(), created.accepted->request_id());
  EXPECT_EQ(lookup.account().request_partition(), partition);
  EXPECT_EQ(lookup.account().request_offset(), created.accepted->offset());

  // Another partition's worker says which partition owns the name.
  const int32_t other = (partition + 1) % 3;
  result = Grpcurl(cluster_.worker_admin_address(other),
                   "signup.admin.v1.WorkerAdmin/LookupAccount", R"({"username": "grace"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  lookup.Clear();
  ASSERT_TRUE(ParseJson(result.output, &lookup).ok()) << result.output;
  EXPECT_EQ(lookup.owning_partition(), partition);
  EXPECT_FALSE(lookup.owned_here());
  EXPECT_FALSE(lookup.found());

  // An invalid name is INVALID_ARGUMENT with the reason.
  result = Grpcurl(cluster_.worker_admin_address(0), "signup.admin.v1.WorkerAdmin/LookupAccount",
                   R"({"username": "a b"})");
  EXPECT_NE(result.exit_code, 0) << result.output;
  EXPECT_TRUE(absl::StrContains(result.output, "InvalidArgument")) << result.output;
}

TEST_F(OperationsTest, GatewayQueriesAskTheOwningWorker) {
  const testing::SignupResult created = CallSignup(*stub_, "hopper");
  ASSERT_TRUE(created.outcome.has_value()) << created.status.error_message();
  const std::string gateway = cluster_.gateway_address();

  CommandResult result =
      Grpcurl(gateway, "signup.v1.SignupService/CheckUsername", R"({"username": "Hopper"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  v1::CheckUsernameResponse check;
  ASSERT_TRUE(ParseJson(result.output, &check).ok());
  EXPECT_EQ(check.username(), "hopper");
  EXPECT_TRUE(check.valid());
  EXPECT_FALSE(check.available());
  EXPECT_EQ(check.partition(), created.accepted->partition());

  result = Grpcurl(gateway, "signup.v1.SignupService/CheckUsername",
                   R"({"username": "lovelace"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  check.Clear();
  ASSERT_TRUE(ParseJson(result.output, &check).ok());
  EXPECT_TRUE(check.valid());
  EXPECT_TRUE(check.available());
  EXPECT_EQ(check.partition(), PartitionForUsername("lovelace", 3));

  result = Grpcurl(gateway, "signup.v1.SignupService/CheckUsername", R"({"username": "a b"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  check.Clear();
  ASSERT_TRUE(ParseJson(result.output, &check).ok());
  EXPECT_FALSE(check.valid());
  EXPECT_FALSE(check.available());
  EXPECT_EQ(check.invalid_reason(), "DISALLOWED_CHARACTER");
  EXPECT_EQ(check.partition(), -1);
  EXPECT_FALSE(check.message().empty());

  result = Grpcurl(gateway, "signup.v1.SignupService/GetAccount", R"({"username": "HOPPER"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  admin::v1::Account account;
  ASSERT_TRUE(ParseJson(result.output, &account).ok());
  EXPECT_EQ(account.account_id(), created.outcome->account_id());
  EXPECT_EQ(account.username(), "hopper");

  result = Grpcurl(gateway, "signup.v1.SignupService/GetAccount", R"({"username": "nobody"})");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(result.output, "NotFound")) << result.output;
  EXPECT_TRUE(absl::StrContains(result.output, "nobody")) << result.output;

  result = Grpcurl(gateway, "signup.v1.SignupService/GetClusterStatus");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  v1::ClusterStatus cluster;
  ASSERT_TRUE(ParseJson(result.output, &cluster).ok());
  ASSERT_EQ(cluster.partitions_size(), 3);
  EXPECT_EQ(cluster.serving_partitions(), 3);
  EXPECT_EQ(cluster.total_lag(), 0);
  for (int32_t partition = 0; partition < 3; ++partition) {
    const v1::PartitionStatus& entry = cluster.partitions(partition);
    EXPECT_EQ(entry.partition(), partition);
    EXPECT_EQ(entry.admin_address(), cluster_.worker_admin_address(partition));
    EXPECT_TRUE(entry.reachable()) << entry.error();
    EXPECT_EQ(entry.worker().partition(), partition);
    EXPECT_EQ(entry.worker().decisions().created(),
              partition == created.accepted->partition() ? 1 : 0);
  }
}

TEST_F(OperationsTest, ClusterStatusListsAStoppedWorkerAsUnreachable) {
  cluster_.StopWorker(2, SIGTERM);
  const CommandResult result =
      Grpcurl(cluster_.gateway_address(), "signup.v1.SignupService/GetClusterStatus");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  v1::ClusterStatus cluster;
  ASSERT_TRUE(ParseJson(result.output, &cluster).ok());
  ASSERT_EQ(cluster.partitions_size(), 3);
  EXPECT_TRUE(cluster.partitions(0).reachable());
  EXPECT_FALSE(cluster.partitions(2).reachable());
  EXPECT_TRUE(absl::StrContains(cluster.partitions(2).error(), "UNAVAILABLE"))
      << cluster.partitions(2).error();
  EXPECT_EQ(cluster.serving_partitions(), 2);

  // A name of the stopped partition cannot be checked.
  const CommandResult check =
      Grpcurl(cluster_.gateway_address(), "signup.v1.SignupService/CheckUsername",
              absl::StrCat(R"({"username": ")", testing::UsernameInPartition("ada", 2),
                           R"("})"));
  EXPECT_NE(check.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(check.output, "Unavailable")) << check.output;
  EXPECT_TRUE(absl::StrContains(check.output, "partition 2")) << check.output;
}

TEST_F(OperationsTest, HealthThroughGrpcurl) {
  for (const std::string& address :
       {cluster_.gateway_address(), cluster_.worker_address(0), cluster_.worker_admin_address(0)}) {
    const CommandResult result = Grpcurl(address, "grpc.health.v1.Health/Check");
    ASSERT_EQ(result.exit_code, 0) << address << ": " << result.output;
    EXPECT_TRUE(absl::StrContains(result.output, "\"SERVING\"")) << result.output;
  }
  const CommandResult named = Grpcurl(cluster_.worker_admin_address(1),
                                      "grpc.health.v1.Health/Check",
                                      R"({"service": "signup.admin.v1.WorkerAdmin"})");
  ASSERT_EQ(named.exit_code, 0) << named.output;
  EXPECT_TRUE(absl::StrContains(named.output, "\"SERVING\"")) << named.output;
}

TEST_F(OperationsTest, PauseKeepsRequestsResumeDecidesInOrder) {
  const int32_t partition = 1;
  CommandResult result = Grpcurl(cluster_.worker_admin_address(partition),
                                 "signup.admin.v1.WorkerAdmin/Pause",
                                 R"({"reason": "maintenance window"})");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  admin::v1::WorkerStatus paused;
  ASSERT_TRUE(ParseJson(result.output, &paused).ok());
  EXPECT_EQ(paused.state(), admin::v1::STATE_PAUSED);
  EXPECT_FALSE(paused.serving());
  EXPECT_EQ(paused.pause_reason(), "maintenance window");
  ASSERT_TRUE(testing::WaitForHealth(cluster_.worker_address(partition), false,
                                     absl::Seconds(10))
                  .ok());
  result = Grpcurl(cluster_.worker_address(partition), "grpc.health.v1.Health/Check");
  EXPECT_TRUE(absl::StrContains(result.output, "\"NOT_SERVING\"")) << result.output;

  // Ten names of the partition, then the first four again: the repeats
  // must lose to the first claims.
  std::vector<std::string> names;
  for (int i = 0; names.size() < 10; ++i) {
    const std::string name = absl::StrCat("paused", i);
    if (PartitionForUsername(name, 3) == partition) names.push_back(name);
  }
  std::vector<std::string> claims = names;
  claims.insert(claims.end(), names.begin(), names.begin() + 4);

  std::vector<std::unique_ptr<PendingSignup>> calls;
  std::vector<int64_t> offsets;
  for (const std::string& name : claims) {
    calls.push_back(std::make_unique<PendingSignup>(*stub_, name));
    v1::Accepted accepted;
    ASSERT_TRUE(calls.back()->ReadAccepted(&accepted)) << name << "\n" << cluster_.Logs();
    offsets.push_back(accepted.offset());
  }

  // Accepted by Kafka, but not decided.
  const admin::v1::WorkerStatus waiting = WorkerStatus(partition);
  EXPECT_EQ(waiting.state(), admin::v1::STATE_PAUSED);
  EXPECT_EQ(waiting.next_offset(), 0);
  EXPECT_EQ(waiting.lag(), static_cast<int64_t>(claims.size()));
  EXPECT_EQ(cluster_.StoredNextOffset(partition), 0);
  EXPECT_TRUE(cluster_.StoredDecisions(partition).empty());

  result = Grpcurl(cluster_.worker_admin_address(partition),
                   "signup.admin.v1.WorkerAdmin/Resume");
  ASSERT_EQ(result.exit_code, 0) << result.output;

  std::map<std::string, std::string> account_ids;
  for (size_t i = 0; i < calls.size(); ++i) {
    SCOPED_TRACE(claims[i]);
    v1::Decision outcome;
    const grpc::Status status = calls[i]->ReadOutcome(&outcome);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(outcome.offset(), offsets[i]);
    EXPECT_EQ(outcome.outcome(), i < names.size() ? v1::OUTCOME_CREATED
                                                  : v1::OUTCOME_USERNAME_TAKEN);
  }
  const std::vector<testing::TestCluster::StoredDecision> stored =
      cluster_.StoredDecisions(partition);
  ASSERT_EQ(stored.size(), claims.size());
  for (size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].offset, static_cast<int64_t>(i));
    EXPECT_EQ(stored[i].username, claims[i]);
  }
  ASSERT_TRUE(testing::WaitForServing(cluster_.worker_address(partition), absl::Seconds(10))
                  .ok());
  const admin::v1::WorkerStatus resumed = WorkerStatus(partition);
  EXPECT_EQ(resumed.state(), admin::v1::STATE_RUNNING);
  EXPECT_EQ(resumed.lag(), 0);
  EXPECT_EQ(resumed.decisions().created(), 10);
  EXPECT_EQ(resumed.decisions().username_taken(), 4);
  EXPECT_TRUE(resumed.pause_reason().empty());
}

TEST_F(OperationsTest, MetricsEndpointsCountDecisionsAndRequests) {
  const int32_t partition = PartitionForUsername("turing", 3);
  ASSERT_EQ(CallSignup(*stub_, "turing").outcome->outcome(), v1::OUTCOME_CREATED);
  ASSERT_EQ(CallSignup(*stub_, "TURING").outcome->outcome(), v1::OUTCOME_USERNAME_TAKEN);
  ASSERT_FALSE(CallSignup(*stub_, "a b").status.ok());

  const std::string label = absl::StrCat("partition=\"", partition, "\"");
  absl::StatusOr<std::string> worker =
      testing::HttpGet(cluster_.worker_metrics_port(partition), "/metrics");
  ASSERT_TRUE(worker.ok()) << worker.status();
  using testing::MetricValue;
  EXPECT_EQ(MetricValue(*worker, absl::StrCat("signup_worker_decisions_total{outcome=\"created\",",
                                              label, "}")),
            1);
  EXPECT_EQ(MetricValue(*worker, absl::StrCat(
                                     "signup_worker_decisions_total{outcome=\"username_taken\",",
                                     label, "}")),
            1);
  EXPECT_EQ(MetricValue(*worker, absl::StrCat("signup_worker_serving{", label, "}")), 1);
  EXPECT_EQ(MetricValue(*worker, absl::StrCat("signup_worker_state{", label,
                                              ",state=\"running\"}")),
            1);
  EXPECT_EQ(MetricValue(*worker, absl::StrCat("signup_worker_next_offset{", label, "}")), 2);
  EXPECT_EQ(MetricValue(*worker, absl::StrCat("signup_worker_batch_commit_seconds_count{",
                                              label, "}")),
            2);
  EXPECT_TRUE(MetricValue(*worker, absl::StrCat("signup_worker_lag{", label, "}")).has_value())
      << *worker;

  absl::StatusOr<std::string> gateway =
      testing::HttpGet(cluster_.gateway_metrics_port(), "/metrics");
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  EXPECT_EQ(MetricValue(*gateway, "signup_gateway_requests_total{code=\"OK\",rpc=\"Signup\"}"),
            2);
  EXPECT_EQ(MetricValue(*gateway,
                        "signup_gateway_requests_total{code=\"INVALID_ARGUMENT\",rpc=\"Signup\"}"),
            1);
  EXPECT_EQ(MetricValue(*gateway, "signup_gateway_signup_seconds_count{stage=\"decided\"}"), 2);
  EXPECT_EQ(MetricValue(*gateway, "signup_gateway_outcomes_total{outcome=\"created\"}"),
            1);
  EXPECT_EQ(MetricValue(*gateway, "signup_gateway_accepting"), 1);
}

TEST_F(OperationsTest, GatewayRejectsWrongAdminAddressCount) {
  const std::string log_path = absl::StrCat(cluster_.log_directory(), "/gateway-two.log");
  absl::StatusOr<std::unique_ptr<testing::Subprocess>> gateway = testing::Subprocess::Start(
      {SIGNUP_GATEWAY_BINARY, absl::StrCat("--listen=127.0.0.1:", testing::FreePort()),
       absl::StrCat("--metrics-listen=127.0.0.1:", testing::FreePort()),
       absl::StrCat("--brokers=", testing::Brokers()),
       absl::StrCat("--request-topic=", cluster_.topics().request),
       absl::StrCat("--response-topic=", cluster_.topics().response),
       absl::StrCat("--worker-admin-addresses=", cluster_.worker_admin_address(0), ",",
                    cluster_.worker_admin_address(1))},
      log_path);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  const std::optional<int> exit_status = (*gateway)->Wait(absl::Seconds(60));
  ASSERT_TRUE(exit_status.has_value()) << testing::TailOfFile(log_path);
  ASSERT_TRUE(WIFEXITED(*exit_status));
  EXPECT_EQ(WEXITSTATUS(*exit_status), 2);
  const std::string log = testing::TailOfFile(log_path);
  EXPECT_TRUE(absl::StrContains(log, "invalid --worker_admin_addresses")) << log;
  EXPECT_TRUE(absl::StrContains(log, "addresses=2 partitions=3")) << log;
}

TEST_F(OperationsTest, JsonLogLinesNameTheIds) {
  // A second worker for partition 2 waits as a standby and logs so.
  absl::StatusOr<std::unique_ptr<testing::Subprocess>> standby =
      cluster_.StartWorkerProcess(2, {"--log-format=json"});
  ASSERT_TRUE(standby.ok()) << standby.status();
  const std::string log_path = (*standby)->log_path();
  std::string log;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(30);
       absl::Now() < deadline && !absl::StrContains(log, "waiting as standby");
       absl::SleepFor(absl::Milliseconds(100))) {
    std::ifstream file(log_path);
    log.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  }
  (*standby)->Signal(SIGTERM);
  const std::optional<int> exit_status = (*standby)->Wait(absl::Seconds(30));
  ASSERT_TRUE(exit_status.has_value());
  EXPECT_EQ(WEXITSTATUS(*exit_status), 0);
  std::ifstream file(log_path);
  log.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());

  // Every line from spdlog is one JSON object; gRPC's own lines, which
  // start with a letter and a timestamp, are not ours to format.
  bool found_standby = false;
  for (absl::string_view line : absl::StrSplit(log, '\n', absl::SkipEmpty())) {
    if (!absl::StartsWith(line, "{")) continue;
    google::protobuf::Struct object;
    ASSERT_TRUE(ParseJson(std::string(line), &object).ok()) << line;
    const auto& fields = object.fields();
    ASSERT_TRUE(fields.contains("time")) << line;
    ASSERT_TRUE(fields.contains("level")) << line;
    EXPECT_EQ(fields.at("program").string_value(), "signup-worker") << line;
    if (absl::StartsWith(fields.at("message").string_value(), "waiting as standby")) {
      found_standby = true;
      EXPECT_EQ(fields.at("message").string_value(), "waiting as standby");
      EXPECT_EQ(fields.at("partition").string_value(), "2") << line;
      EXPECT_TRUE(fields.contains("reason")) << line;
    }
  }
  EXPECT_TRUE(found_standby) << log;
}

}  // namespace
}  // namespace signup
