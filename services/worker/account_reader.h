// Read-only queries of a partition's database for the worker's admin API:
// account lookups and pings. They run on a connection of their own, so an
// operator's query never waits for, or disturbs, the worker's transaction.
#ifndef SIGNUP_SERVICES_WORKER_ACCOUNT_READER_H_
#define SIGNUP_SERVICES_WORKER_ACCOUNT_READER_H_

#include <pqxx/pqxx>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace signup {

// One row of the accounts table.
struct StoredAccount {
  std::string account_id;
  std::string username;
  std::string display_name;
  absl::Time created_at;
  std::string request_id;
  int32_t request_partition = 0;
  int64_t request_offset = 0;
};

// Holds one connection, opened lazily and reopened after it breaks.
// Connecting and each query are limited to 2 seconds (connect_timeout,
// unless the connection string sets it, and statement_timeout).
// Thread-safe: calls are serialized.
class AccountReader {
 public:
  // `conninfo` is a libpq connection string; nothing connects yet.
  explicit AccountReader(std::string conninfo);

  // Returns the account holding `canonical_username`, or nullopt when none
  // does. Returns UNAVAILABLE naming the cause when the database does not
  // answer.
  absl::StatusOr<std::optional<StoredAccount>> Lookup(absl::string_view canonical_username);

  // Runs a trivial query and returns its round-trip time, or UNAVAILABLE.
  absl::StatusOr<absl::Duration> Ping();

 private:
  pqxx::connection& Connection();
  absl::Status Failure(absl::string_view operation, const std::exception& error);

  std::string conninfo_;
  std::mutex mutex_;
  std::unique_ptr<pqxx::connection> connection_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_WORKER_ACCOUNT_READER_H_
