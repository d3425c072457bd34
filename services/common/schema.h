// The PostgreSQL schema of a partition's database, as versioned migrations.
//
// Each database belongs to exactly one partition of account.signup_request.
// It stores the accounts created from that partition, one decision per
// request read from it, and the offset of the next request to read, all
// written in one transaction per batch of requests.
//
//   worker_partition   one row: the partition this database belongs to and
//                      the next offset to read
//   accounts           one row per created account; username is unique
//   decisions          one row per decided request, keyed by its offset;
//                      published_at stays NULL until Kafka acknowledged the
//                      decision on account.signup_response (the outbox);
//                      replay_of_offset is set on a retry's decision and
//                      names the offset of the decision it repeats
//   schema_migrations  one row per applied migration
#ifndef SIGNUP_SERVICES_COMMON_SCHEMA_H_
#define SIGNUP_SERVICES_COMMON_SCHEMA_H_

#include <pqxx/pqxx>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace signup {

// The schema version that this build reads and writes.
inline constexpr int kSchemaVersion = 3;

// Applies every migration newer than the database's version, each in its
// own transaction, and records the database as belonging to `partition`.
// Safe to run concurrently and repeatedly. Returns FAILED_PRECONDITION when
// the database already belongs to another partition or has a schema newer
// than this build, and UNAVAILABLE for a connection or SQL error.
absl::Status MigrateDatabase(pqxx::connection& connection, int32_t partition);

// Returns the schema version of the database, or 0 for an empty database.
absl::StatusOr<int> ReadSchemaVersion(pqxx::connection& connection);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_SCHEMA_H_
