// The signup flow end to end: the real gateway and workers, as processes,
// on the suite's Kafka broker and PostgreSQL servers.
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/common/ksuid.h"
#include "services/common/partitioner.h"
#include "tests/support/cluster.h"

namespace signup {
namespace {

using testing::CallSignup;
using testing::SignupResult;
using testing::TestCluster;

using SignupFlowTest = testing::RunningClusterTest;

// Runs `command` through the shell and returns its exit status and output.
std::pair<int, std::string> RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  return {pclose(pipe), output};
}

TEST_F(SignupFlowTest, DemoSessionCreatesSevenAndRefusesTwo) {
  const std::vector<std::pair<std::string, v1::Outcome>> session = {
      {"bob", v1::OUTCOME_CREATED},          {"alice", v1::OUTCOME_CREATED},
      {"john", v1::OUTCOME_CREATED},         {"lloyd", v1::OUTCOME_CREATED},
      {"aaron", v1::OUTCOME_CREATED},        {"peter", v1::OUTCOME_CREATED},
      {"bob", v1::OUTCOME_USERNAME_TAKEN},   {"lloyd", v1::OUTCOME_USERNAME_TAKEN},
      {"sam", v1::OUTCOME_CREATED},
  };

  std::map<std::string, std::string> account_ids;
  for (const auto& [username, expected] : session) {
    SCOPED_TRACE(username);
    const SignupResult result = CallSignup(*stub_, username);
    ASSERT_TRUE(result.status.ok()) << result.status.error_message() << "\n"
                                    << cluster_.Logs();
    ASSERT_TRUE(result.accepted.has_value());
    ASSERT_TRUE(result.outcome.has_value());
    EXPECT_EQ(result.extra_events, 0);

    const int32_t partition = PartitionForUsername(username, 3);
    EXPECT_EQ(result.accepted->partition(), partition);
    EXPECT_GE(result.accepted->offset(), 0);
    EXPECT_TRUE(Ksuid::Parse(result.accepted->request_id()).ok())
        << "generated request id " << result.accepted->request_id();

    const v1::Decision& outcome = *result.outcome;
    EXPECT_EQ(outcome.outcome(), expected);
    EXPECT_EQ(outcome.username(), username);
    EXPECT_EQ(outcome.request_id(), result.accepted->request_id());
    EXPECT_EQ(outcome.partition(), result.accepted->partition());
    EXPECT_EQ(outcome.offset(), result.accepted->offset());
    EXPECT_TRUE(outcome.has_decided_at());
    if (expected == v1::OUTCOME_CREATED) {
      EXPECT_TRUE(Ksuid::Parse(outcome.account_id()).ok())
          << "account id " << outcome.account_id();
      account_ids[username] = outcome.account_id();
    } else {
      EXPECT_EQ(outcome.account_id(), "");
    }
  }

  // Every username has exactly one account, in its own partition's database.
  std::map<std::string, int> accounts_per_username;
  for (int32_t partition = 0; partition < 3; ++partition) {
    for (const std::string& username : cluster_.AccountUsernames(partition)) {
      EXPECT_EQ(PartitionForUsername(username, 3), partition) << username;
      ++accounts_per_username[username];
    }
  }
  EXPECT_EQ(accounts_per_username.size(), 7u);
  for (const auto& [username, count] : accounts_per_username) {
    EXPECT_EQ(count, 1) << username;
    EXPECT_TRUE(account_ids.contains(username)) << username;
  }
}

TEST_F(SignupFlowTest, ClientRequestIdIsKept) {
  const SignupResult result = CallSignup(*stub_, "carol", "client-id-0001");
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  ASSERT_TRUE(result.accepted.has_value());
  ASSERT_TRUE(result.outcome.has_value());
  EXPECT_EQ(result.accepted->request_id(), "client-id-0001");
  EXPECT_EQ(result.outcome->request_id(), "client-id-0001");

  const int32_t partition = PartitionForUsername("carol", 3);
  const auto decisions = cluster_.StoredDecisions(partition);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].request_id, "client-id-0001");
  EXPECT_EQ(decisions[0].offset, result.accepted->offset());
}

TEST_F(SignupFlowTest, InvalidInputIsRejectedBeforeKafka) {
  const SignupResult empty = CallSignup(*stub_, "");
  EXPECT_EQ(empty.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(empty.accepted.has_value());
  EXPECT_NE(empty.status.error_message().find("empty"), std::string::npos)
      << empty.status.error_message();

  const SignupResult spaced = CallSignup(*stub_, "bob smith");
  EXPECT_EQ(spaced.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(spaced.status.error_message().find("bob smith"), std::string::npos)
      << spaced.status.error_message();

  const SignupResult bad_id = CallSignup(*stub_, "dave", "has space");
  EXPECT_EQ(bad_id.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad_id.status.error_message().find("request_id"), std::string::npos);

  for (int32_t partition = 0; partition < 3; ++partition) {
    EXPECT_TRUE(cluster_.StoredDecisions(partition).empty());
  }
}

TEST_F(SignupFlowTest, WatchSignupsStreamsEveryDecision) {
  ASSERT_TRUE(CallSignup(*stub_, "early").outcome.has_value());

  // From the beginning: the decision made before the call started.
  grpc::ClientContext beginning_context;
  beginning_context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  v1::WatchSignupsRequest from_beginning;
  from_beginning.set_start_from(v1::WatchSignupsRequest::START_FROM_BEGINNING);
  auto beginning_reader = stub_->WatchSignups(&beginning_context, from_beginning);
  v1::Decision decision;
  ASSERT_TRUE(beginning_reader->Read(&decision));
  EXPECT_EQ(decision.username(), "early");
  EXPECT_EQ(decision.outcome(), v1::OUTCOME_CREATED);

  // From now: only decisions made after the call started. The server
  // positions the stream asynchronously, so "late0" may precede it; each
  // Read then waits for the next claim's decision.
  grpc::ClientContext now_context;
  now_context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  auto now_reader = stub_->WatchSignups(&now_context, v1::WatchSignupsRequest());
  for (int attempt = 0; attempt < 3; ++attempt) {
    const SignupResult late = CallSignup(*stub_, absl::StrCat("late", attempt));
    ASSERT_TRUE(late.outcome.has_value());
  }
  ASSERT_TRUE(now_reader->Read(&decision));
  EXPECT_TRUE(absl::StartsWith(decision.username(), "late")) << decision.username();

  // The stream from the beginning continues with the later decisions.
  ASSERT_TRUE(beginning_reader->Read(&decision));
  EXPECT_EQ(decision.username(), "late0");

  beginning_context.TryCancel();
  now_context.TryCancel();
  beginning_reader->Finish();
  now_reader->Finish();
}

TEST_F(SignupFlowTest, GrpcurlSignupThroughReflection) {
  const std::string grpcurl = testing::RequireEnvironment("SIGNUP_TEST_GRPCURL");
  ASSERT_FALSE(grpcurl.empty());

  const auto [list_status, services] =
      RunCommand(absl::StrCat(grpcurl, " -plaintext ", cluster_.gateway_address(), " list"));
  ASSERT_EQ(list_status, 0) << services;
  EXPECT_NE(services.find("signup.v1.SignupService"), std::string::npos) << services;
  EXPECT_NE(services.find("grpc.health.v1.Health"), std::string::npos) << services;

  const auto [status, output] = RunCommand(absl::StrCat(
      grpcurl, " -plaintext -d '{\"username\": \"grace\"}' ", cluster_.gateway_address(),
      " signup.v1.SignupService/Signup"));
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("\"accepted\""), std::string::npos) << output;
  EXPECT_NE(output.find("\"outcome\""), std::string::npos) << output;
  EXPECT_NE(output.find("OUTCOME_CREATED"), std::string::npos) << output;
  EXPECT_NE(output.find("\"account_id\""), std::string::npos) << output;

  const auto [health_status, health] = RunCommand(absl::StrCat(
      grpcurl, " -plaintext ", cluster_.gateway_address(), " grpc.health.v1.Health/Check"));
  ASSERT_EQ(health_status, 0) << health;
  EXPECT_NE(health.find("\"SERVING\""), std::string::npos) << health;

  // Workers serve reflection and health too.
  const auto [worker_list_status, worker_services] = RunCommand(
      absl::StrCat(grpcurl, " -plaintext ", cluster_.worker_address(0), " list"));
  ASSERT_EQ(worker_list_status, 0) << worker_services;
  EXPECT_NE(worker_services.find("grpc.health.v1.Health"), std::string::npos)
      << worker_services;
  const auto [worker_health_status, worker_health] = RunCommand(absl::StrCat(
      grpcurl, " -plaintext ", cluster_.worker_address(0), " grpc.health.v1.Health/Check"));
  ASSERT_EQ(worker_health_status, 0) << worker_health;
  EXPECT_NE(worker_health.find("\"SERVING\""), std::string::npos) << worker_health;
}

}  // namespace
}  // namespace signup
