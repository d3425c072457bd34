#include "services/common/metrics_server.h"

#include <exception>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace signup {

absl::StatusOr<std::unique_ptr<MetricsServer>> MetricsServer::Start(
    const std::string& listen_address, std::shared_ptr<prometheus::Registry> registry) {
  if (listen_address.empty()) return nullptr;
  if (!absl::StrContains(listen_address, ':')) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid metrics address \"", listen_address,
                     "\": give host:port, such as 127.0.0.1:9161"));
  }
  std::unique_ptr<prometheus::Exposer> exposer;
  try {
    // One thread is plenty for a scrape every few seconds.
    exposer = std::make_unique<prometheus::Exposer>(listen_address, 1);
  } catch (const std::exception& error) {
    return absl::UnavailableError(absl::StrCat("cannot serve metrics on ", listen_address,
                                               ": ", error.what(),
                                               "; is the port already in use?"));
  }
  exposer->RegisterCollectable(registry);
  const std::vector<int> ports = exposer->GetListeningPorts();
  const int port = ports.empty() ? 0 : ports.front();
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(exposer), port));
}

prometheus::Histogram::BucketBoundaries LatencyBuckets() {
  prometheus::Histogram::BucketBoundaries bounds;
  for (double bound = 0.001; bound < 40; bound *= 2) bounds.push_back(bound);
  return bounds;
}

}  // namespace signup
