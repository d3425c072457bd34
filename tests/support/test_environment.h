// Access to the real Kafka broker and PostgreSQL servers that scripts/test
// starts for the suite, and per-test resources on them: a fresh database,
// fresh topics, a scratch folder. Tests never share a database or a topic,
// so they can run in parallel.
//
// scripts/test exports:
//   SIGNUP_TEST_BROKERS         host:port of the broker
//   SIGNUP_TEST_POSTGRES_<i>    libpq DSN of the maintenance database of
//                               server i (i = 0, 1, 2), as a superuser
//   SIGNUP_TEST_GRPCURL         path of grpcurl
#ifndef SIGNUP_TESTS_SUPPORT_TEST_ENVIRONMENT_H_
#define SIGNUP_TESTS_SUPPORT_TEST_ENVIRONMENT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace signup::testing {

// Returns the value of environment variable `name`. A missing variable
// fails the calling test with a message that names scripts/test as the way
// to run the suite.
std::string RequireEnvironment(const char* name);

// SIGNUP_TEST_BROKERS.
std::string Brokers();

// Returns the maintenance DSN of PostgreSQL server `server` (0, 1 or 2).
std::string PostgresAdminDsn(int server);

// Returns `prefix` followed by a unique lowercase suffix, usable as a topic,
// database or file name.
std::string UniqueName(absl::string_view prefix);

// Returns a new folder under the temporary directory for logs of one test.
std::string ScratchDirectory(absl::string_view name);

// Returns a TCP port on 127.0.0.1 that was free a moment ago, below the
// ephemeral port range and not returned before in this process.
int FreePort();

// A database created on one of the test servers for one test, dropped
// (with its connections) when the object is destroyed.
class TemporaryDatabase {
 public:
  explicit TemporaryDatabase(int server);
  ~TemporaryDatabase();
  TemporaryDatabase(const TemporaryDatabase&) = delete;
  TemporaryDatabase& operator=(const TemporaryDatabase&) = delete;

  // libpq DSN of the new database.
  const std::string& dsn() const { return dsn_; }
  const std::string& name() const { return name_; }

 private:
  int server_;
  std::string name_;
  std::string dsn_;
};

// A request and a response topic with fresh names, created on the test
// broker with `partitions` partitions each.
struct TestTopics {
  std::string request;
  std::string response;
};
TestTopics CreateTestTopics(int32_t partitions);

}  // namespace signup::testing

#endif  // SIGNUP_TESTS_SUPPORT_TEST_ENVIRONMENT_H_
