// Runs check, lookup and status against a fake SignupService on a loopback
// port.

#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/signup-ctl/loopback_server.h"
#include "clients/signup-ctl/commands.h"
#include "clients/signup-ctl/console.h"
#include "clients/signup-ctl/query_calls.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "signup/v1/signup.grpc.pb.h"

namespace signup::ctl {
namespace {

using std::chrono_literals::operator""ms;

// Returns INVALID_ARGUMENT with a google.rpc.BadRequest detail whose field
// violation carries `reason`, as the gateway sends for an invalid name.
grpc::Status InvalidUsername(const std::string& reason,
                             const std::string& message) {
  google::rpc::BadRequest bad_request;
  google::rpc::BadRequest::FieldViolation* violation =
      bad_request.add_field_violations();
  violation->set_field("username");
  violation->set_reason(reason);
  violation->set_description(message);

  google::rpc::Status details;
  details.set_code(grpc::StatusCode::INVALID_ARGUMENT);
  details.set_message(message);
  details.add_details()->PackFrom(bad_request);
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message,
                      details.SerializeAsString());
}

// Waits until the caller cancels the call or its deadline passes.
grpc::Status WaitForCaller(grpc::ServerContext* context) {
  while (!context->IsCancelled()) std::this_thread::sleep_for(5ms);
  return grpc::Status(grpc::StatusCode::CANCELLED, "caller gave up");
}

// A SignupService whose query calls respond from fixed data by username:
//   bob    - taken on partition 2, with an account
//   alice  - available on partition 1, no account
//   x      - invalid: TOO_SHORT (CheckUsername) or INVALID_ARGUMENT
//   down   - UNAVAILABLE
//   slow   - no answer until the caller gives up
// It records the last request and the time left until its deadline.
class FakeQueryService final : public signup::v1::SignupService::Service {
 public:
  // The response of GetClusterStatus, unless `cluster_error` is set.
  signup::v1::ClusterStatus cluster;
  grpc::Status cluster_error = grpc::Status::OK;

  grpc::Status CheckUsername(grpc::ServerContext* context,
                             const signup::v1::CheckUsernameRequest* request,
                             signup::v1::CheckUsernameResponse* response)
      override {
    Record(context, request->username());
    const std::string& name = request->username();
    if (name == "down") return Unavailable();
    if (name == "slow") return WaitForCaller(context);
    if (name == "x") {
      response->set_valid(false);
      response->set_invalid_reason("TOO_SHORT");
      response->set_message("the username must have at least 2 characters");
      response->set_partition(-1);
      return grpc::Status::OK;
    }
    response->set_username(name);
    response->set_valid(true);
    response->set_partition(name == "bob" ? 2 : 1);
    response->set_available(name != "bob");
    return grpc::Status::OK;
  }

  grpc::Status GetAccount(grpc::ServerContext* context,
                          const signup::v1::GetAccountRequest* request,
                          signup::admin::v1::Account* response) override {
    Record(context, request->username());
    const std::string& name = request->username();
    if (name == "down") return Unavailable();
    if (name == "slow") return WaitForCaller(context);
    if (name == "x") {
      return InvalidUsername("TOO_SHORT",
                             "the username must have at least 2 characters");
    }
    if (name != "bob") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "no account holds \"" + name + "\"");
    }
    response->set_account_id("2Cq9kXd1Ef3gH5jK7lM9nP1qR3s");
    response->set_username("bob");
    response->set_display_name("Bob");
    response->mutable_created_at()->set_seconds(1767225600);  // 2026-01-01
    response->set_request_id("2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3");
    response->set_request_partition(2);
    response->set_request_offset(1042);
    return grpc::Status::OK;
  }

  grpc::Status GetClusterStatus(grpc::ServerContext* context,
                                const signup::v1::GetClusterStatusRequest*,
                                signup::v1::ClusterStatus* response) override {
    Record(context, "");
    if (!cluster_error.ok()) return cluster_error;
    *response = cluster;
    return grpc::Status::OK;
  }

  // The username of the last request.
  std::string LastUsername() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_username_;
  }

  // Time from the arrival of the last request to its deadline.
  absl::Duration LastTimeLeft() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_time_left_;
  }

 private:
  static grpc::Status Unavailable() {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the worker of partition 2 does not answer");
  }

  void Record(grpc::ServerContext* context, const std::string& username) {
    std::lock_guard<std::mutex> lock(mutex_);
    last_username_ = username;
    last_time_left_ = absl::FromChrono(context->deadline()) - absl::Now();
  }

  std::mutex mutex_;
  std::string last_username_;
  absl::Duration last_time_left_;
};

// Starts the fake on a free loopback port and connects a stub to it.
class QueryTest : public testing::Test {
 protected:
  void SetUp() override {
    LoopbackServer started = StartLoopbackServer(service_);
    server_ = std::move(started.server);
    ASSERT_NE(server_, nullptr);

    stub_ = signup::v1::SignupService::NewStub(
        grpc::CreateChannel(started.address, grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  std::vector<std::string> OutputLines() {
    return absl::StrSplit(output_.str(), '\n', absl::SkipEmpty());
  }

  static QueryOptions Json() {
    QueryOptions options;
    options.json = true;
    return options;
  }

  FakeQueryService service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<signup::v1::SignupService::Stub> stub_;
  std::ostringstream output_;
  std::ostringstream error_;
  Console console_{output_, error_};
};

TEST_F(QueryTest, CallSendsNameAndDeadline) {
  const absl::StatusOr<signup::v1::CheckUsernameResponse> answer =
      CallCheckUsername(*stub_, "alice", absl::Seconds(5));

  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->username(), "alice");
  EXPECT_EQ(service_.LastUsername(), "alice");
  // The server's view of the deadline can exceed the 5 s that were set by a
  // few milliseconds (up to 10 ms in runs of this test with gRPC 1.51).
  EXPECT_GT(service_.LastTimeLeft(), absl::Seconds(3));
  EXPECT_LE(service_.LastTimeLeft(), absl::Seconds(5) + absl::Milliseconds(100));
}

TEST_F(QueryTest, InfiniteDeadlineSetsNone) {
  const absl::StatusOr<signup::v1::ClusterStatus> cluster =
      CallGetClusterStatus(*stub_, absl::InfiniteDuration());

  ASSERT_TRUE(cluster.ok()) << cluster.status();
  EXPECT_GT(service_.LastTimeLeft(), absl::Hours(24 * 365));
}

TEST_F(QueryTest, CallKeepsBadRequestReason) {
  const absl::StatusOr<signup::admin::v1::Account> account =
      CallGetAccount(*stub_, "x", absl::Seconds(5));

  ASSERT_FALSE(account.ok());
  EXPECT_EQ(account.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(account.status().message(),
            "TOO_SHORT: the username must have at least 2 characters");
}

TEST_F(QueryTest, CheckPrintsAvailable) {
  EXPECT_EQ(RunCheckCommand(*stub_, console_, "alice", QueryOptions{}),
            kExitOk);

  EXPECT_EQ(output_.str(), "alice ✅ available (partition 1)\n");
  EXPECT_EQ(error_.str(), "");
}

TEST_F(QueryTest, CheckPrintsTaken) {
  EXPECT_EQ(RunCheckCommand(*stub_, console_, "bob", QueryOptions{}), kExitOk);

  EXPECT_EQ(output_.str(), "bob ❌ taken (partition 2)\n");
}

TEST_F(QueryTest, CheckInvalidNameIsAnswer) {
  EXPECT_EQ(RunCheckCommand(*stub_, console_, "x", QueryOptions{}), kExitOk);

  EXPECT_EQ(output_.str(),
            "- ❌ TOO_SHORT: the username must have at least 2 characters\n");
  EXPECT_EQ(error_.str(), "");
}

TEST_F(QueryTest, CheckPrintsJson) {
  EXPECT_EQ(RunCheckCommand(*stub_, console_, "bob", Json()), kExitOk);

  const std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 1u) << output_.str();
  signup::v1::CheckUsernameResponse printed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(lines[0], &printed).ok())
      << lines[0];
  EXPECT_EQ(printed.username(), "bob");
  EXPECT_TRUE(printed.valid());
  EXPECT_EQ(printed.partition(), 2);
  EXPECT_FALSE(printed.available());
  EXPECT_NE(lines[0].find(R"("available":false)"), std::string::npos)
      << lines[0];
}

TEST_F(QueryTest, CheckFailureExitsOne) {
  EXPECT_EQ(RunCheckCommand(*stub_, console_, "down", QueryOptions{}),
            kExitFailed);

  EXPECT_EQ(output_.str(), "");
  EXPECT_EQ(error_.str(),
            "ERROR down: UNAVAILABLE: the worker of partition 2 does not "
            "answer\n");
}

TEST_F(QueryTest, CheckDeadlineExceeded) {
  QueryOptions options;
  options.deadline = absl::Milliseconds(200);

  EXPECT_EQ(RunCheckCommand(*stub_, console_, "slow", options), kExitFailed);

  EXPECT_EQ(error_.str().rfind("ERROR slow: DEADLINE_EXCEEDED: ", 0), 0u)
      << error_.str();
}

TEST_F(QueryTest, LookupPrintsAccount) {
  EXPECT_EQ(RunLookupCommand(*stub_, console_, "bob", QueryOptions{}),
            kExitOk);

  EXPECT_EQ(output_.str(),
            "2Cq9kXd1Ef3gH5jK7lM9nP1qR3s bob Bob 2026-01-01T00:00:00Z "
            "2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 2:1042\n");
  EXPECT_EQ(error_.str(), "");
}

TEST_F(QueryTest, LookupPrintsJson) {
  EXPECT_EQ(RunLookupCommand(*stub_, console_, "bob", Json()), kExitOk);

  const std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 1u) << output_.str();
  signup::admin::v1::Account printed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(lines[0], &printed).ok())
      << lines[0];
  EXPECT_EQ(printed.account_id(), "2Cq9kXd1Ef3gH5jK7lM9nP1qR3s");
  EXPECT_EQ(printed.request_offset(), 1042);
  EXPECT_NE(lines[0].find(R"("created_at":"2026-01-01T00:00:00Z")"),
            std::string::npos)
      << lines[0];
}

TEST_F(QueryTest, LookupNotFoundExitsThree) {
  EXPECT_EQ(RunLookupCommand(*stub_, console_, "ghost", QueryOptions{}),
            kExitNoAccount);

  EXPECT_EQ(output_.str(), "ghost: no account\n");
  EXPECT_EQ(error_.str(), "");
}

TEST_F(QueryTest, LookupNotFoundJson) {
  EXPECT_EQ(RunLookupCommand(*stub_, console_, "ghost", Json()),
            kExitNoAccount);

  const std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 1u) << output_.str();
  EXPECT_NE(lines[0].find(R"("outcome":"NOT_FOUND")"), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find(R"("username":"ghost")"), std::string::npos)
      << lines[0];
}

TEST_F(QueryTest, LookupInvalidShowsReason) {
  EXPECT_EQ(RunLookupCommand(*stub_, console_, "x", QueryOptions{}),
            kExitNoAccount);

  EXPECT_EQ(output_.str(),
            "x ❌ TOO_SHORT: the username must have at least 2 characters\n");
  EXPECT_EQ(error_.str(), "");
}

TEST_F(QueryTest, LookupInvalidJson) {
  EXPECT_EQ(RunLookupCommand(*stub_, console_, "x", Json()), kExitNoAccount);

  const std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 1u) << output_.str();
  EXPECT_NE(lines[0].find(R"("outcome":"INVALID_ARGUMENT")"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find(R"("reason":"TOO_SHORT: the username)"),
            std::string::npos)
      << lines[0];
}

TEST_F(QueryTest, LookupFailureExitsOne) {
  EXPECT_EQ(RunLookupCommand(*stub_, console_, "down", QueryOptions{}),
            kExitFailed);

  EXPECT_EQ(output_.str(), "");
  EXPECT_EQ(error_.str(),
            "ERROR down: UNAVAILABLE: the worker of partition 2 does not "
            "answer\n");
}

TEST_F(QueryTest, StatusPrintsTable) {
  signup::v1::PartitionStatus* partition = service_.cluster.add_partitions();
  partition->set_partition(0);
  partition->set_admin_address("127.0.0.1:50071");
  partition->set_reachable(true);
  partition->mutable_worker()->set_role(signup::admin::v1::ROLE_ACTIVE);
  partition->mutable_worker()->set_state(signup::admin::v1::STATE_RUNNING);
  partition->mutable_worker()->set_serving(true);
  partition->mutable_worker()->set_lag(4);
  service_.cluster.set_total_lag(4);
  service_.cluster.set_serving_partitions(1);

  EXPECT_EQ(RunStatusCommand(*stub_, console_, QueryOptions{}), kExitOk);

  const std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 3u) << output_.str();
  EXPECT_EQ(lines[0].rfind("PARTITION  ROLE    STATE    SERVING", 0), 0u)
      << lines[0];
  EXPECT_EQ(lines[1].rfind("        0  active  running  yes", 0), 0u)
      << lines[1];
  EXPECT_EQ(lines[2], "total lag 4, 1 of 1 partition serving");
  EXPECT_EQ(error_.str(), "");
}

TEST_F(QueryTest, StatusPrintsOneJsonObject) {
  service_.cluster.add_partitions()->set_partition(0);
  service_.cluster.add_partitions()->set_partition(1);

  EXPECT_EQ(RunStatusCommand(*stub_, console_, Json()), kExitOk);

  const std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 1u) << output_.str();
  signup::v1::ClusterStatus printed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(lines[0], &printed).ok())
      << lines[0];
  EXPECT_EQ(printed.partitions_size(), 2);
  EXPECT_NE(lines[0].find(R"("serving_partitions":0)"), std::string::npos)
      << lines[0];
}

TEST_F(QueryTest, StatusFailureNamesRpc) {
  service_.cluster_error =
      grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                   "the gateway has no --worker-admin-addresses");

  EXPECT_EQ(RunStatusCommand(*stub_, console_, QueryOptions{}), kExitFailed);

  EXPECT_EQ(output_.str(), "");
  EXPECT_EQ(error_.str(),
            "ERROR GetClusterStatus: FAILED_PRECONDITION: the gateway has no "
            "--worker-admin-addresses\n");
}

TEST_F(QueryTest, UnreachableGatewayExitsOne) {
  // Nothing listens on the port of a server that was started and stopped.
  server_->Shutdown();
  server_.reset();
  QueryOptions options;
  options.deadline = absl::Seconds(5);

  EXPECT_EQ(RunStatusCommand(*stub_, console_, options), kExitFailed);

  EXPECT_EQ(error_.str().rfind("ERROR GetClusterStatus: UNAVAILABLE: ", 0), 0u)
      << error_.str();
}

}  // namespace
}  // namespace signup::ctl
