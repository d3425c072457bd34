#include "services/common/schema.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"

namespace signup {
namespace {

// libpq's messages span several lines; a status message, which ends up in
// a log line, must not.
std::string OneLine(const char* message) {
  return std::string(absl::StripAsciiWhitespace(absl::StrReplaceAll(message, {{"\n", " "}})));
}

struct Migration {
  int version;
  absl::string_view description;
  absl::string_view sql;
};

// Append-only: a released migration is never edited, only followed by a
// new one.
constexpr Migration kMigrations[] = {
    {1, "accounts, decisions and the partition's offset", R"sql(
CREATE TABLE worker_partition (
  singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  partition   integer NOT NULL CHECK (partition >= 0),
  next_offset bigint  NOT NULL DEFAULT 0 CHECK (next_offset >= 0)
);

CREATE TABLE accounts (
  account_id        text        PRIMARY KEY CHECK (length(account_id) = 27),
  username          text        NOT NULL UNIQUE
                                CHECK (char_length(username) BETWEEN 1 AND 40),
  request_id        text        NOT NULL,
  request_partition integer     NOT NULL,
  request_offset    bigint      NOT NULL,
  created_at        timestamptz NOT NULL
);

CREATE TABLE decisions (
  request_partition integer     NOT NULL,
  request_offset    bigint      NOT NULL,
  request_id        text        NOT NULL,
  username          text        NOT NULL,
  outcome           text        NOT NULL
                    CHECK (outcome IN ('created', 'username_taken', 'rejected')),
  account_id        text        REFERENCES accounts (account_id),
  reason            text        NOT NULL DEFAULT '',
  decided_at        timestamptz NOT NULL,
  published_at      timestamptz,
  PRIMARY KEY (request_partition, request_offset)
);

CREATE INDEX decisions_unpublished ON decisions (request_offset)
  WHERE published_at IS NULL;
)sql"},
    {2, "request ids as idempotency keys", R"sql(
ALTER TABLE decisions ADD COLUMN replay_of_offset bigint;

-- The first decision of each (request id, username) pair; a later request
-- with the same pair is a retry and replays this decision.
CREATE UNIQUE INDEX decisions_idempotency_key ON decisions (request_id, username)
  WHERE replay_of_offset IS NULL AND outcome <> 'rejected';

CREATE INDEX decisions_decided_at ON decisions (decided_at);
)sql"},
    {3, "canonical usernames: display names and the username policy", R"sql(
ALTER TABLE accounts ADD COLUMN display_name text NOT NULL DEFAULT '';
ALTER TABLE decisions ADD COLUMN display_name text NOT NULL DEFAULT '';

-- Length limits are the username policy's, which is configurable.
ALTER TABLE accounts DROP CONSTRAINT accounts_username_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_username_not_empty
  CHECK (username <> '');

-- The username policy this database's canonical names were made under,
-- recorded by the first worker that starts on it.
ALTER TABLE worker_partition ADD COLUMN username_policy text;
)sql"},
};

// Serializes concurrent migrators of one database; an arbitrary constant
// that no other code uses as an advisory lock key.
constexpr int64_t kMigrationLockKey = 0x5167'6e75'7000'0001;

}  // namespace

absl::StatusOr<int> ReadSchemaVersion(pqxx::connection& connection) {
  try {
    pqxx::work transaction(connection);
    const pqxx::row exists = transaction.exec1(
        "SELECT to_regclass('schema_migrations') IS NOT NULL");
    if (!exists[0].as<bool>()) return 0;
    const pqxx::row version = transaction.exec1(
        "SELECT coalesce(max(version), 0) FROM schema_migrations");
    return version[0].as<int>();
  } catch (const pqxx::failure& error) {
    return absl::UnavailableError(
        absl::StrCat("cannot read the schema version: ", OneLine(error.what())));
  }
}

absl::Status MigrateDatabase(pqxx::connection& connection, int32_t partition) {
  try {
    for (const Migration& migration : kMigrations) {
      pqxx::work transaction(connection);
      transaction.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLockKey);
      transaction.exec(
          "CREATE TABLE IF NOT EXISTS schema_migrations ("
          " version integer PRIMARY KEY,"
          " description text NOT NULL,"
          " applied_at timestamptz NOT NULL DEFAULT now())");
      const int current = transaction
                              .exec1("SELECT coalesce(max(version), 0) "
                                     "FROM schema_migrations")[0]
                              .as<int>();
      if (current > kSchemaVersion) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the database has schema version ", current,
            " but this build knows only up to ", kSchemaVersion,
            "; run a newer signup-admin"));
      }
      if (current >= migration.version) continue;

      transaction.exec(std::string(migration.sql));
      transaction.exec_params(
          "INSERT INTO schema_migrations (version, description) VALUES ($1, $2)",
          migration.version, std::string(migration.description));
      transaction.commit();
    }

    pqxx::work transaction(connection);
    transaction.exec_params(
        "INSERT INTO worker_partition (partition) VALUES ($1) "
        "ON CONFLICT (singleton) DO NOTHING",
        partition);
    const int32_t owner =
        transaction.exec1("SELECT partition FROM worker_partition")[0].as<int32_t>();
    if (owner != partition) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database belongs to partition ", owner, ", not to partition ",
          partition, "; give each partition the database it was set up with"));
    }
    transaction.commit();
    return absl::OkStatus();
  } catch (const pqxx::failure& error) {
    return absl::UnavailableError(
        absl::StrCat("database migration failed: ", OneLine(error.what())));
  }
}

}  // namespace signup
