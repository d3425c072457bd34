// The rows of every partition's database that `signup-load verify` checks,
// read directly from PostgreSQL.
#ifndef SIGNUP_CLIENTS_SIGNUP_LOAD_DATABASE_SNAPSHOT_H_
#define SIGNUP_CLIENTS_SIGNUP_LOAD_DATABASE_SNAPSHOT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace signup::load {

// One row of the decisions table.
struct DecisionRow {
  int32_t database = -1;  // index of the DSN it was read from
  int32_t partition = -1;
  int64_t offset = -1;
  std::string request_id;
  std::string username;
  std::string outcome;     // 'created', 'username_taken' or 'rejected'
  std::string account_id;  // empty when NULL
  std::optional<int64_t> replay_of_offset;
};

// One row of the accounts table.
struct AccountRow {
  int32_t database = -1;
  std::string account_id;
  std::string username;
  std::string request_id;
  int32_t request_partition = -1;
  int64_t request_offset = -1;
};

struct DatabaseSnapshot {
  // worker_partition.partition of each database; -1 when the row is missing.
  std::vector<int32_t> owners;
  std::vector<DecisionRow> decisions;
  std::vector<AccountRow> accounts;
};

// Reads worker_partition, decisions and accounts from each database of
// `dsns`, each in one repeatable-read transaction. Returns UNAVAILABLE
// naming the database index when a connection or query fails.
absl::StatusOr<DatabaseSnapshot> ReadDatabases(const std::vector<std::string>& dsns);

}  // namespace signup::load

#endif  // SIGNUP_CLIENTS_SIGNUP_LOAD_DATABASE_SNAPSHOT_H_
