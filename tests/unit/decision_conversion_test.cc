#include "services/gateway/decision_conversion.h"

#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "signup/kafka/v1/messages.pb.h"
#include "signup/v1/signup.pb.h"

namespace signup {
namespace {

kafka::v1::SignupDecided CreatedMessage() {
  kafka::v1::SignupDecided message;
  message.set_request_id("request-1");
  message.set_username("j\xc3\xbcrgen");
  message.set_partition(2);
  message.set_request_offset(41);
  message.set_outcome(kafka::v1::OUTCOME_CREATED);
  message.set_account_id("0ujtsYcgvSTl8PAuAdqWYSMnLOv");
  message.mutable_decided_at()->set_seconds(1700000000);
  message.mutable_decided_at()->set_nanos(123456000);
  return message;
}

TEST(ToApiDecisionTest, CopiesEveryField) {
  kafka::v1::SignupDecided message = CreatedMessage();
  message.set_reason("a reason");
  const v1::Decision decision = ToApiDecision(message);
  EXPECT_EQ(decision.request_id(), "request-1");
  EXPECT_EQ(decision.username(), "j\xc3\xbcrgen");
  EXPECT_EQ(decision.partition(), 2);
  EXPECT_EQ(decision.offset(), 41);
  EXPECT_EQ(decision.outcome(), v1::OUTCOME_CREATED);
  EXPECT_EQ(decision.account_id(), "0ujtsYcgvSTl8PAuAdqWYSMnLOv");
  EXPECT_EQ(decision.decided_at().seconds(), 1700000000);
  EXPECT_EQ(decision.decided_at().nanos(), 123456000);
  EXPECT_EQ(decision.reason(), "a reason");
}

TEST(ToApiDecisionTest, MapsEveryOutcome) {
  const std::pair<kafka::v1::Outcome, v1::Outcome> cases[] = {
      {kafka::v1::OUTCOME_UNSPECIFIED, v1::OUTCOME_UNSPECIFIED},
      {kafka::v1::OUTCOME_CREATED, v1::OUTCOME_CREATED},
      {kafka::v1::OUTCOME_USERNAME_TAKEN, v1::OUTCOME_USERNAME_TAKEN},
      {kafka::v1::OUTCOME_REJECTED, v1::OUTCOME_REJECTED},
  };
  for (const auto& [kafka_outcome, api_outcome] : cases) {
    kafka::v1::SignupDecided message = CreatedMessage();
    message.set_outcome(kafka_outcome);
    EXPECT_EQ(ToApiDecision(message).outcome(), api_outcome)
        << kafka::v1::Outcome_Name(kafka_outcome);
  }
}

TEST(ToApiDecisionTest, UnknownOutcomeUnspecified) {
  // A newer worker may send an outcome that this gateway does not know.
  kafka::v1::SignupDecided message = CreatedMessage();
  message.set_outcome(static_cast<kafka::v1::Outcome>(99));
  EXPECT_EQ(ToApiDecision(message).outcome(), v1::OUTCOME_UNSPECIFIED);
}

TEST(DecodeDecisionTest, DecodesPayload) {
  absl::StatusOr<v1::Decision> decision =
      DecodeDecision(CreatedMessage().SerializeAsString());
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_EQ(decision->request_id(), "request-1");
  EXPECT_EQ(decision->username(), "j\xc3\xbcrgen");
  EXPECT_EQ(decision->partition(), 2);
  EXPECT_EQ(decision->offset(), 41);
  EXPECT_EQ(decision->outcome(), v1::OUTCOME_CREATED);
  EXPECT_EQ(decision->account_id(), "0ujtsYcgvSTl8PAuAdqWYSMnLOv");
  EXPECT_EQ(decision->decided_at().seconds(), 1700000000);
  EXPECT_EQ(decision->decided_at().nanos(), 123456000);
}

TEST(DecodeDecisionTest, DecodesRejection) {
  kafka::v1::SignupDecided message;
  message.set_request_id("request-2");
  message.set_outcome(kafka::v1::OUTCOME_REJECTED);
  message.set_reason("undecodable payload");
  absl::StatusOr<v1::Decision> decision = DecodeDecision(message.SerializeAsString());
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_EQ(decision->outcome(), v1::OUTCOME_REJECTED);
  EXPECT_EQ(decision->reason(), "undecodable payload");
  EXPECT_EQ(decision->account_id(), "");
}

TEST(DecodeDecisionTest, IgnoresUnknownFields) {
  // Fields are only ever added, so a newer worker's payload must decode.
  std::string payload = CreatedMessage().SerializeAsString();
  payload += std::string("\xa0\x06\x01", 3);  // field 100, varint 1
  absl::StatusOr<v1::Decision> decision = DecodeDecision(payload);
  ASSERT_TRUE(decision.ok()) << decision.status();
  EXPECT_EQ(decision->request_id(), "request-1");
}

TEST(DecodeDecisionTest, EmptyPayloadInvalid) {
  EXPECT_EQ(DecodeDecision("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DecodeDecisionTest, GarbageInvalid) {
  EXPECT_EQ(DecodeDecision("\xff\xff\xff").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DecodeDecisionTest, TruncatedPayloadInvalid) {
  const std::string payload = CreatedMessage().SerializeAsString();
  EXPECT_EQ(DecodeDecision(payload.substr(0, payload.size() - 3)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DecodeDecisionTest, MissingRequestIdInvalid) {
  kafka::v1::SignupDecided message = CreatedMessage();
  message.clear_request_id();
  EXPECT_EQ(DecodeDecision(message.SerializeAsString()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace signup
