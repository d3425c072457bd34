// The record file format and the verifier's checks on hand-built records
// and database rows, one violation per case.
#include "clients/signup-load/verifier.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "clients/signup-load/record_file.h"
#include "clients/signup-load/workload.h"
#include "gtest/gtest.h"
#include "services/common/partitioner.h"

namespace signup::load {
namespace {

constexpr int32_t kPartitions = 3;

// Returns a username of `partition`, so that its account belongs there.
std::string UsernameOf(int32_t partition, int n) {
  for (int i = 0;; ++i) {
    std::string name = absl::StrCat("user", n, "x", i);
    if (PartitionForUsername(name, kPartitions) == partition) return name;
  }
}

// A consistent run on partition 0: claim 0 creates `name`, claim 1 (a
// duplicate) finds it taken, claim 2 retries claim 0 and gets a replay.
struct Fixture {
  std::string name = UsernameOf(0, 1);
  RecordFile record;
  DatabaseSnapshot snapshot;

  Fixture() {
    record.header.requests = 3;
    record.attempts = {Attempt(0, "first", "r0", 0, "created", "A0", false, 0),
                       Attempt(1, "duplicate", "r1", 1, "username_taken", "", false, 1),
                       Attempt(2, "retry", "r0", 2, "created", "A0", true, 0)};
    snapshot.owners = {0, 1, 2};
    snapshot.decisions = {Row(0, "r0", "created", "A0", std::nullopt),
                          Row(1, "r1", "username_taken", "", std::nullopt),
                          Row(2, "r0", "created", "A0", 0)};
    snapshot.accounts = {AccountRow{0, "A0", name, "r0", 0, 0}};
  }

  AttemptRecord Attempt(int64_t claim, const std::string& kind, const std::string& request_id,
                        int64_t offset, const std::string& outcome,
                        const std::string& account_id, bool replay, int64_t original_offset) {
    AttemptRecord attempt;
    attempt.claim = claim;
    attempt.kind = kind;
    attempt.request_id = request_id;
    attempt.username = name;
    attempt.attempt = 1;
    attempt.gateway = "127.0.0.1:1";
    attempt.status = "OK";
    attempt.accepted = true;
    attempt.partition = 0;
    attempt.offset = offset;
    attempt.decided = true;
    attempt.outcome = outcome;
    attempt.account_id = account_id;
    attempt.replay = replay;
    attempt.original_offset = original_offset;
    attempt.decision_partition = 0;
    attempt.decision_offset = offset;
    return attempt;
  }

  DecisionRow Row(int64_t offset, const std::string& request_id, const std::string& outcome,
                  const std::string& account_id, std::optional<int64_t> replay_of_offset) {
    return DecisionRow{0, 0, offset, request_id, name, outcome, account_id, replay_of_offset};
  }
};

// Returns true when some violation contains `text`.
bool HasViolation(const VerifyReport& report, const std::string& text) {
  for (const std::string& violation : report.violations) {
    if (absl::StrContains(violation, text)) return true;
  }
  return false;
}

TEST(RecordFile, LineRoundTrip) {
  AttemptRecord record;
  record.claim = 7;
  record.kind = "retry";
  record.request_id = "load-x-7";
  record.username = "tab\there";
  record.attempt = 2;
  record.gateway = "127.0.0.1:5";
  record.status = "UNAVAILABLE";
  record.error_message = "line one\nline two\\";
  record.accepted = true;
  record.partition = 2;
  record.offset = 99;
  record.elapsed_ms = 12;

  const std::string line = FormatRecordLine(record);
  EXPECT_FALSE(absl::StrContains(line, "\n"));
  const absl::StatusOr<AttemptRecord> parsed = ParseRecordLine(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->username, record.username);
  EXPECT_EQ(parsed->error_message, record.error_message);
  EXPECT_EQ(parsed->offset, 99);
  EXPECT_TRUE(parsed->accepted);
  EXPECT_FALSE(parsed->decided);
  EXPECT_EQ(parsed->decision_offset, -1);
}

TEST(RecordFile, RejectsShortLine) {
  EXPECT_FALSE(ParseRecordLine("1\tfirst\tr").ok());
}

TEST(Workload, SharesAndReferences) {
  const absl::StatusOr<std::vector<Claim>> claims =
      GenerateWorkload({.requests = 1000, .duplicate_share = 0.3, .retry_share = 0.2, .seed = 5});
  ASSERT_TRUE(claims.ok()) << claims.status();
  int duplicates = 0;
  int retries = 0;
  for (const Claim& claim : *claims) {
    if (claim.kind == ClaimKind::kFirst) continue;
    ASSERT_GE(claim.original, 0);
    ASSERT_LT(claim.original, claim.index);
    const Claim& original = (*claims)[claim.original];
    EXPECT_EQ(claim.username, original.username);
    if (claim.kind == ClaimKind::kDuplicate) {
      ++duplicates;
      EXPECT_NE(claim.request_id, original.request_id);
    } else {
      ++retries;
      EXPECT_EQ(claim.request_id, original.request_id);
      EXPECT_NE(original.kind, ClaimKind::kRetry);
    }
  }
  EXPECT_EQ(duplicates, 300);
  EXPECT_EQ(retries, 200);
  EXPECT_EQ((*claims)[0].kind, ClaimKind::kFirst);
}

TEST(Workload, RejectsSharesWithoutFirstClaims) {
  EXPECT_FALSE(GenerateWorkload({.requests = 10, .duplicate_share = 0.6, .retry_share = 0.4}).ok());
}

TEST(Verifier, ConsistentRunPasses) {
  Fixture fixture;
  const VerifyReport report = Verify(fixture.record, fixture.snapshot);
  EXPECT_TRUE(report.violations.empty()) << report.violations.front();
  EXPECT_EQ(report.ClosingLine(),
            "chaos: requests=3 acknowledged=3 decisions=3 duplicates=1 retries=1 replays=1 "
            "accounts=1 violations=0");
}

TEST(Verifier, SecondAccountForUsername) {
  Fixture fixture;
  fixture.snapshot.accounts.push_back(AccountRow{1, "B0", fixture.name, "r9", 1, 0});
  EXPECT_TRUE(HasViolation(Verify(fixture.record, fixture.snapshot), "has 2 accounts"));
}

TEST(Verifier, AcknowledgedRequestWithoutDecision) {
  Fixture fixture;
  AttemptRecord lost = fixture.Attempt(1, "duplicate", "r1", 5, "", "", false, -1);
  lost.decided = false;
  lost.status = "UNAVAILABLE";
  fixture.record.attempts.push_back(lost);
  EXPECT_TRUE(HasViolation(Verify(fixture.record, fixture.snapshot), "0:5 of claim 1"));
}

TEST(Verifier, ReplayWithAnotherOutcome) {
  Fixture fixture;
  fixture.record.attempts[2].outcome = "username_taken";
  fixture.record.attempts[2].account_id = "";
  fixture.snapshot.decisions[2].outcome = "username_taken";
  fixture.snapshot.decisions[2].account_id = "";
  const VerifyReport report = Verify(fixture.record, fixture.snapshot);
  EXPECT_TRUE(HasViolation(report, "does not repeat the decision"));
  EXPECT_TRUE(HasViolation(report, "but the first decision of the pair is created"));
}

TEST(Verifier, LaterClaimCreatedTheAccount) {
  Fixture fixture;
  fixture.snapshot.decisions[0].outcome = "username_taken";
  fixture.snapshot.decisions[0].account_id = "";
  fixture.snapshot.decisions[1].outcome = "created";
  fixture.snapshot.decisions[1].account_id = "A0";
  fixture.snapshot.accounts[0].request_id = "r1";
  fixture.snapshot.accounts[0].request_offset = 1;
  EXPECT_TRUE(HasViolation(Verify(fixture.record, fixture.snapshot), "the first claim at 0:0"));
}

TEST(Verifier, RecordedOutcomeDiffersFromDatabase) {
  Fixture fixture;
  fixture.record.attempts[1].outcome = "created";
  EXPECT_TRUE(HasViolation(Verify(fixture.record, fixture.snapshot),
                           "but the database stores username_taken"));
}

TEST(Verifier, OutcomeForAnotherOffset) {
  Fixture fixture;
  fixture.record.attempts[1].decision_offset = 0;
  EXPECT_TRUE(HasViolation(Verify(fixture.record, fixture.snapshot), "but its outcome is for 0:0"));
}

TEST(Verifier, ClaimWithoutOutcome) {
  Fixture fixture;
  fixture.record.header.requests = 4;
  EXPECT_TRUE(HasViolation(Verify(fixture.record, fixture.snapshot),
                           "claim 3 has no recorded attempt"));
}

TEST(Verifier, AccountInWrongDatabase) {
  Fixture fixture;
  fixture.snapshot.accounts[0].database = 1;
  EXPECT_TRUE(HasViolation(Verify(fixture.record, fixture.snapshot),
                           "belongs to partition 0"));
}

}  // namespace
}  // namespace signup::load
