// signup-gateway: serves signup.v1.SignupService over gRPC, writes each
// claim to Kafka and streams the worker's decision back.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "services/common/backoff.h"
#include "services/common/env_flags.h"
#include "services/common/grpc_server.h"
#include "services/common/kafka_flags.h"
#include "services/common/kafka_producer.h"
#include "services/common/logging.h"
#include "services/common/metrics_server.h"
#include "services/common/request_id.h"
#include "services/common/shutdown_signal.h"
#include "services/common/username_flags.h"
#include "services/common/version.h"
#include "services/gateway/decision_router.h"
#include "services/gateway/gateway_metrics.h"
#include "services/gateway/response_listener.h"
#include "services/gateway/signup_service.h"
#include "services/gateway/worker_admin_clients.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051",
          "host:port of the gRPC server (SignupService, health, reflection). "
          "Env: SIGNUP_LISTEN.");
ABSL_FLAG(std::string, gateway_id, "",
          "Id of this gateway instance, written into each request for tracing. "
          "Default: a new KSUID per start. Env: SIGNUP_GATEWAY_ID.");
ABSL_FLAG(int32_t, delivery_timeout_ms, 30000,
          "How long, in milliseconds, the gateway keeps retrying to write a "
          "request to Kafka before the Signup call fails with UNAVAILABLE. "
          "Env: SIGNUP_DELIVERY_TIMEOUT_MS.");
ABSL_FLAG(int32_t, shutdown_grace_ms, 10000,
          "How long, in milliseconds, Signup calls already accepted may wait "
          "for their decisions after SIGTERM or SIGINT; new signups are refused "
          "with UNAVAILABLE and health reports NOT_SERVING meanwhile. Calls "
          "still open after it are cancelled. Env: SIGNUP_SHUTDOWN_GRACE_MS.");
ABSL_FLAG(std::string, worker_admin_addresses, "",
          "Comma-separated host:port of every partition's worker admin API "
          "(signup.admin.v1.WorkerAdmin), partition 0 first, such as "
          "127.0.0.1:50071,127.0.0.1:50072,127.0.0.1:50073. CheckUsername, "
          "GetAccount and GetClusterStatus need it; without it they fail with "
          "FAILED_PRECONDITION. Env: SIGNUP_WORKER_ADMIN_ADDRESSES.");
ABSL_FLAG(int32_t, admin_timeout_ms, 3000,
          "Deadline, in milliseconds, of each call to a worker's admin API. "
          "Env: SIGNUP_ADMIN_TIMEOUT_MS.");
ABSL_FLAG(std::string, metrics_listen, "127.0.0.1:9151",
          "host:port of the HTTP server of the Prometheus metrics, at /metrics; "
          "empty to serve none. Env: SIGNUP_METRICS_LISTEN.");

namespace {

constexpr char kUsage[] = R"(Serves signup.v1.SignupService.

Usage: signup-gateway [flags]

Each Signup call is written to the request topic, keyed by username, with an
idempotent producer (acks=all). The call receives `accepted` once Kafka stored
the request, then the decision of the partition's worker, read from the
response topic. The gRPC server also serves grpc.health.v1.Health and server
reflection. Stops on SIGTERM or SIGINT. Every flag can also be set by its
environment variable.)";

}  // namespace

int main(int argc, char** argv) {
  signup::BlockShutdownSignals();
  signup::ParseFlagsWithEnvironment(
      argc, argv, kUsage,
      {SIGNUP_KAFKA_FLAG_NAMES, SIGNUP_USERNAME_FLAG_NAMES, "listen", "gateway_id",
       "delivery_timeout_ms", "shutdown_grace_ms", "worker_admin_addresses",
       "admin_timeout_ms", "metrics_listen", SIGNUP_LOGGING_FLAG_NAMES});
  if (const absl::Status logging = signup::InitLogging("signup-gateway"); !logging.ok()) {
    spdlog::error("{}", logging.message());
    return 2;
  }

  const absl::StatusOr<signup::UsernamePolicy> username_policy =
      signup::UsernamePolicyFromFlags();
  if (!username_policy.ok()) {
    spdlog::error("{}", username_policy.status().message());
    return 2;
  }

  std::string gateway_id = absl::GetFlag(FLAGS_gateway_id);
  if (gateway_id.empty()) gateway_id = signup::GenerateRequestId();
  const std::string brokers = absl::GetFlag(FLAGS_brokers);
  const std::string response_topic = absl::GetFlag(FLAGS_response_topic);

  absl::StatusOr<std::unique_ptr<signup::KafkaProducer>> producer =
      signup::KafkaProducer::Create({
          .brokers = brokers,
          .client_id = absl::StrCat("signup-gateway-", gateway_id),
          .delivery_timeout = absl::Milliseconds(absl::GetFlag(FLAGS_delivery_timeout_ms)),
      });
  if (!producer.ok()) {
    spdlog::error("{}", producer.status().message());
    return 2;
  }

  auto registry = std::make_shared<prometheus::Registry>();
  signup::GatewayMetrics metrics(*registry);
  absl::StatusOr<std::unique_ptr<signup::MetricsServer>> metrics_server =
      signup::MetricsServer::Start(absl::GetFlag(FLAGS_metrics_listen), registry);
  if (!metrics_server.ok()) {
    spdlog::error("invalid --metrics-listen: {}", metrics_server.status().message());
    return 1;
  }

  std::unique_ptr<signup::WorkerAdminClients> workers;
  if (const std::string addresses = absl::GetFlag(FLAGS_worker_admin_addresses);
      !addresses.empty()) {
    absl::StatusOr<std::unique_ptr<signup::WorkerAdminClients>> created =
        signup::WorkerAdminClients::Create(
            addresses, absl::Milliseconds(absl::GetFlag(FLAGS_admin_timeout_ms)));
    if (!created.ok()) {
      spdlog::error("{}", created.status().message());
      return 2;
    }
    workers = std::move(*created);
  } else {
    spdlog::warn("no --worker_admin_addresses: CheckUsername, GetAccount and "
                 "GetClusterStatus fail with FAILED_PRECONDITION gateway_id={}",
                 gateway_id);
  }

  signup::DecisionRouter router;
  std::atomic<bool> accepting{false};
  const signup::ConsumerOptions consumer_options = {
      .brokers = brokers,
      .client_id = absl::StrCat("signup-gateway-", gateway_id),
      .group_id = absl::StrCat("signup-gateway-", gateway_id),
  };
  signup::SignupServiceImpl service(
      {
          .producer = producer->get(),
          .router = &router,
          .request_topic = absl::GetFlag(FLAGS_request_topic),
          .gateway_id = gateway_id,
          .accepting = &accepting,
          .username_policy = &*username_policy,
          .metrics = &metrics,
      },
      consumer_options, response_topic, workers.get());

  absl::StatusOr<signup::StartedServer> server =
      signup::StartGrpcServer(absl::GetFlag(FLAGS_listen), {&service});
  if (!server.ok()) {
    spdlog::error("invalid --listen: {}", server.status().message());
    return 1;
  }
  spdlog::info("gateway starting gateway_id={} version={} grpc_port={} metrics_port={} "
               "brokers={} username_policy={} reserved_names={} worker_admin_addresses={}",
               gateway_id, signup::BuildVersion(), server->port,
               *metrics_server ? (*metrics_server)->port() : 0, brokers,
               signup::UsernamePolicyKindName(username_policy->kind),
               username_policy->reserved_names.size(),
               workers ? workers->partition_count() : 0);

  std::atomic<bool> stopping{false};
  std::atomic<bool> exiting_on_error{false};
  std::thread signal_thread([&] {
    const int signal_number = signup::WaitForShutdownSignal();
    if (exiting_on_error) return;
    spdlog::info("shutdown requested signal={}", signal_number);
    stopping = true;
  });

  // Decisions must be read from before the first request is produced, or
  // a fast decision could be missed; so signups wait for the listener.
  std::unique_ptr<signup::ResponseListener> listener;
  signup::Backoff backoff(absl::Milliseconds(200), absl::Seconds(5));
  while (!stopping && listener == nullptr) {
    absl::StatusOr<std::unique_ptr<signup::ResponseListener>> started =
        signup::ResponseListener::Start(consumer_options, response_topic, &router,
                                        absl::Seconds(10));
    if (started.ok()) {
      listener = std::move(*started);
      break;
    }
    metrics.CountKafkaError("probe");
    const absl::Duration delay = backoff.NextDelay();
    spdlog::warn("reading decisions not possible yet, retrying in {} topic={} error=\"{}\"",
                 absl::FormatDuration(delay), response_topic, started.status().message());
    absl::SleepFor(delay);
  }

  const std::string request_topic = absl::GetFlag(FLAGS_request_topic);
  int exit_code = 0;
  if (listener != nullptr && workers != nullptr) {
    // A name's partition is computed from the address count, so the count
    // must be the topic's.
    const absl::StatusOr<int32_t> partitions =
        (*producer)->PartitionCount(request_topic, absl::Seconds(10));
    if (!partitions.ok()) {
      spdlog::warn("cannot compare --worker_admin_addresses with the topic's partition "
                   "count, skipping the check topic={} error=\"{}\"",
                   request_topic, partitions.status().message());
    } else if (*partitions != workers->partition_count()) {
      spdlog::error("invalid --worker_admin_addresses: give one address per partition, "
                    "partition 0 first topic={} addresses={} partitions={}",
                    request_topic, workers->partition_count(), *partitions);
      stopping = true;
      exit_code = 2;
    }
  }

  if (listener != nullptr && !stopping) {
    accepting = true;
    metrics.SetAccepting(true);
    signup::SetServing(*server->server, true, {"signup.v1.SignupService"});
    spdlog::info("gateway serving gateway_id={} grpc_port={}", gateway_id, server->port);

    // Probes the broker once a second. While it does not respond, Signup
    // calls fail fast with UNAVAILABLE and health reports NOT_SERVING;
    // calls already accepted keep waiting for their decisions.
    absl::Time next_probe = absl::Now() + absl::Seconds(1);
    while (!stopping) {
      absl::SleepFor(absl::Milliseconds(100));
      metrics.SetOpenSignups(static_cast<int64_t>(router.size()));
      if (absl::Now() < next_probe) continue;
      next_probe = absl::Now() + absl::Seconds(1);

      const absl::StatusOr<int32_t> probe =
          (*producer)->PartitionCount(request_topic, absl::Seconds(2));
      if (!probe.ok()) metrics.CountKafkaError("probe");
      if (probe.ok() != accepting.load()) {
        accepting = probe.ok();
        metrics.SetAccepting(probe.ok());
        signup::SetServing(*server->server, probe.ok(), {"signup.v1.SignupService"});
        if (probe.ok()) {
          spdlog::info("Kafka reachable again, serving gateway_id={}", gateway_id);
        } else {
          spdlog::warn("Kafka unreachable, not serving gateway_id={} error=\"{}\"",
                       gateway_id, probe.status().message());
        }
      }
    }
  }

  // Draining: refuse new signups and report NOT_SERVING, while the server
  // still answers health checks and the calls already accepted wait for
  // their decisions, up to the grace period.
  accepting = false;
  metrics.SetAccepting(false);
  signup::SetServing(*server->server, false, {"signup.v1.SignupService"});
  const absl::Duration grace = absl::Milliseconds(absl::GetFlag(FLAGS_shutdown_grace_ms));
  const absl::Time drain_deadline = absl::Now() + grace;
  if (exit_code == 0) {
    spdlog::info("gateway draining gateway_id={} open_signups={} grace={}", gateway_id,
                 router.size(), absl::FormatDuration(grace));
  }
  while (router.size() > 0 && absl::Now() < drain_deadline) {
    metrics.SetOpenSignups(static_cast<int64_t>(router.size()));
    absl::SleepFor(absl::Milliseconds(20));
  }
  if (router.size() > 0) {
    spdlog::warn("grace period over, ending open signups with UNAVAILABLE, whose requests "
                 "are decided all the same gateway_id={} open_signups={}",
                 gateway_id, router.size());
    router.ShutDown();
  }
  // Ends the remaining calls, WatchSignups streams among them, within a
  // second: each stream's last write needs a moment.
  server->server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  // Wakes the signal thread when the gateway stops by itself.
  if (exit_code != 0) {
    exiting_on_error = true;
    kill(getpid(), SIGTERM);
  }
  signal_thread.join();
  listener.reset();
  producer->reset();
  spdlog::info("gateway stopped gateway_id={} exit_code={}", gateway_id, exit_code);
  return exit_code;
}
