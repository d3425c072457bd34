// MigrateDatabase and ReadSchemaVersion against the suite's real PostgreSQL
// servers, each test on a fresh database.
#include "services/common/schema.h"

#include <pqxx/pqxx>

#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tests/support/test_environment.h"

namespace signup {
namespace {

using testing::TemporaryDatabase;

int64_t QueryInteger(pqxx::connection& connection, const std::string& query) {
  pqxx::work transaction(connection);
  return transaction.exec1(query)[0].as<int64_t>();
}

TEST(SchemaTest, EmptyDatabaseVersionZero) {
  TemporaryDatabase database(0);
  pqxx::connection connection(database.dsn());
  absl::StatusOr<int> version = ReadSchemaVersion(connection);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, 0);
}

TEST(SchemaTest, MigrateGivesCurrentVersion) {
  TemporaryDatabase database(0);
  pqxx::connection connection(database.dsn());
  const absl::Status migrated = MigrateDatabase(connection, 0);
  ASSERT_TRUE(migrated.ok()) << migrated;

  absl::StatusOr<int> version = ReadSchemaVersion(connection);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, kSchemaVersion);
}

TEST(SchemaTest, MigrateRecordsPartition) {
  TemporaryDatabase database(1);
  pqxx::connection connection(database.dsn());
  ASSERT_TRUE(MigrateDatabase(connection, 2).ok());
  EXPECT_EQ(QueryInteger(connection, "SELECT partition FROM worker_partition"), 2);
  EXPECT_EQ(QueryInteger(connection, "SELECT next_offset FROM worker_partition"), 0);
}

TEST(SchemaTest, MigrateCreatesTables) {
  TemporaryDatabase database(0);
  pqxx::connection connection(database.dsn());
  ASSERT_TRUE(MigrateDatabase(connection, 0).ok());
  for (const std::string table : {"worker_partition", "accounts", "decisions"}) {
    EXPECT_EQ(QueryInteger(connection, "SELECT count(*) FROM " + table),
              table == "worker_partition" ? 1 : 0)
        << table;
  }
}

TEST(SchemaTest, SecondMigrateIsNoOp) {
  TemporaryDatabase database(2);
  pqxx::connection connection(database.dsn());
  ASSERT_TRUE(MigrateDatabase(connection, 1).ok());
  {
    pqxx::work transaction(connection);
    transaction.exec("UPDATE worker_partition SET next_offset = 42");
    transaction.commit();
  }

  const absl::Status again = MigrateDatabase(connection, 1);
  ASSERT_TRUE(again.ok()) << again;
  absl::StatusOr<int> version = ReadSchemaVersion(connection);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, kSchemaVersion);
  EXPECT_EQ(QueryInteger(connection, "SELECT count(*) FROM schema_migrations"),
            kSchemaVersion);
  EXPECT_EQ(QueryInteger(connection, "SELECT next_offset FROM worker_partition"), 42);
  EXPECT_EQ(QueryInteger(connection, "SELECT count(*) FROM worker_partition"), 1);
}

TEST(SchemaTest, OtherPartitionRejected) {
  TemporaryDatabase database(0);
  pqxx::connection connection(database.dsn());
  ASSERT_TRUE(MigrateDatabase(connection, 1).ok());

  const absl::Status status = MigrateDatabase(connection, 2);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(status.message(), "partition 1")) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "partition 2")) << status;
  EXPECT_EQ(QueryInteger(connection, "SELECT partition FROM worker_partition"), 1);
}

TEST(SchemaTest, NewerSchemaRejected) {
  TemporaryDatabase database(1);
  pqxx::connection connection(database.dsn());
  ASSERT_TRUE(MigrateDatabase(connection, 0).ok());
  {
    pqxx::work transaction(connection);
    transaction.exec_params(
        "INSERT INTO schema_migrations (version, description) VALUES ($1, 'future')",
        kSchemaVersion + 1);
    transaction.commit();
  }

  const absl::Status status = MigrateDatabase(connection, 0);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
}

TEST(SchemaTest, ConcurrentMigratesSucceed) {
  TemporaryDatabase database(2);
  constexpr int kMigrators = 4;
  absl::Status results[kMigrators];
  std::vector<std::thread> threads;
  for (int i = 0; i < kMigrators; ++i) {
    threads.emplace_back([&, i] {
      pqxx::connection connection(database.dsn());
      results[i] = MigrateDatabase(connection, 0);
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (int i = 0; i < kMigrators; ++i) EXPECT_TRUE(results[i].ok()) << results[i];
  pqxx::connection connection(database.dsn());
  absl::StatusOr<int> version = ReadSchemaVersion(connection);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, kSchemaVersion);
}

}  // namespace
}  // namespace signup
