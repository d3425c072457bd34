// signup-worker: decides the signup requests of one partition.
#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "services/common/connection_string.h"
#include "services/common/env_flags.h"
#include "services/common/grpc_server.h"
#include "services/common/kafka_flags.h"
#include "services/common/logging.h"
#include "services/common/shutdown_signal.h"
#include "services/common/username_flags.h"
#include "services/worker/partition_worker.h"
#include "services/worker/postgres_partition_store.h"
#include "services/common/logging.h"

ABSL_FLAG(int32_t, partition, -1,
          "Required. The partition of the request topic that this worker "
          "decides, from 0. Env: SIGNUP_PARTITION.");
ABSL_FLAG(std::string, database, "",
          "Required. libpq connection string of the partition's database, e.g. "
          "\"host=127.0.0.1 port=5433 dbname=signup user=signup\". Env: "
          "SIGNUP_DATABASE.");
ABSL_FLAG(std::string, listen, "127.0.0.1:50061",
          "host:port of the gRPC health and reflection server. Env: SIGNUP_LISTEN.");
ABSL_FLAG(int32_t, batch_size, 100,
          "Maximum number of requests decided in one database transaction, 1 to "
          "10000. Env: SIGNUP_BATCH_SIZE.");
ABSL_FLAG(int32_t, decision_retention_hours, 168,
          "How long, in hours, decisions are kept so that a retry with the same "
          "request id and username gets the original decision again; older ones "
          "are deleted in the background. Env: SIGNUP_DECISION_RETENTION_HOURS.");
ABSL_FLAG(int32_t, retry_max_ms, 5000,
          "Upper bound, in milliseconds, of the backoff between retries of "
          "PostgreSQL and Kafka calls. Env: SIGNUP_RETRY_MAX_MS.");

namespace {

constexpr char kUsage[] = R"(Decides the signup requests of one partition.

Usage: signup-worker --partition=N --database=DSN [flags]

Reads partition N of the request topic from the offset stored in the
partition's database, decides each request in that database (the first claim
of a username creates the account, later claims are refused), and publishes
each decision to partition N of the response topic. Retries PostgreSQL and
Kafka errors with bounded backoff. A second worker started for the same
partition waits as a standby (NOT_SERVING) and takes over within seconds when
the first one's database session ends. Stops on SIGTERM or SIGINT. Every flag can
also be set by its environment variable.)";

}  // namespace

int main(int argc, char** argv) {
  signup::BlockShutdownSignals();
  signup::ParseFlagsWithEnvironment(
      argc, argv, kUsage,
      {SIGNUP_KAFKA_FLAG_NAMES, SIGNUP_USERNAME_FLAG_NAMES, "partition", "database", "listen", "batch_size",
       "retry_max_ms", "decision_retention_hours", SIGNUP_LOGGING_FLAG_NAMES});
  if (const absl::Status logging = signup::InitLogging("signup-worker"); !logging.ok()) {
    spdlog::error("{}", logging.message());
    return 2;
  }

  const int32_t partition = absl::GetFlag(FLAGS_partition);
  const std::string database = absl::GetFlag(FLAGS_database);
  const int32_t batch_size = absl::GetFlag(FLAGS_batch_size);
  if (partition < 0) {
    spdlog::error("missing --partition: give the partition number, from 0");
    return 2;
  }
  if (absl::GetFlag(FLAGS_decision_retention_hours) < 1) {
    spdlog::error("invalid --decision_retention_hours={}: use at least 1",
                  absl::GetFlag(FLAGS_decision_retention_hours));
    return 2;
  }
  if (batch_size < 1 || batch_size > 10000) {
    spdlog::error("invalid --batch_size={}: use 1 to 10000", batch_size);
    return 2;
  }
  absl::StatusOr<signup::UsernamePolicy> username_policy = signup::UsernamePolicyFromFlags();
  if (!username_policy.ok()) {
    spdlog::error("{}", username_policy.status().message());
    return 2;
  }
  absl::StatusOr<std::string> redacted = signup::RedactConnectionString(database);
  if (database.empty() || !redacted.ok()) {
    spdlog::error("invalid --database: {}",
                  database.empty() ? "it is empty; give a libpq connection string"
                                   : redacted.status().message());
    return 2;
  }

  absl::StatusOr<signup::StartedServer> server =
      signup::StartGrpcServer(absl::GetFlag(FLAGS_listen), {});
  if (!server.ok()) {
    spdlog::error("{}", server.status().message());
    return 1;
  }
  spdlog::info("worker starting partition={} database=\"{}\" grpc_port={}", partition,
               *redacted, server->port);

  grpc::Server& grpc_server = *server->server;
  signup::PartitionWorker worker(
      {
          .partition = partition,
          .brokers = absl::GetFlag(FLAGS_brokers),
          .request_topic = absl::GetFlag(FLAGS_request_topic),
          .response_topic = absl::GetFlag(FLAGS_response_topic),
          .batch_size = batch_size,
          .retry_max = absl::Milliseconds(absl::GetFlag(FLAGS_retry_max_ms)),
          .decision_retention = absl::Hours(absl::GetFlag(FLAGS_decision_retention_hours)),
          .username_policy = *username_policy,
      },
      std::make_unique<signup::PostgresPartitionStore>(
          database, std::string(signup::UsernamePolicyKindName(username_policy->kind))),
      [&grpc_server, partition](bool serving) {
        signup::SetServing(grpc_server, serving);
        spdlog::info("health changed partition={} status={}", partition,
                     serving ? "SERVING" : "NOT_SERVING");
      });

  std::thread signal_thread([&worker] {
    const int signal_number = signup::WaitForShutdownSignal();
    spdlog::info("shutdown requested signal={}", signal_number);
    worker.Stop();
  });

  const absl::Status status = worker.Run();
  if (!status.ok()) spdlog::error("worker failed partition={} error=\"{}\"", partition,
                                  status.message());

  // Wakes the signal thread when the worker ended by itself.
  kill(getpid(), SIGTERM);
  signal_thread.join();
  server->server->Shutdown();
  return status.ok() ? 0 : 1;
}
