#include "services/worker/account_reader.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace signup {
namespace {

// Adds a 2-second connect_timeout unless `conninfo` sets one, so that a
// database host that drops packets cannot stall GetStatus. libpq takes the
// last value of a repeated keyword.
std::string WithConnectTimeout(const std::string& conninfo) {
  if (absl::StrContains(conninfo, "connect_timeout")) return conninfo;
  if (absl::StartsWith(conninfo, "postgres://") ||
      absl::StartsWith(conninfo, "postgresql://")) {
    return absl::StrCat(conninfo, absl::StrContains(conninfo, '?') ? "&" : "?",
                        "connect_timeout=2");
  }
  return absl::StrCat(conninfo, " connect_timeout=2");
}

}  // namespace

AccountReader::AccountReader(std::string conninfo)
    : conninfo_(WithConnectTimeout(conninfo)) {}

pqxx::connection& AccountReader::Connection() {
  if (connection_ == nullptr || !connection_->is_open()) {
    connection_ = std::make_unique<pqxx::connection>(conninfo_);
    pqxx::nontransaction setup(*connection_);
    setup.exec("SET statement_timeout = 2000");
    setup.exec("SET default_transaction_read_only = on");
  }
  return *connection_;
}

absl::Status AccountReader::Failure(absl::string_view operation,
                                    const std::exception& error) {
  // Drop the connection whatever broke: the next call opens a new one.
  connection_.reset();
  // libpq's messages span several lines; a log line must not.
  const std::string message = absl::StrReplaceAll(error.what(), {{"\n", " "}});
  return absl::UnavailableError(
      absl::StrCat(operation, " failed: ", absl::StripAsciiWhitespace(message)));
}

absl::StatusOr<std::optional<StoredAccount>> AccountReader::Lookup(
    absl::string_view canonical_username) {
  std::lock_guard lock(mutex_);
  try {
    pqxx::nontransaction query(Connection());
    const pqxx::result rows = query.exec_params(
        "SELECT account_id, username, display_name, "
        "(extract(epoch FROM created_at) * 1000000)::bigint, request_id, "
        "request_partition, request_offset FROM accounts WHERE username = $1",
        std::string(canonical_username));
    if (rows.empty()) return std::nullopt;
    const pqxx::row& row = rows[0];
    return StoredAccount{
        .account_id = row[0].as<std::string>(),
        .username = row[1].as<std::string>(),
        .display_name = row[2].as<std::string>(),
        .created_at = absl::FromUnixMicros(row[3].as<int64_t>()),
        .request_id = row[4].as<std::string>(),
        .request_partition = row[5].as<int32_t>(),
        .request_offset = row[6].as<int64_t>(),
    };
  } catch (const std::exception& error) {
    return Failure("looking up the account", error);
  }
}

absl::StatusOr<absl::Duration> AccountReader::Ping() {
  std::lock_guard lock(mutex_);
  try {
    pqxx::connection& connection = Connection();
    const absl::Time start = absl::Now();
    pqxx::nontransaction query(connection);
    query.exec("SELECT 1");
    return absl::Now() - start;
  } catch (const std::exception& error) {
    return Failure("pinging the database", error);
  }
}

}  // namespace signup
