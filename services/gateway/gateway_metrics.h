// The Prometheus metrics of a gateway.
//
//   signup_gateway_requests_total{rpc,code}   finished calls by status code
//   signup_gateway_rpc_seconds{rpc}           duration of unary calls
//   signup_gateway_signup_seconds{stage}      Signup start -> accepted, and
//                                             start -> decided
//   signup_gateway_outcomes_total{outcome}    decisions delivered to callers:
//                                             created, username_taken, rejected
//   signup_gateway_kafka_errors_total{operation}  produce and probe failures
//   signup_gateway_admin_errors_total{partition}  failed calls to workers
//   signup_gateway_open_signups               Signup calls awaiting a decision
//   signup_gateway_accepting                  1 while new signups are taken
#ifndef SIGNUP_SERVICES_GATEWAY_GATEWAY_METRICS_H_
#define SIGNUP_SERVICES_GATEWAY_GATEWAY_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace signup {

// Registers the gateway's metric families and updates them. Thread-safe.
class GatewayMetrics {
 public:
  // Registers the families in `registry`, which must outlive this object.
  explicit GatewayMetrics(prometheus::Registry& registry);

  // Counts a finished call of `rpc` (such as "Signup") with status `code`
  // (such as "OK" or "UNAVAILABLE").
  void CountRequest(absl::string_view rpc, absl::string_view code);
  // Records the duration of a unary call of `rpc`.
  void ObserveRpc(absl::string_view rpc, absl::Duration duration);
  // Records how long a Signup took to reach `stage`: "accepted" or
  // "decided".
  void ObserveSignupStage(absl::string_view stage, absl::Duration duration);
  // Counts a decision delivered to a caller, by outcome name.
  void CountOutcome(absl::string_view outcome);
  void CountKafkaError(absl::string_view operation);
  void CountAdminError(int32_t partition);
  void SetOpenSignups(int64_t count);
  void SetAccepting(bool accepting);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& rpc_seconds_;
  prometheus::Family<prometheus::Histogram>& signup_seconds_;
  prometheus::Family<prometheus::Counter>& outcomes_;
  prometheus::Family<prometheus::Counter>& kafka_errors_;
  prometheus::Family<prometheus::Counter>& admin_errors_;
  prometheus::Gauge& open_signups_;
  prometheus::Gauge& accepting_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_GATEWAY_GATEWAY_METRICS_H_
