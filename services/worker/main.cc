// signup-worker: decides the signup requests of one partition.
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "services/common/connection_string.h"
#include "services/common/env_flags.h"
#include "services/common/grpc_server.h"
#include "services/common/kafka_flags.h"
#include "services/common/logging.h"
#include "services/common/metrics_server.h"
#include "services/common/shutdown_signal.h"
#include "services/common/username_flags.h"
#include "services/common/version.h"
#include "services/worker/account_reader.h"
#include "services/worker/admin_service.h"
#include "services/worker/partition_worker.h"
#include "services/worker/postgres_partition_store.h"

ABSL_FLAG(int32_t, partition, -1,
          "Required. The partition of the request topic that this worker "
          "decides, from 0. Env: SIGNUP_PARTITION.");
ABSL_FLAG(std::string, database, "",
          "Required. libpq connection string of the partition's database, e.g. "
          "\"host=127.0.0.1 port=5433 dbname=signup user=signup\". Env: "
          "SIGNUP_DATABASE.");
ABSL_FLAG(std::string, listen, "127.0.0.1:50061",
          "host:port of the gRPC health and reflection server, for probes such "
          "as Kubernetes' gRPC liveness and readiness checks. Env: SIGNUP_LISTEN.");
ABSL_FLAG(std::string, admin_listen, "127.0.0.1:50071",
          "host:port of the gRPC server of signup.admin.v1.WorkerAdmin (with "
          "health and reflection). It has no authentication: Pause and Resume "
          "stop and start the partition, so keep it on loopback or behind a "
          "network policy. Env: SIGNUP_ADMIN_LISTEN.");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9161",
          "host:port of the HTTP server of the Prometheus metrics, at /metrics; "
          "empty to serve none. Env: SIGNUP_METRICS_LISTEN.");
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
      {SIGNUP_KAFKA_FLAG_NAMES, SIGNUP_USERNAME_FLAG_NAMES, "partition", "database", "listen", "admin_listen", "metrics_listen", "batch_size",
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

  const absl::Time started_at = absl::Now();
  auto registry = std::make_shared<prometheus::Registry>();
  signup::WorkerMetrics metrics(*registry, partition);
  absl::StatusOr<std::unique_ptr<signup::MetricsServer>> metrics_server =
      signup::MetricsServer::Start(absl::GetFlag(FLAGS_metrics_listen), registry);
  if (!metrics_server.ok()) {
    spdlog::error("invalid --metrics-listen: {}", metrics_server.status().message());
    return 1;
  }

  absl::StatusOr<signup::StartedServer> server =
      signup::StartGrpcServer(absl::GetFlag(FLAGS_listen), {});
  if (!server.ok()) {
    spdlog::error("invalid --listen: {}", server.status().message());
    return 1;
  }

  // GetStatus reads the high watermark through a consumer of its own: the
  // worker's consumer belongs to the worker's thread.
  const std::string request_topic = absl::GetFlag(FLAGS_request_topic);
  absl::StatusOr<std::unique_ptr<signup::KafkaConsumer>> watermark_consumer =
      signup::KafkaConsumer::Create({
          .brokers = absl::GetFlag(FLAGS_brokers),
          .client_id = absl::StrCat("signup-worker-", partition, "-admin"),
          .group_id = absl::StrCat("signup-worker-", partition, "-admin"),
      });
  if (!watermark_consumer.ok()) {
    spdlog::error("{}", watermark_consumer.status().message());
    return 2;
  }
  std::mutex watermark_mutex;
  auto high_watermark = [&]() -> absl::StatusOr<int64_t> {
    std::lock_guard lock(watermark_mutex);
    absl::StatusOr<signup::Watermarks> watermarks =
        (*watermark_consumer)->QueryWatermarks(request_topic, partition, absl::Seconds(1));
    if (!watermarks.ok()) return watermarks.status();
    return watermarks->high;
  };

  signup::AccountReader accounts(database);
  // The servers whose health follows the worker's; guarded, because the
  // admin server is added while its RPCs may already change the health.
  std::mutex health_mutex;
  std::vector<grpc::Server*> health_servers = {server->server.get()};
  bool last_serving = false;
  signup::PartitionWorker worker(
      {
          .partition = partition,
          .brokers = absl::GetFlag(FLAGS_brokers),
          .request_topic = request_topic,
          .response_topic = absl::GetFlag(FLAGS_response_topic),
          .batch_size = batch_size,
          .retry_max = absl::Milliseconds(absl::GetFlag(FLAGS_retry_max_ms)),
          .decision_retention = absl::Hours(absl::GetFlag(FLAGS_decision_retention_hours)),
          .username_policy = *username_policy,
      },
      std::make_unique<signup::PostgresPartitionStore>(
          database, std::string(signup::UsernamePolicyKindName(username_policy->kind))),
      [&health_mutex, &health_servers, &last_serving, partition](bool serving) {
        std::lock_guard lock(health_mutex);
        last_serving = serving;
        signup::SetServing(*health_servers.front(), serving);
        for (size_t i = 1; i < health_servers.size(); ++i) {
          signup::SetServing(*health_servers[i], serving, {"signup.admin.v1.WorkerAdmin"});
        }
        spdlog::info("health changed partition={} status={}", partition,
                     serving ? "SERVING" : "NOT_SERVING");
      },
      &metrics);

  signup::WorkerAdminService admin_service(
      {
          .partition = partition,
          .version = std::string(signup::BuildVersion()),
          .username_policy =
              std::string(signup::UsernamePolicyKindName(username_policy->kind)),
          .started_at = started_at,
      },
      &worker, &accounts, high_watermark, &*username_policy, &metrics);
  absl::StatusOr<signup::StartedServer> admin_server =
      signup::StartGrpcServer(absl::GetFlag(FLAGS_admin_listen), {&admin_service});
  if (!admin_server.ok()) {
    spdlog::error("invalid --admin-listen: {}", admin_server.status().message());
    return 1;
  }
  {
    std::lock_guard lock(health_mutex);
    health_servers.push_back(admin_server->server.get());
    signup::SetServing(*admin_server->server, last_serving, {"signup.admin.v1.WorkerAdmin"});
  }
  spdlog::info("worker starting partition={} version={} database=\"{}\" grpc_port={} "
               "admin_port={} metrics_port={}",
               partition, signup::BuildVersion(), *redacted, server->port,
               admin_server->port, *metrics_server ? (*metrics_server)->port() : 0);

  // Keeps the lag and database gauges fresh between GetStatus calls.
  std::mutex probe_mutex;
  std::condition_variable probe_stop;
  bool probing = true;
  std::thread probe_thread([&] {
    std::unique_lock lock(probe_mutex);
    while (probing) {
      lock.unlock();
      admin_service.Probe();
      lock.lock();
      probe_stop.wait_for(lock, std::chrono::seconds(1), [&] { return !probing; });
    }
  });

  std::atomic<bool> worker_ended{false};
  std::thread signal_thread([&worker, &worker_ended] {
    const int signal_number = signup::WaitForShutdownSignal();
    if (worker_ended) return;
    spdlog::info("shutdown requested, draining signal={}", signal_number);
    worker.Stop();
  });

  const absl::Status status = worker.Run();
  if (!status.ok()) spdlog::error("worker failed partition={} error=\"{}\"", partition,
                                  status.message());

  // Wakes the signal thread when the worker ended by itself.
  worker_ended = true;
  kill(getpid(), SIGTERM);
  signal_thread.join();
  {
    std::lock_guard lock(probe_mutex);
    probing = false;
  }
  probe_stop.notify_all();
  probe_thread.join();
  admin_server->server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  server->server->Shutdown();
  spdlog::info("worker exited partition={} status={}", partition,
               status.ok() ? "ok" : "failed");
  return status.ok() ? 0 : 1;
}
