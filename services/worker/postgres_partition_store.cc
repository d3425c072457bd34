#include "services/worker/postgres_partition_store.h"

#include <stdexcept>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_join.h"
#include "services/common/ksuid.h"
#include "services/common/schema.h"

namespace signup {
namespace {

constexpr char kSelectDecisions[] =
    "SELECT request_partition, request_offset, request_id, username, outcome, "
    "coalesce(account_id, ''), reason, "
    "(extract(epoch FROM decided_at) * 1000000)::bigint, "
    "coalesce(replay_of_offset, -1), display_name "
    "FROM decisions ";

// The writer lock is a session-level advisory lock (key1, key2) with
// key2 = the partition. PostgreSQL releases it when the session ends, so a
// worker that dies frees its partition for a standby at once.
constexpr int32_t kWriterLockKey = 0x5167'6e75;

// Thrown by Connection when a reconnect finds the writer lock taken.
class PartitionLockLost : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

Decision DecisionFromRow(const pqxx::row& row) {
  Decision decision;
  decision.partition = row[0].as<int32_t>();
  decision.offset = row[1].as<int64_t>();
  decision.request_id = row[2].as<std::string>();
  decision.username = row[3].as<std::string>();
  decision.outcome = OutcomeFromName(row[4].as<std::string>());
  decision.account_id = row[5].as<std::string>();
  decision.reason = row[6].as<std::string>();
  decision.decided_at = absl::FromUnixMicros(row[7].as<int64_t>());
  decision.replay_of_offset = row[8].as<int64_t>();
  decision.display_name = row[9].as<std::string>();
  return decision;
}

}  // namespace

PostgresPartitionStore::PostgresPartitionStore(std::string conninfo,
                                               std::string username_policy)
    : conninfo_(std::move(conninfo)), username_policy_(std::move(username_policy)) {}

bool PostgresPartitionStore::TryLock(pqxx::connection& connection) {
  pqxx::nontransaction transaction(connection);
  return transaction
      .exec_params1("SELECT pg_try_advisory_lock($1, $2)", kWriterLockKey, partition_)[0]
      .as<bool>();
}

pqxx::connection& PostgresPartitionStore::Connection() {
  if (connection_ == nullptr || !connection_->is_open()) {
    connection_ = std::make_unique<pqxx::connection>(conninfo_);
    if (lock_held_ && !TryLock(*connection_)) {
      lock_held_ = false;
      connection_.reset();
      throw PartitionLockLost(absl::StrCat(
          "the connection broke and another worker took the writer lock of partition ",
          partition_));
    }
  }
  return *connection_;
}

void PostgresPartitionStore::Close() {
  lock_held_ = false;
  connection_.reset();
}

absl::Status PostgresPartitionStore::Failure(absl::string_view operation,
                                             const std::exception& error) {
  if (dynamic_cast<const PartitionLockLost*>(&error) != nullptr) {
    return absl::AbortedError(absl::StrCat(operation, " failed: ", error.what()));
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&error) != nullptr ||
      dynamic_cast<const pqxx::in_doubt_error*>(&error) != nullptr) {
    connection_.reset();
  }
  // libpq's messages span several lines; a log line must not.
  std::string message = absl::StrReplaceAll(error.what(), {{"\n", " "}});
  return absl::UnavailableError(absl::StrCat(operation, " failed for partition ",
                                             partition_, ": ",
                                             absl::StripAsciiWhitespace(message)));
}

absl::StatusOr<int64_t> PostgresPartitionStore::Open(int32_t partition) {
  partition_ = partition;
  try {
    absl::StatusOr<int> version = ReadSchemaVersion(Connection());
    if (!version.ok()) return version.status();
    if (*version != kSchemaVersion) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database has schema version ", *version, " but this worker needs ",
          kSchemaVersion, "; run `signup-admin migrate` with this build"));
    }
    pqxx::work transaction(Connection());
    const pqxx::result rows =
        transaction.exec("SELECT partition, next_offset FROM worker_partition");
    if (rows.empty()) {
      return absl::FailedPreconditionError(
          "the database is not assigned to a partition; run `signup-admin setup`");
    }
    const int32_t owner = rows[0][0].as<int32_t>();
    if (owner != partition) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database belongs to partition ", owner, ", not to partition ",
          partition, "; start this worker with --partition=", owner,
          " or give it partition ", partition, "'s database"));
    }
    const pqxx::row recorded = transaction.exec_params1(
        "UPDATE worker_partition SET username_policy = coalesce(username_policy, $1) "
        "RETURNING username_policy",
        username_policy_);
    const std::string recorded_policy = recorded[0].as<std::string>();
    if (recorded_policy != username_policy_) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database's usernames were canonicalized under username policy \"",
          recorded_policy, "\", not \"", username_policy_,
          "\"; start the worker with --username-policy=", recorded_policy,
          ", because existing names would no longer match new claims"));
    }
    transaction.commit();

    if (!lock_held_ && !TryLock(Connection())) {
      return absl::AlreadyExistsError(absl::StrCat(
          "another worker holds the writer lock of partition ", partition));
    }
    lock_held_ = true;
    // Read under the lock: the previous owner may have moved the offset.
    pqxx::work locked(Connection());
    return locked.exec1("SELECT next_offset FROM worker_partition")[0].as<int64_t>();
  } catch (const std::exception& error) {
    return Failure("opening the database", error);
  }
}

absl::StatusOr<std::vector<Decision>> PostgresPartitionStore::LoadRange(
    pqxx::work& transaction, int64_t first, int64_t end) {
  std::vector<Decision> decisions;
  const pqxx::result rows = transaction.exec_params(
      absl::StrCat(kSelectDecisions,
                   "WHERE request_partition = $1 AND request_offset >= $2 "
                   "AND request_offset < $3 ORDER BY request_offset"),
      partition_, first, end);
  for (const pqxx::row& row : rows) decisions.push_back(DecisionFromRow(row));
  return decisions;
}

absl::StatusOr<std::vector<Decision>> PostgresPartitionStore::CommitBatch(
    int64_t next_offset, const std::vector<CheckedRequest>& requests) {
  if (requests.empty()) return std::vector<Decision>();
  const int64_t first = requests.front().offset;
  const int64_t end = requests.back().offset + 1;

  try {
    pqxx::work transaction(Connection());

    // The compare-and-set also locks the row until COMMIT, so batches of one
    // partition never interleave.
    const pqxx::result advanced = transaction.exec_params(
        "UPDATE worker_partition SET next_offset = $1 "
        "WHERE partition = $2 AND next_offset = $3",
        end, partition_, next_offset);
    if (advanced.affected_rows() != 1) {
      const int64_t stored =
          transaction.exec1("SELECT next_offset FROM worker_partition")[0].as<int64_t>();
      if (stored == end) return LoadRange(transaction, first, end);
      return absl::AbortedError(absl::StrCat(
          "the stored next offset of partition ", partition_, " is ", stored,
          ", expected ", next_offset, ": another worker writes this partition"));
    }

    const absl::Time now = absl::Now();
    std::vector<Decision> decisions;
    decisions.reserve(requests.size());
    for (const CheckedRequest& request : requests) {
      Decision decision;
      decision.partition = request.partition;
      decision.offset = request.offset;
      decision.request_id = request.request_id;
      decision.username = request.username;
      decision.display_name = request.display_name;
      decision.decided_at = absl::FromUnixMicros(absl::ToUnixMicros(now));

      if (!request.is_claim()) {
        decision.outcome = Outcome::kRejected;
        decision.reason = request.rejection_reason;
      } else if (const pqxx::result earlier = transaction.exec_params(
                     absl::StrCat(kSelectDecisions,
                                  "WHERE request_id = $1 AND username = $2 "
                                  "AND replay_of_offset IS NULL "
                                  "AND outcome <> 'rejected'"),
                     request.request_id, request.username);
                 !earlier.empty()) {
        // A retry: the request id and username were decided before, so
        // the earlier decision is repeated instead of deciding again.
        const Decision original = DecisionFromRow(earlier[0]);
        decision.outcome = original.outcome;
        decision.account_id = original.account_id;
        decision.reason = original.reason;
        decision.replay_of_offset = original.offset;
      } else {
        const std::string account_id = Ksuid::Generate(now).ToString();
        const pqxx::result inserted = transaction.exec_params(
            "INSERT INTO accounts (account_id, username, request_id, "
            "request_partition, request_offset, created_at, display_name) "
            "VALUES ($1, $2, $3, $4, $5, to_timestamp($6::double precision / 1e6), $7) "
            "ON CONFLICT (username) DO NOTHING",
            account_id, request.username, request.request_id, request.partition,
            request.offset, absl::ToUnixMicros(now), request.display_name);
        if (inserted.affected_rows() == 1) {
          decision.outcome = Outcome::kCreated;
          decision.account_id = account_id;
        } else {
          decision.outcome = Outcome::kUsernameTaken;
        }
      }

      transaction.exec_params(
          "INSERT INTO decisions (request_partition, request_offset, request_id, "
          "username, outcome, account_id, reason, decided_at, replay_of_offset, "
          "display_name) "
          "VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), $7, "
          "to_timestamp($8::double precision / 1e6), NULLIF($9, -1), $10)",
          decision.partition, decision.offset, decision.request_id,
          decision.username, std::string(OutcomeName(decision.outcome)),
          decision.account_id, decision.reason, absl::ToUnixMicros(now),
          decision.replay_of_offset, decision.display_name);
      decisions.push_back(std::move(decision));
    }
    transaction.commit();
    return decisions;
  } catch (const std::exception& error) {
    return Failure("committing a batch", error);
  }
}

absl::StatusOr<std::vector<Decision>> PostgresPartitionStore::LoadUnpublished(
    int limit) {
  try {
    pqxx::work transaction(Connection());
    const pqxx::result rows = transaction.exec_params(
        absl::StrCat(kSelectDecisions,
                     "WHERE request_partition = $1 AND published_at IS NULL "
                     "ORDER BY request_offset LIMIT $2"),
        partition_, limit);
    std::vector<Decision> decisions;
    for (const pqxx::row& row : rows) decisions.push_back(DecisionFromRow(row));
    return decisions;
  } catch (const std::exception& error) {
    return Failure("loading unpublished decisions", error);
  }
}

absl::Status PostgresPartitionStore::MarkPublished(
    const std::vector<int64_t>& offsets) {
  if (offsets.empty()) return absl::OkStatus();
  try {
    pqxx::work transaction(Connection());
    transaction.exec_params(
        "UPDATE decisions SET published_at = now() "
        "WHERE request_partition = $1 AND request_offset = ANY($2::bigint[]) "
        "AND published_at IS NULL",
        partition_, absl::StrCat("{", absl::StrJoin(offsets, ","), "}"));
    transaction.commit();
    return absl::OkStatus();
  } catch (const std::exception& error) {
    return Failure("marking decisions published", error);
  }
}

absl::StatusOr<int64_t> PostgresPartitionStore::PruneDecisions(absl::Time cutoff,
                                                               int limit) {
  try {
    pqxx::work transaction(Connection());
    const pqxx::result deleted = transaction.exec_params(
        "DELETE FROM decisions WHERE (request_partition, request_offset) IN ("
        " SELECT request_partition, request_offset FROM decisions"
        " WHERE decided_at < to_timestamp($1::double precision / 1e6)"
        " AND published_at IS NOT NULL LIMIT $2)",
        absl::ToUnixMicros(cutoff), limit);
    transaction.commit();
    return static_cast<int64_t>(deleted.affected_rows());
  } catch (const std::exception& error) {
    return Failure("pruning decisions", error);
  }
}

absl::Status PostgresPartitionStore::Ping() {
  try {
    pqxx::nontransaction transaction(Connection());
    transaction.exec("SELECT 1");
    return absl::OkStatus();
  } catch (const std::exception& error) {
    return Failure("pinging the database", error);
  }
}

}  // namespace signup
