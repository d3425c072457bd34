// signup-gateway: serves signup.v1.SignupService over gRPC, writes each
// claim to Kafka and streams the worker's decision back.
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
#include "services/common/request_id.h"
#include "services/common/shutdown_signal.h"
#include "services/common/username_flags.h"
#include "services/gateway/decision_router.h"
#include "services/gateway/response_listener.h"
#include "services/gateway/signup_service.h"
#include "services/common/logging.h"

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
          "How long, in milliseconds, open calls may run after SIGTERM or "
          "SIGINT before they are cancelled. Env: SIGNUP_SHUTDOWN_GRACE_MS.");

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
       "delivery_timeout_ms",
       "shutdown_grace_ms", SIGNUP_LOGGING_FLAG_NAMES});
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
      },
      consumer_options, response_topic);

  absl::StatusOr<signup::StartedServer> server =
      signup::StartGrpcServer(absl::GetFlag(FLAGS_listen), {&service});
  if (!server.ok()) {
    spdlog::error("{}", server.status().message());
    return 1;
  }
  spdlog::info("gateway starting gateway_id={} grpc_port={} brokers={} username_policy={} "
               "reserved_names={}",
               gateway_id, server->port, brokers,
               signup::UsernamePolicyKindName(username_policy->kind),
               username_policy->reserved_names.size());

  std::atomic<bool> stopping{false};
  std::thread signal_thread([&] {
    const int signal_number = signup::WaitForShutdownSignal();
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
    const absl::Duration delay = backoff.NextDelay();
    spdlog::warn("reading decisions not possible yet, retrying in {} topic={} error=\"{}\"",
                 absl::FormatDuration(delay), response_topic, started.status().message());
    absl::SleepFor(delay);
  }

  if (listener != nullptr) {
    accepting = true;
    signup::SetServing(*server->server, true, {"signup.v1.SignupService"});
    spdlog::info("gateway serving gateway_id={} grpc_port={}", gateway_id, server->port);

    // Probes the broker once a second. While it does not respond, Signup
    // calls fail fast with UNAVAILABLE and health reports NOT_SERVING;
    // calls already accepted keep waiting for their decisions.
    const std::string request_topic = absl::GetFlag(FLAGS_request_topic);
    absl::Time next_probe = absl::Now() + absl::Seconds(1);
    while (!stopping) {
      absl::SleepFor(absl::Milliseconds(100));
      if (absl::Now() < next_probe) continue;
      next_probe = absl::Now() + absl::Seconds(1);

      const absl::StatusOr<int32_t> probe =
          (*producer)->PartitionCount(request_topic, absl::Seconds(2));
      if (probe.ok() != accepting.load()) {
        accepting = probe.ok();
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

  accepting = false;
  signup::SetServing(*server->server, false, {"signup.v1.SignupService"});
  const absl::Duration grace = absl::Milliseconds(absl::GetFlag(FLAGS_shutdown_grace_ms));
  spdlog::info("gateway draining gateway_id={} open_signups={} grace={}", gateway_id,
               router.size(), absl::FormatDuration(grace));
  server->server->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  signal_thread.join();
  listener.reset();
  producer->reset();
  spdlog::info("gateway stopped gateway_id={}", gateway_id);
  return 0;
}
