// PostgresPartitionStore against the suite's real PostgreSQL servers, each
// test on a fresh database migrated for partition 3.
#include "services/worker/postgres_partition_store.h"

#include <pqxx/pqxx>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "services/common/ksuid.h"
#include "services/common/schema.h"
#include "services/worker/decision.h"
#include "signup/kafka/v1/messages.pb.h"
#include "tests/support/test_environment.h"

namespace signup {
namespace {

using testing::TemporaryDatabase;

constexpr int32_t kPartition = 3;

// A valid claim; its request id is unique per offset unless given.
CheckedRequest Claim(int64_t offset, const std::string& username,
                     const std::string& request_id = "") {
  return {.partition = kPartition,
          .offset = offset,
          .request_id = request_id.empty() ? absl::StrCat("request-", offset) : request_id,
          .username = username};
}

CheckedRequest Rejection(int64_t offset, const std::string& reason) {
  return {.partition = kPartition,
          .offset = offset,
          .request_id = absl::StrCat("request-", offset),
          .username = "bad name",
          .rejection_reason = reason};
}

std::vector<int64_t> OffsetsOf(const std::vector<Decision>& decisions) {
  std::vector<int64_t> offsets;
  for (const Decision& decision : decisions) offsets.push_back(decision.offset);
  return offsets;
}

class PartitionStoreTest : public ::testing::Test {
 protected:
  PartitionStoreTest() : database_(kPartition % 3) {}

  void SetUp() override {
    pqxx::connection connection(database_.dsn());
    const absl::Status migrated = MigrateDatabase(connection, kPartition);
    ASSERT_TRUE(migrated.ok()) << migrated;
    store_ = std::make_unique<PostgresPartitionStore>(database_.dsn());
    absl::StatusOr<int64_t> next_offset = store_->Open(kPartition);
    ASSERT_TRUE(next_offset.ok()) << next_offset.status();
  }

  int64_t QueryInteger(const std::string& query) {
    pqxx::connection connection(database_.dsn());
    pqxx::work transaction(connection);
    return transaction.exec1(query)[0].as<int64_t>();
  }

  // Runs `statement` on the server's maintenance database.
  void Execute(const std::string& statement) {
    pqxx::connection connection(testing::PostgresAdminDsn(kPartition % 3));
    pqxx::nontransaction(connection).exec(statement);
  }

  // Ends every session on the test database and waits until they are gone.
  // LeakSanitizer then reports a leak inside libpqxx 6.4.5, which
  // tests/lsan.supp suppresses.
  void TerminateSessions() {
    Execute(absl::StrCat("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                         "WHERE datname = '", database_.name(), "'"));
  }

  TemporaryDatabase database_;
  std::unique_ptr<PostgresPartitionStore> store_;
};

TEST_F(PartitionStoreTest, OpenFreshDatabaseReturnsZero) {
  store_->Close();
  PostgresPartitionStore store(database_.dsn());
  absl::StatusOr<int64_t> next_offset = store.Open(kPartition);
  ASSERT_TRUE(next_offset.ok()) << next_offset.status();
  EXPECT_EQ(*next_offset, 0);
}

TEST_F(PartitionStoreTest, SecondStoreWaitsForWriterLock) {
  PostgresPartitionStore standby(database_.dsn());
  const absl::StatusOr<int64_t> blocked = standby.Open(kPartition);
  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kAlreadyExists) << blocked.status();

  ASSERT_TRUE(store_->CommitBatch(0, {Claim(0, "alice")}).ok());
  store_->Close();
  const absl::StatusOr<int64_t> taken = standby.Open(kPartition);
  ASSERT_TRUE(taken.ok()) << taken.status();
  EXPECT_EQ(*taken, 1);
}

TEST_F(PartitionStoreTest, LostWriterLockAborts) {
  // The owner's session ends while the store is idle, and a standby takes
  // the lock before the owner reconnects.
  TerminateSessions();
  PostgresPartitionStore standby(database_.dsn());
  ASSERT_TRUE(standby.Open(kPartition).ok());

  // The first call may only find the connection broken (UNAVAILABLE); the
  // reconnect then finds the lock taken.
  absl::StatusOr<std::vector<Decision>> committed =
      store_->CommitBatch(0, {Claim(0, "alice")});
  if (absl::IsUnavailable(committed.status())) {
    committed = store_->CommitBatch(0, {Claim(0, "alice")});
  }
  EXPECT_EQ(committed.status().code(), absl::StatusCode::kAborted) << committed.status();
  EXPECT_TRUE(standby.CommitBatch(0, {Claim(0, "bob")}).ok());
}

TEST_F(PartitionStoreTest, RetryReplaysDecision) {
  absl::StatusOr<std::vector<Decision>> first =
      store_->CommitBatch(0, {Claim(0, "alice", "key-1"), Claim(1, "alice", "key-1")});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].outcome, Outcome::kCreated);
  EXPECT_FALSE((*first)[0].is_replay());
  EXPECT_EQ((*first)[1].outcome, Outcome::kCreated);
  EXPECT_EQ((*first)[1].replay_of_offset, 0);
  EXPECT_EQ((*first)[1].account_id, (*first)[0].account_id);

  // In a later batch too, and a taken name replays as taken.
  absl::StatusOr<std::vector<Decision>> later = store_->CommitBatch(
      2, {Claim(2, "alice", "key-2"), Claim(3, "alice", "key-1"), Claim(4, "alice", "key-2")});
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ((*later)[0].outcome, Outcome::kUsernameTaken);
  EXPECT_EQ((*later)[1].outcome, Outcome::kCreated);
  EXPECT_EQ((*later)[1].replay_of_offset, 0);
  EXPECT_EQ((*later)[2].outcome, Outcome::kUsernameTaken);
  EXPECT_EQ((*later)[2].replay_of_offset, 2);
}

TEST_F(PartitionStoreTest, PruneDeletesOnlyPublishedExpired) {
  ASSERT_TRUE(store_->CommitBatch(0, {Claim(0, "alice", "key-1"), Claim(1, "bob")}).ok());
  ASSERT_TRUE(store_->MarkPublished({0}).ok());

  absl::StatusOr<int64_t> none = store_->PruneDecisions(absl::Now() - absl::Hours(1), 100);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0);
  absl::StatusOr<int64_t> pruned = store_->PruneDecisions(absl::Now() + absl::Hours(1), 100);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(*pruned, 1);

  // Without the decision, a retry of alice's request is decided anew.
  absl::StatusOr<std::vector<Decision>> retry =
      store_->CommitBatch(2, {Claim(2, "alice", "key-1")});
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ((*retry)[0].outcome, Outcome::kUsernameTaken);
  EXPECT_FALSE((*retry)[0].is_replay());
}

TEST_F(PartitionStoreTest, OpenWrongPartitionFails) {
  PostgresPartitionStore store(database_.dsn());
  absl::StatusOr<int64_t> next_offset = store.Open(kPartition + 1);
  EXPECT_EQ(next_offset.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(next_offset.status().message(), "partition 3"))
      << next_offset.status();
  EXPECT_TRUE(absl::StrContains(next_offset.status().message(), "partition 4"))
      << next_offset.status();
}

TEST(PartitionStoreOpenTest, UnmigratedDatabaseFails) {
  TemporaryDatabase database(0);
  PostgresPartitionStore store(database.dsn());
  absl::StatusOr<int64_t> next_offset = store.Open(0);
  EXPECT_EQ(next_offset.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PartitionStoreTest, NewerSchemaFails) {
  {
    pqxx::connection connection(database_.dsn());
    pqxx::work transaction(connection);
    transaction.exec_params(
        "INSERT INTO schema_migrations (version, description) VALUES ($1, 'future')",
        kSchemaVersion + 1);
    transaction.commit();
  }
  PostgresPartitionStore store(database_.dsn());
  EXPECT_EQ(store.Open(kPartition).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PartitionStoreTest, PingSucceeds) {
  const absl::Status status = store_->Ping();
  EXPECT_TRUE(status.ok()) << status;
}

TEST_F(PartitionStoreTest, EmptyBatchReturnsNothing) {
  absl::StatusOr<std::vector<Decision>> decisions = store_->CommitBatch(0, {});
  ASSERT_TRUE(decisions.ok()) << decisions.status();
  EXPECT_TRUE(decisions->empty());
}

TEST_F(PartitionStoreTest, FirstClaimCreatesAccount) {
  const absl::Time before = absl::Now();
  absl::StatusOr<std::vector<Decision>> decisions =
      store_->CommitBatch(0, {Claim(0, "alice")});
  ASSERT_TRUE(decisions.ok()) << decisions.status();
  ASSERT_EQ(decisions->size(), 1u);
  const Decision& decision = (*decisions)[0];
  EXPECT_EQ(decision.outcome, Outcome::kCreated);
  EXPECT_EQ(decision.partition, kPartition);
  EXPECT_EQ(decision.offset, 0);
  EXPECT_EQ(decision.request_id, "request-0");
  EXPECT_EQ(decision.username, "alice");
  EXPECT_EQ(decision.reason, "");
  EXPECT_TRUE(Ksuid::Parse(decision.account_id).ok()) << decision.account_id;
  EXPECT_GE(decision.decided_at, before - absl::Seconds(1));
  EXPECT_LE(decision.decided_at, absl::Now());

  pqxx::connection connection(database_.dsn());
  pqxx::work transaction(connection);
  const pqxx::row account = transaction.exec1(
      "SELECT account_id, request_id, request_partition, request_offset "
      "FROM accounts WHERE username = 'alice'");
  EXPECT_EQ(account[0].as<std::string>(), decision.account_id);
  EXPECT_EQ(account[1].as<std::string>(), "request-0");
  EXPECT_EQ(account[2].as<int32_t>(), kPartition);
  EXPECT_EQ(account[3].as<int64_t>(), 0);
}

TEST_F(PartitionStoreTest, LaterClaimRefused) {
  absl::StatusOr<std::vector<Decision>> first = store_->CommitBatch(0, {Claim(0, "alice")});
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::vector<Decision>> second = store_->CommitBatch(1, {Claim(1, "alice")});
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].outcome, Outcome::kUsernameTaken);
  EXPECT_EQ((*second)[0].account_id, "");
  EXPECT_EQ((*second)[0].request_id, "request-1");
  EXPECT_EQ(QueryInteger("SELECT count(*) FROM accounts"), 1);
}

TEST_F(PartitionStoreTest, SameNameTwiceInBatch) {
  absl::StatusOr<std::vector<Decision>> decisions =
      store_->CommitBatch(0, {Claim(0, "alice"), Claim(1, "bob"), Claim(2, "alice")});
  ASSERT_TRUE(decisions.ok()) << decisions.status();
  ASSERT_EQ(decisions->size(), 3u);
  EXPECT_EQ((*decisions)[0].outcome, Outcome::kCreated);
  EXPECT_EQ((*decisions)[1].outcome, Outcome::kCreated);
  EXPECT_EQ((*decisions)[2].outcome, Outcome::kUsernameTaken);
  EXPECT_NE((*decisions)[0].account_id, (*decisions)[1].account_id);
  EXPECT_EQ(QueryInteger("SELECT count(*) FROM accounts"), 2);
}

TEST_F(PartitionStoreTest, UsernamesCompareByteForByte) {
  absl::StatusOr<std::vector<Decision>> decisions =
      store_->CommitBatch(0, {Claim(0, "Bob"), Claim(1, "bob")});
  ASSERT_TRUE(decisions.ok()) << decisions.status();
  ASSERT_EQ(decisions->size(), 2u);
  EXPECT_EQ((*decisions)[1].outcome, Outcome::kCreated);
}

TEST_F(PartitionStoreTest, MultibyteUsernameStored) {
  // 40 code points of 4 bytes each: the longest valid username.
  std::string username;
  for (int i = 0; i < 40; ++i) username += "\xf0\x9f\x98\x80";
  absl::StatusOr<std::vector<Decision>> decisions =
      store_->CommitBatch(0, {Claim(0, username), Claim(1, username)});
  ASSERT_TRUE(decisions.ok()) << decisions.status();
  ASSERT_EQ(decisions->size(), 2u);
  EXPECT_EQ((*decisions)[0].outcome, Outcome::kCreated);
  EXPECT_EQ((*decisions)[1].outcome, Outcome::kUsernameTaken);
}

TEST_F(PartitionStoreTest, RejectionStored) {
  absl::StatusOr<std::vector<Decision>> decisions =
      store_->CommitBatch(0, {Rejection(0, "undecodable payload")});
  ASSERT_TRUE(decisions.ok()) << decisions.status();
  ASSERT_EQ(decisions->size(), 1u);
  EXPECT_EQ((*decisions)[0].outcome, Outcome::kRejected);
  EXPECT_EQ((*decisions)[0].reason, "undecodable payload");
  EXPECT_EQ((*decisions)[0].account_id, "");
  EXPECT_EQ(QueryInteger("SELECT count(*) FROM accounts"), 0);

  absl::StatusOr<std::vector<Decision>> stored = store_->LoadUnpublished(10);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].outcome, Outcome::kRejected);
  EXPECT_EQ((*stored)[0].reason, "undecodable payload");
  EXPECT_EQ((*stored)[0].username, "bad name");
}

TEST_F(PartitionStoreTest, RejectionDoesNotReserveName) {
  CheckedRequest rejection = Rejection(0, "key differs from the username");
  rejection.username = "alice";
  absl::StatusOr<std::vector<Decision>> decisions =
      store_->CommitBatch(0, {rejection, Claim(1, "alice")});
  ASSERT_TRUE(decisions.ok()) << decisions.status();
  ASSERT_EQ(decisions->size(), 2u);
  EXPECT_EQ((*decisions)[1].outcome, Outcome::kCreated);
}

TEST_F(PartitionStoreTest, CommitAdvancesNextOffset) {
  ASSERT_TRUE(
      store_->CommitBatch(0, {Claim(0, "alice"), Claim(1, "bob"), Claim(2, "carol")}).ok());

  store_->Close();
  PostgresPartitionStore reopened(database_.dsn());
  absl::StatusOr<int64_t> next_offset = reopened.Open(kPartition);
  ASSERT_TRUE(next_offset.ok()) << next_offset.status();
  EXPECT_EQ(*next_offset, 3);
}

TEST_F(PartitionStoreTest, OffsetGapsAllowed) {
  // Offsets may skip because of transaction markers or compaction, so the
  // next offset follows the batch's last request.
  absl::StatusOr<std::vector<Decision>> decisions =
      store_->CommitBatch(0, {Claim(4, "alice"), Claim(9, "bob")});
  ASSERT_TRUE(decisions.ok()) << decisions.status();
  EXPECT_EQ(OffsetsOf(*decisions), (std::vector<int64_t>{4, 9}));

  store_->Close();
  PostgresPartitionStore reopened(database_.dsn());
  absl::StatusOr<int64_t> next_offset = reopened.Open(kPartition);
  ASSERT_TRUE(next_offset.ok()) << next_offset.status();
  EXPECT_EQ(*next_offset, 10);
}

TEST_F(PartitionStoreTest, ConsecutiveBatchesChain) {
  ASSERT_TRUE(store_->CommitBatch(0, {Claim(0, "alice"), Claim(1, "bob")}).ok());
  absl::StatusOr<std::vector<Decision>> second =
      store_->CommitBatch(2, {Claim(2, "carol"), Claim(3, "bob")});
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->size(), 2u);
  EXPECT_EQ((*second)[0].outcome, Outcome::kCreated);
  EXPECT_EQ((*second)[1].outcome, Outcome::kUsernameTaken);
}

TEST_F(PartitionStoreTest, StaleNextOffsetAborted) {
  ASSERT_TRUE(
      store_->CommitBatch(0, {Claim(0, "alice"), Claim(1, "bob"), Claim(2, "carol")}).ok());

  // Another writer decides offset 1 again. The stored offset (3) is
  // neither its next offset (1) nor its batch's end (2), so it must fail.
  absl::StatusOr<std::vector<Decision>> stale = store_->CommitBatch(1, {Claim(1, "dave")});
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted) << stale.status();
  EXPECT_EQ(QueryInteger("SELECT count(*) FROM accounts WHERE username = 'dave'"), 0);
  EXPECT_EQ(QueryInteger("SELECT next_offset FROM worker_partition"), 3);
}

TEST_F(PartitionStoreTest, AheadNextOffsetAborted) {
  ASSERT_TRUE(store_->CommitBatch(0, {Claim(0, "alice")}).ok());
  absl::StatusOr<std::vector<Decision>> ahead = store_->CommitBatch(5, {Claim(5, "dave")});
  EXPECT_EQ(ahead.status().code(), absl::StatusCode::kAborted) << ahead.status();
  EXPECT_EQ(QueryInteger("SELECT count(*) FROM decisions"), 1);
}

TEST_F(PartitionStoreTest, RecommitReturnsStoredDecisions) {
  // A worker whose connection broke during COMMIT does not know whether
  // the batch committed, so it sends the same batch again.
  const std::vector<CheckedRequest> batch = {Claim(0, "alice"), Claim(1, "alice"),
                                             Rejection(2, "invalid request id")};
  absl::StatusOr<std::vector<Decision>> first = store_->CommitBatch(0, batch);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<std::vector<Decision>> again = store_->CommitBatch(0, batch);
  ASSERT_TRUE(again.ok()) << again.status();

  ASSERT_EQ(again->size(), first->size());
  for (size_t i = 0; i < first->size(); ++i) {
    SCOPED_TRACE(absl::StrCat("decision ", i));
    const Decision& expected = (*first)[i];
    const Decision& actual = (*again)[i];
    EXPECT_EQ(actual.partition, expected.partition);
    EXPECT_EQ(actual.offset, expected.offset);
    EXPECT_EQ(actual.request_id, expected.request_id);
    EXPECT_EQ(actual.username, expected.username);
    EXPECT_EQ(actual.outcome, expected.outcome);
    EXPECT_EQ(actual.account_id, expected.account_id);
    EXPECT_EQ(actual.reason, expected.reason);
    EXPECT_EQ(actual.decided_at, expected.decided_at);
  }
  EXPECT_EQ(QueryInteger("SELECT count(*) FROM accounts"), 1);
  EXPECT_EQ(QueryInteger("SELECT count(*) FROM decisions"), 3);
}

TEST_F(PartitionStoreTest, LoadUnpublishedInOffsetOrder) {
  ASSERT_TRUE(store_->CommitBatch(0, {Claim(0, "a"), Claim(1, "b"), Claim(2, "c")}).ok());
  ASSERT_TRUE(store_->CommitBatch(3, {Claim(3, "d"), Claim(4, "a")}).ok());

  absl::StatusOr<std::vector<Decision>> unpublished = store_->LoadUnpublished(100);
  ASSERT_TRUE(unpublished.ok()) << unpublished.status();
  EXPECT_EQ(OffsetsOf(*unpublished), (std::vector<int64_t>{0, 1, 2, 3, 4}));
  ASSERT_EQ(unpublished->size(), 5u);
  EXPECT_EQ((*unpublished)[4].outcome, Outcome::kUsernameTaken);
  EXPECT_EQ((*unpublished)[0].outcome, Outcome::kCreated);
}

TEST_F(PartitionStoreTest, LoadUnpublishedMatchesCommit) {
  absl::StatusOr<std::vector<Decision>> committed =
      store_->CommitBatch(0, {Claim(0, "alice"), Rejection(1, "bad")});
  ASSERT_TRUE(committed.ok()) << committed.status();
  absl::StatusOr<std::vector<Decision>> loaded = store_->LoadUnpublished(10);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->size(), 2u);
  EXPECT_EQ((*loaded)[0].account_id, (*committed)[0].account_id);
  EXPECT_EQ((*loaded)[0].decided_at, (*committed)[0].decided_at);
  EXPECT_EQ((*loaded)[1].reason, "bad");
}

TEST_F(PartitionStoreTest, LoadUnpublishedHonoursLimit) {
  ASSERT_TRUE(store_->CommitBatch(0, {Claim(0, "a"), Claim(1, "b"), Claim(2, "c")}).ok());
  absl::StatusOr<std::vector<Decision>> unpublished = store_->LoadUnpublished(2);
  ASSERT_TRUE(unpublished.ok()) << unpublished.status();
  EXPECT_EQ(OffsetsOf(*unpublished), (std::vector<int64_t>{0, 1}));
}

TEST_F(PartitionStoreTest, MarkPublishedHidesDecisions) {
  ASSERT_TRUE(store_->CommitBatch(
                        0, {Claim(0, "a"), Claim(1, "b"), Claim(2, "c"), Claim(3, "d"),
                            Claim(4, "e")})
                  .ok());
  const absl::Status marked = store_->MarkPublished({0, 1, 3});
  ASSERT_TRUE(marked.ok()) << marked;

  absl::StatusOr<std::vector<Decision>> unpublished = store_->LoadUnpublished(100);
  ASSERT_TRUE(unpublished.ok()) << unpublished.status();
  EXPECT_EQ(OffsetsOf(*unpublished), (std::vector<int64_t>{2, 4}));
}

TEST_F(PartitionStoreTest, MarkPublishedTwiceIsHarmless) {
  ASSERT_TRUE(store_->CommitBatch(0, {Claim(0, "a"), Claim(1, "b")}).ok());
  ASSERT_TRUE(store_->MarkPublished({0}).ok());
  const absl::Status again = store_->MarkPublished({0});
  EXPECT_TRUE(again.ok()) << again;
  absl::StatusOr<std::vector<Decision>> unpublished = store_->LoadUnpublished(100);
  ASSERT_TRUE(unpublished.ok()) << unpublished.status();
  EXPECT_EQ(OffsetsOf(*unpublished), (std::vector<int64_t>{1}));
}

TEST_F(PartitionStoreTest, MarkPublishedEmptyIsOk) {
  const absl::Status status = store_->MarkPublished({});
  EXPECT_TRUE(status.ok()) << status;
}

TEST_F(PartitionStoreTest, RecommitAfterPublishReturnsDecisions) {
  // The lost-COMMIT retry may come after the decisions were published.
  const std::vector<CheckedRequest> batch = {Claim(0, "alice")};
  absl::StatusOr<std::vector<Decision>> first = store_->CommitBatch(0, batch);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(store_->MarkPublished({0}).ok());
  absl::StatusOr<std::vector<Decision>> again = store_->CommitBatch(0, batch);
  ASSERT_TRUE(again.ok()) << again.status();
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].account_id, (*first)[0].account_id);
}

TEST(PartitionStoreUnavailableTest, ClosedPortUnavailable) {
  // Nothing listens on a port that was just free, so every call fails to
  // connect.
  PostgresPartitionStore store(absl::StrCat("host=127.0.0.1 port=", testing::FreePort(),
                                            " user=signup dbname=postgres connect_timeout=5"));
  EXPECT_EQ(store.Open(0).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.Ping().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.CommitBatch(0, {Claim(0, "alice")}).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.LoadUnpublished(10).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.MarkPublished({0}).code(), absl::StatusCode::kUnavailable);
}

TEST_F(PartitionStoreTest, DatabaseDownThenBack) {
  // Closing the database to connections and terminating the store's
  // session looks to the store like a stopped server, without stopping a
  // server that other tests share.
  ASSERT_TRUE(store_->CommitBatch(0, {Claim(0, "alice")}).ok());
  Execute(absl::StrCat("ALTER DATABASE ", database_.name(), " ALLOW_CONNECTIONS false"));
  TerminateSessions();

  const std::vector<CheckedRequest> batch = {Claim(1, "bob")};
  absl::StatusOr<std::vector<Decision>> while_down = store_->CommitBatch(1, batch);
  EXPECT_EQ(while_down.status().code(), absl::StatusCode::kUnavailable)
      << while_down.status();
  EXPECT_EQ(store_->Ping().code(), absl::StatusCode::kUnavailable);

  Execute(absl::StrCat("ALTER DATABASE ", database_.name(), " ALLOW_CONNECTIONS true"));
  // The store reconnects by itself, and nothing of the failed batch was
  // committed, so retrying it decides it.
  absl::StatusOr<std::vector<Decision>> retried = store_->CommitBatch(1, batch);
  ASSERT_TRUE(retried.ok()) << retried.status();
  ASSERT_EQ(retried->size(), 1u);
  EXPECT_EQ((*retried)[0].outcome, Outcome::kCreated);
  EXPECT_EQ(QueryInteger("SELECT next_offset FROM worker_partition"), 2);
}

TEST_F(PartitionStoreTest, ReconnectsAfterSessionKilled) {
  ASSERT_TRUE(store_->Ping().ok());
  TerminateSessions();

  // The first call may notice the broken connection; the next one must
  // have reconnected.
  const absl::Status noticed = store_->Ping();
  if (!noticed.ok()) {
    EXPECT_EQ(noticed.code(), absl::StatusCode::kUnavailable) << noticed;
  }
  const absl::Status reconnected = store_->Ping();
  EXPECT_TRUE(reconnected.ok()) << reconnected;
}

TEST_F(PartitionStoreTest, MalformedRequestsStoredAsRejections) {
  // One bad message must not stop the partition, so whatever CheckRequest
  // makes of it must be storable.
  kafka::v1::SignupRequested with_nul;
  with_nul.set_request_id(std::string("id\0x", 4));
  with_nul.set_username(std::string("al\0ice", 6));
  kafka::v1::SignupRequested long_id;
  long_id.set_request_id(std::string(10000, 'r'));
  long_id.set_username("alice");

  const std::vector<ConsumedRequest> consumed = {
      {.partition = kPartition, .offset = 0, .key = "\xff\xfe", .payload = "\xff"},
      {.partition = kPartition,
       .offset = 1,
       .key = std::string("al\0ice", 6),
       .payload = with_nul.SerializeAsString()},
      {.partition = kPartition, .offset = 2, .key = std::string(1000, 'k'), .payload = ""},
      {.partition = kPartition,
       .offset = 3,
       .key = "alice",
       .payload = long_id.SerializeAsString()},
  };
  std::vector<CheckedRequest> batch;
  for (const ConsumedRequest& request : consumed) batch.push_back(CheckRequest(request));

  absl::StatusOr<std::vector<Decision>> decisions = store_->CommitBatch(0, batch);
  ASSERT_TRUE(decisions.ok()) << decisions.status();
  ASSERT_EQ(decisions->size(), consumed.size());
  for (const Decision& decision : *decisions) {
    EXPECT_EQ(decision.outcome, Outcome::kRejected) << decision.offset;
  }
  EXPECT_EQ(QueryInteger("SELECT count(*) FROM accounts"), 0);
}

TEST_F(PartitionStoreTest, OpenReconnectsAfterSessionKilled) {
  // A worker calls Open again after UNAVAILABLE, so Open must recover from
  // a broken connection like every other call.
  TerminateSessions();

  const absl::Status noticed = store_->Open(kPartition).status();
  if (!noticed.ok()) {
    EXPECT_EQ(noticed.code(), absl::StatusCode::kUnavailable) << noticed;
  }
  absl::StatusOr<int64_t> reopened = store_->Open(kPartition);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(*reopened, 0);
}

}  // namespace
}  // namespace signup
