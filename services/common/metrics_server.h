// The HTTP endpoint that serves a process's metrics in the Prometheus text
// format, at GET /metrics. prometheus-cpp (Debian's prometheus-cpp-dev)
// supplies the metric types, the text format and the embedded HTTP server.
#ifndef SIGNUP_SERVICES_COMMON_METRICS_SERVER_H_
#define SIGNUP_SERVICES_COMMON_METRICS_SERVER_H_

#include <prometheus/exposer.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace signup {

// Serves one registry until destroyed.
class MetricsServer {
 public:
  // Listens on `listen_address` (host:port; port 0 picks a free one) and
  // serves `registry` at /metrics. Returns null when the address is empty,
  // which turns metrics off. Returns UNAVAILABLE naming the address when it
  // cannot bind, and INVALID_ARGUMENT when the address has no port.
  static absl::StatusOr<std::unique_ptr<MetricsServer>> Start(
      const std::string& listen_address, std::shared_ptr<prometheus::Registry> registry);

  // The bound port.
  int port() const { return port_; }

 private:
  MetricsServer(std::unique_ptr<prometheus::Exposer> exposer, int port)
      : exposer_(std::move(exposer)), port_(port) {}

  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_;
};

// Bucket bounds, in seconds, for the latency histograms of every server:
// from 1 ms to about 33 s, doubling.
prometheus::Histogram::BucketBoundaries LatencyBuckets();

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_METRICS_SERVER_H_
