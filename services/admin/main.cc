// signup-admin: prepares Kafka and the partition databases.
//
//   signup-admin setup DSN0 DSN1 DSN2     topics with 3 partitions + schemas
//   signup-admin migrate DSN0 DSN1 DSN2   schemas only; DSN i is partition i
//   signup-admin create-topics --partitions=3
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/admin/topic_setup.h"
#include "services/common/connection_string.h"
#include "services/common/env_flags.h"
#include "services/common/kafka_flags.h"
#include "services/common/logging.h"
#include "services/common/schema.h"
#include "services/common/logging.h"

ABSL_FLAG(int32_t, partitions, 0,
          "create-topics only: partition count of both topics. setup takes it "
          "from the number of databases. Env: SIGNUP_PARTITIONS.");
ABSL_FLAG(int32_t, replication_factor, 1,
          "Replication factor of newly created topics; use 3 on a production "
          "cluster. Env: SIGNUP_REPLICATION_FACTOR.");
ABSL_FLAG(int32_t, timeout_seconds, 30,
          "How long to wait for the Kafka brokers, in seconds. "
          "Env: SIGNUP_TIMEOUT_SECONDS.");

namespace {

constexpr char kUsage[] = R"(Prepares Kafka topics and partition databases for Distributed Signup.

Usage:
  signup-admin setup [flags] DSN0 DSN1 ...
      Creates both topics with one partition per database, then migrates
      database i as the database of partition i.
  signup-admin migrate [flags] DSN0 DSN1 ...
      Applies the schema migrations to each database; DSN i is partition i.
  signup-admin create-topics --partitions=N [flags]
      Creates both topics with N partitions.

DSN is a libpq connection string, e.g. "host=127.0.0.1 port=5433 dbname=signup
user=signup". Without positional DSNs, SIGNUP_DATABASE_0, SIGNUP_DATABASE_1, ...
are read in order. Every command is idempotent, and stops with an error when an
existing topic's partition count differs from the number of databases.)";

std::vector<std::string> DatabasesFromArguments(const std::vector<char*>& args) {
  std::vector<std::string> databases(args.begin() + 2, args.end());
  if (!databases.empty()) return databases;
  for (int i = 0;; ++i) {
    const char* value = std::getenv(absl::StrCat("SIGNUP_DATABASE_", i).c_str());
    if (value == nullptr) break;
    databases.emplace_back(value);
  }
  return databases;
}

absl::Status CreateTopics(int32_t partitions) {
  return signup::EnsureTopics({
      .brokers = absl::GetFlag(FLAGS_brokers),
      .topics = {absl::GetFlag(FLAGS_request_topic),
                 absl::GetFlag(FLAGS_response_topic)},
      .partitions = partitions,
      .replication_factor =
          static_cast<int16_t>(absl::GetFlag(FLAGS_replication_factor)),
      .timeout = absl::Seconds(absl::GetFlag(FLAGS_timeout_seconds)),
  });
}

absl::Status Migrate(const std::vector<std::string>& databases) {
  for (size_t partition = 0; partition < databases.size(); ++partition) {
    absl::StatusOr<std::string> redacted =
        signup::RedactConnectionString(databases[partition]);
    if (!redacted.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "database ", partition, ": ", redacted.status().message()));
    }
    try {
      pqxx::connection connection(databases[partition]);
      absl::Status migrated =
          signup::MigrateDatabase(connection, static_cast<int32_t>(partition));
      if (!migrated.ok()) {
        return absl::Status(migrated.code(),
                            absl::StrCat("database ", partition, " (", *redacted,
                                         "): ", migrated.message()));
      }
    } catch (const pqxx::failure& error) {
      return absl::UnavailableError(absl::StrCat(
          "cannot connect to database ", partition, " (", *redacted,
          "): ", error.what()));
    }
    spdlog::info("database migrated partition={} database=\"{}\" schema_version={}",
                 partition, *redacted, signup::kSchemaVersion);
  }
  return absl::OkStatus();
}

absl::Status Run(const std::vector<char*>& args) {
  if (args.size() < 2) {
    return absl::InvalidArgumentError(
        "missing command; use setup, migrate or create-topics (see --help)");
  }
  const std::string command = args[1];
  if (command == "create-topics") {
    const int32_t partitions = absl::GetFlag(FLAGS_partitions);
    if (partitions < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid --partitions=", partitions,
                       ": create-topics needs --partitions=N with N >= 1"));
    }
    return CreateTopics(partitions);
  }
  if (command != "setup" && command != "migrate") {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown command \"", command, "\"; use setup, migrate or create-topics"));
  }

  const std::vector<std::string> databases = DatabasesFromArguments(args);
  if (databases.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        command, " needs one database connection string per partition, as "
                 "arguments or in SIGNUP_DATABASE_0, SIGNUP_DATABASE_1, ..."));
  }
  if (command == "setup") {
    absl::Status topics = CreateTopics(static_cast<int32_t>(databases.size()));
    if (!topics.ok()) return topics;
  }
  return Migrate(databases);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args = signup::ParseFlagsWithEnvironment(
      argc, argv, kUsage,
      {SIGNUP_KAFKA_FLAG_NAMES, "partitions", "replication_factor",
       "timeout_seconds", SIGNUP_LOGGING_FLAG_NAMES});
  if (const absl::Status logging = signup::InitLogging("signup-admin"); !logging.ok()) {
    spdlog::error("{}", logging.message());
    return 2;
  }

  const absl::Status status = Run(args);
  if (!status.ok()) {
    spdlog::error("{}", status.message());
    return 1;
  }
  return 0;
}
