// PartitionStore on a PostgreSQL database migrated by signup-admin.
#ifndef SIGNUP_SERVICES_WORKER_POSTGRES_PARTITION_STORE_H_
#define SIGNUP_SERVICES_WORKER_POSTGRES_PARTITION_STORE_H_

#include <pqxx/pqxx>

#include <memory>
#include <string>

#include "services/worker/partition_store.h"

namespace signup {

// Holds one connection, opened lazily and reopened on the next call after
// it breaks. Not thread-safe: the worker's loop owns it.
class PostgresPartitionStore : public PartitionStore {
 public:
  // `conninfo` is a libpq connection string; nothing connects yet. Open
  // records `username_policy` in a database that has none, and fails with
  // FAILED_PRECONDITION on a database recorded under another policy,
  // because its canonical names would no longer match new claims.
  explicit PostgresPartitionStore(std::string conninfo,
                                  std::string username_policy = "precis");

  absl::StatusOr<int64_t> Open(int32_t partition) override;
  void Close() override;
  absl::StatusOr<std::vector<Decision>> CommitBatch(
      int64_t next_offset, const std::vector<CheckedRequest>& requests) override;
  absl::StatusOr<std::vector<Decision>> LoadUnpublished(int limit) override;
  absl::Status MarkPublished(const std::vector<int64_t>& offsets) override;
  absl::StatusOr<int64_t> PruneDecisions(absl::Time cutoff, int limit) override;
  absl::Status Ping() override;

 private:
  // Returns the open connection, connecting first when there is none. A
  // new connection takes the writer lock again when this store held it;
  // throws PartitionLockLost when another session holds it now.
  pqxx::connection& Connection();

  // Tries to take the writer lock on `connection`.
  bool TryLock(pqxx::connection& connection);

  // Converts a libpqxx exception into a status and drops a broken
  // connection, so that the next call reconnects.
  absl::Status Failure(absl::string_view operation, const std::exception& error);

  absl::StatusOr<std::vector<Decision>> LoadRange(pqxx::work& transaction,
                                                  int64_t first, int64_t end);

  std::string conninfo_;
  std::string username_policy_;
  int32_t partition_ = -1;
  std::unique_ptr<pqxx::connection> connection_;
  // True while this store owns the partition's writer lock.
  bool lock_held_ = false;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_WORKER_POSTGRES_PARTITION_STORE_H_
