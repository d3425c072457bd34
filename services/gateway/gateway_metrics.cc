#include "services/gateway/gateway_metrics.h"

#include <string>

#include "services/common/metrics_server.h"

namespace signup {

GatewayMetrics::GatewayMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("signup_gateway_requests_total")
                    .Help("Finished calls, by RPC and gRPC status code.")
                    .Register(registry)),
      rpc_seconds_(prometheus::BuildHistogram()
                       .Name("signup_gateway_rpc_seconds")
                       .Help("Duration of unary calls, by RPC.")
                       .Register(registry)),
      signup_seconds_(prometheus::BuildHistogram()
                          .Name("signup_gateway_signup_seconds")
                          .Help("Time from a Signup call's start until Kafka accepted "
                                "the request (stage=accepted) and until its decision "
                                "arrived (stage=decided).")
                          .Register(registry)),
      outcomes_(prometheus::BuildCounter()
                    .Name("signup_gateway_outcomes_total")
                    .Help("Decisions delivered to Signup callers, by outcome.")
                    .Register(registry)),
      kafka_errors_(prometheus::BuildCounter()
                        .Name("signup_gateway_kafka_errors_total")
                        .Help("Failed Kafka operations: produce (a request not "
                              "accepted) and probe (the broker did not answer).")
                        .Register(registry)),
      admin_errors_(prometheus::BuildCounter()
                        .Name("signup_gateway_admin_errors_total")
                        .Help("Failed calls to a worker's admin API, by partition.")
                        .Register(registry)),
      open_signups_(prometheus::BuildGauge()
                        .Name("signup_gateway_open_signups")
                        .Help("Signup calls waiting for their decision.")
                        .Register(registry)
                        .Add({})),
      accepting_(prometheus::BuildGauge()
                     .Name("signup_gateway_accepting")
                     .Help("1 while the gateway takes new signups.")
                     .Register(registry)
                     .Add({})) {
  for (const char* stage : {"accepted", "decided"}) {
    signup_seconds_.Add({{"stage", stage}}, LatencyBuckets());
  }
  for (const char* operation : {"produce", "probe"}) {
    kafka_errors_.Add({{"operation", operation}});
  }
}

void GatewayMetrics::CountRequest(absl::string_view rpc, absl::string_view code) {
  requests_.Add({{"rpc", std::string(rpc)}, {"code", std::string(code)}}).Increment();
}

void GatewayMetrics::ObserveRpc(absl::string_view rpc, absl::Duration duration) {
  rpc_seconds_.Add({{"rpc", std::string(rpc)}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(duration));
}

void GatewayMetrics::ObserveSignupStage(absl::string_view stage, absl::Duration duration) {
  signup_seconds_.Add({{"stage", std::string(stage)}}, LatencyBuckets())
      .Observe(absl::ToDoubleSeconds(duration));
}

void GatewayMetrics::CountOutcome(absl::string_view outcome) {
  outcomes_.Add({{"outcome", std::string(outcome)}}).Increment();
}

void GatewayMetrics::CountKafkaError(absl::string_view operation) {
  kafka_errors_.Add({{"operation", std::string(operation)}}).Increment();
}

void GatewayMetrics::CountAdminError(int32_t partition) {
  admin_errors_.Add({{"partition", std::to_string(partition)}}).Increment();
}

void GatewayMetrics::SetOpenSignups(int64_t count) {
  open_signups_.Set(static_cast<double>(count));
}

void GatewayMetrics::SetAccepting(bool accepting) { accepting_.Set(accepting ? 1 : 0); }

}  // namespace signup
