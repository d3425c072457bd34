#include <string>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "services/common/request_id.h"
#include "services/common/username.h"
#include "services/gateway/decision_conversion.h"
#include "services/worker/decision.h"
#include "signup/kafka/v1/messages.pb.h"

namespace signup {
namespace {

// Returns a request the way a gateway produces it, keyed by its username.
ConsumedRequest Consumed(const std::string& request_id, const std::string& username,
                         int32_t partition = 1, int64_t offset = 17) {
  kafka::v1::SignupRequested message;
  message.set_request_id(request_id);
  message.set_username(username);
  message.mutable_requested_at()->set_seconds(1700000000);
  message.set_gateway_id("gateway-a");
  return {.partition = partition,
          .offset = offset,
          .key = username,
          .payload = message.SerializeAsString()};
}

TEST(CheckRequestTest, ValidClaim) {
  const CheckedRequest checked = CheckRequest(Consumed("request-1", "alice", 2, 99));
  EXPECT_TRUE(checked.is_claim()) << checked.rejection_reason;
  EXPECT_EQ(checked.rejection_reason, "");
  EXPECT_EQ(checked.partition, 2);
  EXPECT_EQ(checked.offset, 99);
  EXPECT_EQ(checked.request_id, "request-1");
  EXPECT_EQ(checked.username, "alice");
}

TEST(CheckRequestTest, ValidMultibyteClaim) {
  const CheckedRequest checked = CheckRequest(Consumed("request-1", "j\xc3\xbcrgen"));
  EXPECT_TRUE(checked.is_claim()) << checked.rejection_reason;
  EXPECT_EQ(checked.username, "j\xc3\xbcrgen");
}

TEST(CheckRequestTest, UndecodablePayloadRejected) {
  ConsumedRequest request = Consumed("request-1", "alice", 0, 5);
  request.payload = "\xff\xff\xff";
  const CheckedRequest checked = CheckRequest(request);
  EXPECT_FALSE(checked.is_claim());
  EXPECT_TRUE(absl::StrContains(checked.rejection_reason, "undecodable"))
      << checked.rejection_reason;
  EXPECT_EQ(checked.username, "alice");
  EXPECT_EQ(checked.request_id, "");
  EXPECT_EQ(checked.partition, 0);
  EXPECT_EQ(checked.offset, 5);
}

TEST(CheckRequestTest, KeyDiffersRejected) {
  ConsumedRequest request = Consumed("request-1", "alice");
  request.key = "mallory";
  const CheckedRequest checked = CheckRequest(request);
  EXPECT_FALSE(checked.is_claim());
  EXPECT_TRUE(absl::StrContains(checked.rejection_reason, "mallory"))
      << checked.rejection_reason;
  EXPECT_EQ(checked.username, "alice");
  EXPECT_EQ(checked.request_id, "request-1");
}

TEST(CheckRequestTest, EmptyKeyRejected) {
  ConsumedRequest request = Consumed("request-1", "alice");
  request.key = "";
  EXPECT_FALSE(CheckRequest(request).is_claim());
}

TEST(CheckRequestTest, InvalidUsernameRejected) {
  const CheckedRequest checked = CheckRequest(Consumed("request-1", "al ice"));
  EXPECT_FALSE(checked.is_claim());
  EXPECT_EQ(checked.rejection_reason, ValidateUsername("al ice").message());
  EXPECT_EQ(checked.username, "al ice");
}

TEST(CheckRequestTest, EmptyUsernameRejected) {
  const CheckedRequest checked = CheckRequest(Consumed("request-1", ""));
  EXPECT_FALSE(checked.is_claim());
  EXPECT_EQ(checked.rejection_reason, ValidateUsername("").message());
}

TEST(CheckRequestTest, LongUsernameRejected) {
  const std::string username(kMaxUsernameCodePoints + 1, 'x');
  EXPECT_FALSE(CheckRequest(Consumed("request-1", username)).is_claim());
}

TEST(CheckRequestTest, InvalidRequestIdRejected) {
  const CheckedRequest checked = CheckRequest(Consumed("bad id", "alice"));
  EXPECT_FALSE(checked.is_claim());
  EXPECT_EQ(checked.rejection_reason, ValidateRequestId("bad id").message());
  EXPECT_EQ(checked.request_id, "bad id");
  EXPECT_EQ(checked.username, "alice");
}

TEST(CheckRequestTest, EmptyRequestIdRejected) {
  EXPECT_FALSE(CheckRequest(Consumed("", "alice")).is_claim());
}

TEST(CheckRequestTest, InvalidUtf8KeyStoredEscaped) {
  ConsumedRequest request = Consumed("request-1", "alice");
  request.key = "bad\xff\xfe";
  request.payload = "\xff";
  const CheckedRequest checked = CheckRequest(request);
  EXPECT_FALSE(checked.is_claim());
  EXPECT_TRUE(IsStorableText(checked.username)) << checked.username;
  EXPECT_EQ(checked.username, "bad\\xff\\xfe");
  EXPECT_TRUE(IsStorableText(checked.rejection_reason)) << checked.rejection_reason;
}

TEST(CheckRequestTest, InvalidUtf8KeyInReasonEscaped) {
  ConsumedRequest request = Consumed("request-1", "alice");
  request.key = "bad\xff";
  const CheckedRequest checked = CheckRequest(request);
  EXPECT_FALSE(checked.is_claim());
  EXPECT_TRUE(IsStorableText(checked.rejection_reason)) << checked.rejection_reason;
}

TEST(CheckRequestTest, NulInUsernameStoredEscaped) {
  const std::string username("al\0ice", 6);
  const CheckedRequest checked = CheckRequest(Consumed("request-1", username));
  EXPECT_FALSE(checked.is_claim());
  EXPECT_TRUE(IsStorableText(checked.username)) << checked.username;
  EXPECT_NE(checked.username, username);
  EXPECT_TRUE(IsStorableText(checked.rejection_reason)) << checked.rejection_reason;
}

TEST(CheckRequestTest, NulInRequestIdStoredEscaped) {
  const std::string request_id("id\0x", 4);
  const CheckedRequest checked = CheckRequest(Consumed(request_id, "alice"));
  EXPECT_FALSE(checked.is_claim());
  EXPECT_TRUE(IsStorableText(checked.request_id)) << checked.request_id;
  EXPECT_TRUE(IsStorableText(checked.rejection_reason)) << checked.rejection_reason;
}

TEST(RequestEncodingTest, SignupRequestedRoundTrips) {
  kafka::v1::SignupRequested sent;
  sent.set_request_id("request-1");
  sent.set_username("j\xc3\xbcrgen");
  sent.mutable_requested_at()->set_seconds(1700000000);
  sent.mutable_requested_at()->set_nanos(5000);
  sent.set_gateway_id("gateway-a");

  kafka::v1::SignupRequested received;
  ASSERT_TRUE(received.ParseFromString(sent.SerializeAsString()));
  EXPECT_EQ(received.request_id(), "request-1");
  EXPECT_EQ(received.username(), "j\xc3\xbcrgen");
  EXPECT_EQ(received.requested_at().seconds(), 1700000000);
  EXPECT_EQ(received.requested_at().nanos(), 5000);
  EXPECT_EQ(received.gateway_id(), "gateway-a");
}

TEST(OutcomeNameTest, NamesEveryOutcome) {
  EXPECT_EQ(OutcomeName(Outcome::kCreated), "created");
  EXPECT_EQ(OutcomeName(Outcome::kUsernameTaken), "username_taken");
  EXPECT_EQ(OutcomeName(Outcome::kRejected), "rejected");
}

TEST(OutcomeNameTest, RoundTripsEveryOutcome) {
  for (Outcome outcome : {Outcome::kCreated, Outcome::kUsernameTaken, Outcome::kRejected}) {
    EXPECT_EQ(OutcomeFromName(OutcomeName(outcome)), outcome) << OutcomeName(outcome);
  }
}

TEST(OutcomeNameTest, UnknownNameIsRejected) {
  EXPECT_EQ(OutcomeFromName("approved"), Outcome::kRejected);
  EXPECT_EQ(OutcomeFromName(""), Outcome::kRejected);
  EXPECT_EQ(OutcomeFromName("Created"), Outcome::kRejected);
}

Decision CreatedDecision() {
  return {.partition = 2,
          .offset = 41,
          .request_id = "request-1",
          .username = "j\xc3\xbcrgen",
          .outcome = Outcome::kCreated,
          .account_id = "0ujtsYcgvSTl8PAuAdqWYSMnLOv",
          .reason = "",
          .decided_at = absl::FromUnixMicros(1700000000123456)};
}

TEST(ToKafkaMessageTest, CopiesEveryField) {
  Decision decision = CreatedDecision();
  decision.reason = "a reason";
  const kafka::v1::SignupDecided message = ToKafkaMessage(decision);
  EXPECT_EQ(message.request_id(), "request-1");
  EXPECT_EQ(message.username(), "j\xc3\xbcrgen");
  EXPECT_EQ(message.partition(), 2);
  EXPECT_EQ(message.request_offset(), 41);
  EXPECT_EQ(message.outcome(), kafka::v1::OUTCOME_CREATED);
  EXPECT_EQ(message.account_id(), "0ujtsYcgvSTl8PAuAdqWYSMnLOv");
  EXPECT_EQ(message.decided_at().seconds(), 1700000000);
  EXPECT_EQ(message.decided_at().nanos(), 123456000);
  EXPECT_EQ(message.reason(), "a reason");
}

TEST(ToKafkaMessageTest, MapsEveryOutcome) {
  const std::pair<Outcome, kafka::v1::Outcome> cases[] = {
      {Outcome::kCreated, kafka::v1::OUTCOME_CREATED},
      {Outcome::kUsernameTaken, kafka::v1::OUTCOME_USERNAME_TAKEN},
      {Outcome::kRejected, kafka::v1::OUTCOME_REJECTED},
  };
  for (const auto& [outcome, kafka_outcome] : cases) {
    Decision decision = CreatedDecision();
    decision.outcome = outcome;
    EXPECT_EQ(ToKafkaMessage(decision).outcome(), kafka_outcome) << OutcomeName(outcome);
  }
}

TEST(DecisionEncodingTest, GatewayDecodesEveryField) {
  // The worker encodes the decision and the gateway decodes it, so the
  // caller sees what the worker stored.
  Decision decision = CreatedDecision();
  decision.reason = "a reason";
  absl::StatusOr<v1::Decision> decoded =
      DecodeDecision(ToKafkaMessage(decision).SerializeAsString());
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_EQ(decoded->request_id(), decision.request_id);
  EXPECT_EQ(decoded->username(), decision.username);
  EXPECT_EQ(decoded->partition(), decision.partition);
  EXPECT_EQ(decoded->offset(), decision.offset);
  EXPECT_EQ(decoded->outcome(), v1::OUTCOME_CREATED);
  EXPECT_EQ(decoded->account_id(), decision.account_id);
  EXPECT_EQ(decoded->reason(), decision.reason);
  EXPECT_EQ(absl::FromUnixSeconds(decoded->decided_at().seconds()) +
                absl::Nanoseconds(decoded->decided_at().nanos()),
            decision.decided_at);
}

TEST(DecisionEncodingTest, GatewayDecodesEveryOutcome) {
  const std::pair<Outcome, v1::Outcome> cases[] = {
      {Outcome::kCreated, v1::OUTCOME_CREATED},
      {Outcome::kUsernameTaken, v1::OUTCOME_USERNAME_TAKEN},
      {Outcome::kRejected, v1::OUTCOME_REJECTED},
  };
  for (const auto& [outcome, api_outcome] : cases) {
    Decision decision = CreatedDecision();
    decision.outcome = outcome;
    absl::StatusOr<v1::Decision> decoded =
        DecodeDecision(ToKafkaMessage(decision).SerializeAsString());
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->outcome(), api_outcome) << OutcomeName(outcome);
  }
}

}  // namespace
}  // namespace signup
