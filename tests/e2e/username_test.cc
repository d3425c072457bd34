// Canonical usernames end to end: the gateway canonicalizes and validates,
// the worker checks again, and a database keeps the policy it started with.
#include <sys/wait.h>

#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "services/common/kafka_producer.h"
#include "services/common/partitioner.h"
#include "signup/kafka/v1/messages.pb.h"
#include "tests/support/cluster.h"

namespace signup {
namespace {

using testing::CallSignup;
using testing::SignupResult;
using testing::TestCluster;

// Returns the machine-readable reason of the status's BadRequest detail, or
// "" when it has none.
std::string BadRequestReason(const grpc::Status& status) {
  google::rpc::Status details;
  if (!details.ParseFromString(status.error_details())) return "";
  for (const google::protobuf::Any& detail : details.details()) {
    google::rpc::BadRequest bad_request;
    if (detail.UnpackTo(&bad_request) && bad_request.field_violations_size() > 0) {
      return bad_request.field_violations(0).reason();
    }
  }
  return "";
}

using UsernameTest = testing::RunningClusterTest;

TEST_F(UsernameTest, CaseAndWidthVariantsAreOneName) {
  const SignupResult capital = CallSignup(*stub_, "Bob");
  ASSERT_TRUE(capital.outcome.has_value()) << capital.status.error_message();
  EXPECT_EQ(capital.outcome->outcome(), v1::OUTCOME_CREATED);
  EXPECT_EQ(capital.outcome->username(), "bob");
  EXPECT_EQ(capital.outcome->display_name(), "Bob");
  EXPECT_EQ(capital.accepted->partition(), PartitionForUsername("bob", 3));

  for (const std::string variant : {"bob", "BOB", "\xef\xbd\x82\xef\xbd\x8f\xef\xbd\x82"}) {
    SCOPED_TRACE(variant);
    const SignupResult result = CallSignup(*stub_, variant);
    ASSERT_TRUE(result.outcome.has_value()) << result.status.error_message();
    EXPECT_EQ(result.outcome->outcome(), v1::OUTCOME_USERNAME_TAKEN);
    EXPECT_EQ(result.outcome->username(), "bob");
  }

  const auto accounts = cluster_.AccountUsernames(PartitionForUsername("bob", 3));
  ASSERT_EQ(accounts.size(), 1u);
  EXPECT_EQ(accounts[0], "bob");
}

TEST_F(UsernameTest, InvalidNamesCarryReasons) {
  struct Case {
    std::string username;
    std::string reason;
  };
  const Case cases[] = {
      {"", "EMPTY"},
      // Superscript modifier letters spelling BIGBIRD.
      {"\xe1\xb4\xae\xe1\xb4\xb5\xe1\xb4\xb3\xe1\xb4\xae\xe1\xb4\xb5\xe1\xb4\xbf\xe1\xb4\xb0",
       "DISALLOWED_CHARACTER"},
      // Latin "p", Cyrillic "а", Latin "ypal".
      {"p\xd0\xb0ypal", "MIXED_SCRIPT"},
      {std::string(41, 'a'), "TOO_LONG"},
      {"bob\xe2\x80\xaesmith", "DISALLOWED_CHARACTER"},
      // Invalid UTF-8 cannot travel in a proto3 string field: the client's
      // serializer refuses it. The canonicalizer's unit tests cover it.
  };
  for (const Case& test_case : cases) {
    SCOPED_TRACE(absl::CHexEscape(test_case.username));
    const SignupResult result = CallSignup(*stub_, test_case.username);
    EXPECT_EQ(result.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << result.status.error_message();
    EXPECT_FALSE(result.accepted.has_value());
    EXPECT_EQ(BadRequestReason(result.status), test_case.reason)
        << result.status.error_message();
    EXPECT_FALSE(result.status.error_message().empty());
  }
  for (int32_t partition = 0; partition < 3; ++partition) {
    EXPECT_TRUE(cluster_.StoredDecisions(partition).empty());
  }
}

TEST_F(UsernameTest, WorkerRejectsForeignPolicyAndAliases) {
  auto producer = KafkaProducer::Create({.brokers = testing::Brokers()});
  ASSERT_TRUE(producer.ok()) << producer.status();

  // A request from a gateway with another policy, and one whose username is
  // not canonical, as a gateway with an older Unicode version might send.
  const std::string canonical = "carol";
  const std::string alias = "Carol";
  kafka::v1::SignupRequested foreign_policy;
  foreign_policy.set_request_id("foreign-policy-1");
  foreign_policy.set_username(canonical);
  foreign_policy.set_username_policy("ascii");
  kafka::v1::SignupRequested not_canonical;
  not_canonical.set_request_id("not-canonical-1");
  not_canonical.set_username(alias);
  not_canonical.set_username_policy("precis");

  ASSERT_TRUE((*producer)
                  ->Produce(cluster_.topics().request, PartitionForUsername(canonical, 3),
                            canonical, foreign_policy.SerializeAsString(),
                            [](const DeliveryReport&) {})
                  .ok());
  ASSERT_TRUE((*producer)
                  ->Produce(cluster_.topics().request, PartitionForUsername(alias, 3), alias,
                            not_canonical.SerializeAsString(), [](const DeliveryReport&) {})
                  .ok());
  ASSERT_TRUE((*producer)->Flush(absl::Seconds(30)).ok());

  // A valid claim of the same name afterwards still creates the account.
  const SignupResult valid = CallSignup(*stub_, canonical);
  ASSERT_TRUE(valid.outcome.has_value()) << valid.status.error_message();
  EXPECT_EQ(valid.outcome->outcome(), v1::OUTCOME_CREATED);

  const auto decisions = cluster_.StoredDecisions(PartitionForUsername(canonical, 3));
  ASSERT_GE(decisions.size(), 2u);
  EXPECT_EQ(decisions[0].request_id, "foreign-policy-1");
  EXPECT_EQ(decisions[0].outcome, "rejected");
  EXPECT_TRUE(absl::StrContains(decisions[0].reason, "policy mismatch")) << decisions[0].reason;

  const auto alias_decisions = cluster_.StoredDecisions(PartitionForUsername(alias, 3));
  bool alias_rejected = false;
  for (const auto& decision : alias_decisions) {
    if (decision.request_id != "not-canonical-1") continue;
    alias_rejected = decision.outcome == "rejected" &&
                     absl::StrContains(decision.reason, "not canonical");
  }
  EXPECT_TRUE(alias_rejected);
  for (int32_t partition = 0; partition < 3; ++partition) {
    for (const std::string& username : cluster_.AccountUsernames(partition)) {
      EXPECT_NE(username, alias);
    }
  }
}

TEST_F(UsernameTest, WorkerRefusesAnotherPolicy) {
  // Partition 0's database has recorded the precis policy.
  cluster_.StopWorker(0, SIGTERM);
  absl::StatusOr<std::unique_ptr<testing::Subprocess>> worker =
      cluster_.StartWorkerProcess(0, {"--username-policy=ascii"});
  ASSERT_TRUE(worker.ok()) << worker.status();
  const std::optional<int> status = (*worker)->Wait(absl::Seconds(60));
  ASSERT_TRUE(status.has_value()) << "the worker kept running under another policy";
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_NE(WEXITSTATUS(*status), 0);
  const std::string log = testing::TailOfFile((*worker)->log_path());
  EXPECT_TRUE(absl::StrContains(log, "--username-policy=precis")) << log;
}

}  // namespace
}  // namespace signup
