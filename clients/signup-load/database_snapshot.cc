#include "clients/signup-load/database_snapshot.h"

#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/common/connection_string.h"

namespace signup::load {
namespace {

// Appends database `index`'s rows to `snapshot`.
void ReadDatabase(const std::string& dsn, int32_t index, DatabaseSnapshot& snapshot) {
  pqxx::connection connection(dsn);
  pqxx::transaction<pqxx::isolation_level::repeatable_read> transaction(connection);

  const pqxx::result owner = transaction.exec("SELECT partition FROM worker_partition");
  snapshot.owners.push_back(owner.empty() ? -1 : owner[0][0].as<int32_t>());

  const pqxx::result decisions = transaction.exec(
      "SELECT request_partition, request_offset, request_id, username, outcome, "
      "coalesce(account_id, ''), replay_of_offset FROM decisions");
  for (const pqxx::row& row : decisions) {
    DecisionRow decision;
    decision.database = index;
    decision.partition = row[0].as<int32_t>();
    decision.offset = row[1].as<int64_t>();
    decision.request_id = row[2].as<std::string>();
    decision.username = row[3].as<std::string>();
    decision.outcome = row[4].as<std::string>();
    decision.account_id = row[5].as<std::string>();
    if (!row[6].is_null()) decision.replay_of_offset = row[6].as<int64_t>();
    snapshot.decisions.push_back(std::move(decision));
  }

  const pqxx::result accounts = transaction.exec(
      "SELECT account_id, username, request_id, request_partition, request_offset "
      "FROM accounts");
  for (const pqxx::row& row : accounts) {
    AccountRow account;
    account.database = index;
    account.account_id = row[0].as<std::string>();
    account.username = row[1].as<std::string>();
    account.request_id = row[2].as<std::string>();
    account.request_partition = row[3].as<int32_t>();
    account.request_offset = row[4].as<int64_t>();
    snapshot.accounts.push_back(std::move(account));
  }
  transaction.commit();
}

}  // namespace

absl::StatusOr<DatabaseSnapshot> ReadDatabases(const std::vector<std::string>& dsns) {
  DatabaseSnapshot snapshot;
  for (size_t i = 0; i < dsns.size(); ++i) {
    // libpq's parse errors quote parts of a malformed connection string,
    // which can hold a password, so a DSN must parse before it is used.
    const absl::StatusOr<std::string> redacted = RedactConnectionString(dsns[i]);
    if (!redacted.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid DSN of partition ", i, ": ", redacted.status().message()));
    }
    try {
      ReadDatabase(dsns[i], static_cast<int32_t>(i), snapshot);
    } catch (const std::exception& error) {
      return absl::UnavailableError(absl::StrCat(
          "reading the database of partition ", i, " (", *redacted, ") failed: ",
          absl::StripAsciiWhitespace(absl::StrReplaceAll(error.what(), {{"\n", " "}}))));
    }
  }
  return snapshot;
}

}  // namespace signup::load
