#include "clients/signup-ctl/output.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "signup/v1/signup.pb.h"

namespace signup::ctl {
namespace {

signup::v1::Decision MakeDecision(signup::v1::Outcome outcome) {
  signup::v1::Decision decision;
  decision.set_request_id("2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3");
  decision.set_username("alice");
  decision.set_partition(3);
  decision.set_offset(1042);
  decision.set_outcome(outcome);
  return decision;
}

TEST(FormatDecisionText, Created) {
  signup::v1::Decision decision = MakeDecision(signup::v1::OUTCOME_CREATED);
  decision.set_account_id("2Cq9kXd1Ef3gH5jK7lM9nP1qR3s");

  EXPECT_EQ(FormatDecisionText(decision),
            "3:1042 2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 alice ✅");
}

TEST(FormatDecisionText, UsernameTaken) {
  EXPECT_EQ(FormatDecisionText(MakeDecision(signup::v1::OUTCOME_USERNAME_TAKEN)),
            "3:1042 2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 alice ❌");
}

TEST(FormatDecisionText, ReplayNamesTheOriginalRequest) {
  signup::v1::Decision created = MakeDecision(signup::v1::OUTCOME_CREATED);
  created.set_replay(true);
  created.set_original_offset(1000);
  EXPECT_EQ(FormatDecisionText(created),
            "3:1042 2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 alice ✅ replay of 3:1000");

  signup::v1::Decision taken = MakeDecision(signup::v1::OUTCOME_USERNAME_TAKEN);
  taken.set_replay(true);
  taken.set_original_offset(7);
  EXPECT_EQ(FormatDecisionText(taken),
            "3:1042 2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 alice ❌ replay of 3:7");
}

TEST(FormatDecisionText, RejectedAppendsReason) {
  signup::v1::Decision decision = MakeDecision(signup::v1::OUTCOME_REJECTED);
  decision.set_reason("payload could not be decoded");

  EXPECT_EQ(FormatDecisionText(decision),
            "3:1042 2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 alice ❌ payload could not be "
            "decoded");
}

TEST(FormatDecisionText, RejectedWithoutReason) {
  EXPECT_EQ(FormatDecisionText(MakeDecision(signup::v1::OUTCOME_REJECTED)),
            "3:1042 2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 alice ❌");
}

TEST(FormatDecisionText, UnspecifiedOutcomeNamed) {
  EXPECT_EQ(FormatDecisionText(MakeDecision(signup::v1::OUTCOME_UNSPECIFIED)),
            "3:1042 2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 alice ❌ unrecognized outcome "
            "OUTCOME_UNSPECIFIED");
}

TEST(FormatDecisionText, UnknownOutcomeNumber) {
  // Proto3 enums are open, so a newer gateway can send a value unknown here.
  signup::v1::Decision decision =
      MakeDecision(static_cast<signup::v1::Outcome>(17));

  EXPECT_EQ(FormatDecisionText(decision),
            "3:1042 2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 alice ❌ unrecognized outcome "
            "17");
}

TEST(FormatDecisionText, LargeOffset) {
  signup::v1::Decision decision = MakeDecision(signup::v1::OUTCOME_CREATED);
  decision.set_offset(9007199254740993);  // above 2^53

  EXPECT_EQ(FormatDecisionText(decision),
            "3:9007199254740993 2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 alice ✅");
}

// Checks that `json` is one line and contains each of `members`, which are
// "key":value pairs. The printer's member order is not part of its contract:
// protobuf 3.21 puts fields with default values after the others.
void ExpectJsonMembers(const std::string& json,
                       const std::vector<std::string>& members) {
  EXPECT_EQ(json.find('\n'), std::string::npos) << json;
  EXPECT_EQ(json.front(), '{') << json;
  EXPECT_EQ(json.back(), '}') << json;
  for (const std::string& member : members) {
    EXPECT_NE(json.find(member), std::string::npos)
        << "missing " << member << " in " << json;
  }
}

TEST(FormatDecisionJson, PrintsDefaultsWithProtoNames) {
  signup::v1::Decision decision =
      MakeDecision(signup::v1::OUTCOME_USERNAME_TAKEN);

  absl::StatusOr<std::string> json = FormatDecisionJson(decision);

  ASSERT_TRUE(json.ok()) << json.status();
  // int64 fields are strings in protobuf's JSON mapping.
  ExpectJsonMembers(*json, {
                               R"("request_id":"2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3")",
                               R"("username":"alice")",
                               R"("partition":3)",
                               R"("offset":"1042")",
                               R"("outcome":"OUTCOME_USERNAME_TAKEN")",
                               R"("account_id":"")",
                               R"("reason":"")",
                           });
  // decided_at is a message field, so it is left out while unset.
  EXPECT_EQ(json->find("decided_at"), std::string::npos) << *json;
}

TEST(FormatDecisionJson, PrintsDecidedAtAndAccount) {
  signup::v1::Decision decision = MakeDecision(signup::v1::OUTCOME_CREATED);
  decision.set_account_id("2Cq9kXd1Ef3gH5jK7lM9nP1qR3s");
  decision.mutable_decided_at()->set_seconds(1767225600);  // 2026-01-01
  decision.mutable_decided_at()->set_nanos(500000000);

  absl::StatusOr<std::string> json = FormatDecisionJson(decision);

  ASSERT_TRUE(json.ok()) << json.status();
  ExpectJsonMembers(*json, {
                               R"("outcome":"OUTCOME_CREATED")",
                               R"("account_id":"2Cq9kXd1Ef3gH5jK7lM9nP1qR3s")",
                               R"("decided_at":"2026-01-01T00:00:00.500Z")",
                           });
}

TEST(FormatDecisionJson, RoundTripsThroughParser) {
  signup::v1::Decision decision = MakeDecision(signup::v1::OUTCOME_REJECTED);
  decision.set_reason("payload could not be decoded");
  decision.mutable_decided_at()->set_seconds(1767225600);

  absl::StatusOr<std::string> json = FormatDecisionJson(decision);
  ASSERT_TRUE(json.ok()) << json.status();

  signup::v1::Decision parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &parsed).ok())
      << *json;
  EXPECT_EQ(parsed.SerializeAsString(), decision.SerializeAsString()) << *json;
}

TEST(FormatDecisionJson, EscapesReason) {
  signup::v1::Decision decision = MakeDecision(signup::v1::OUTCOME_REJECTED);
  decision.set_reason("bad \"name\"\n");

  absl::StatusOr<std::string> json = FormatDecisionJson(decision);

  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_NE(json->find(R"("reason":"bad \"name\"\n")"), std::string::npos)
      << *json;
  EXPECT_EQ(json->find('\n'), std::string::npos) << *json;
}

TEST(FormatInvalidJson, NamesReason) {
  const std::string json = FormatInvalidJson(
      "bob!", absl::InvalidArgumentError("DISALLOWED_CHARACTER: no '!'"));

  EXPECT_EQ(json.find('\n'), std::string::npos) << json;
  EXPECT_NE(json.find(R"("username":"bob!")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("outcome":"INVALID_ARGUMENT")"), std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("reason":"DISALLOWED_CHARACTER: no '!'")"),
            std::string::npos)
      << json;
}

TEST(FormatCallError, NamesCodeAndMessage) {
  EXPECT_EQ(FormatCallError("alice",
                            absl::UnavailableError("Kafka did not acknowledge")),
            "ERROR alice: UNAVAILABLE: Kafka did not acknowledge");
  EXPECT_EQ(FormatCallError("bob", absl::DeadlineExceededError("")),
            "ERROR bob: DEADLINE_EXCEEDED: ");
  EXPECT_EQ(FormatCallError("carol", absl::InvalidArgumentError("too long")),
            "ERROR carol: INVALID_ARGUMENT: too long");
}

}  // namespace
}  // namespace signup::ctl
