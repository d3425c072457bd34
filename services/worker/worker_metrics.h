// The Prometheus metrics of one partition worker. Every series carries the
// label partition="N", so that the series of all workers can be summed or
// compared on one dashboard.
//
//   signup_worker_decisions_total{outcome}        committed decisions
//   signup_worker_replays_total                   retries answered by replay
//   signup_worker_errors_total{system,operation}  caught errors
//   signup_worker_retries_total{system,operation} retries after an error
//   signup_worker_batch_commit_seconds            one transaction
//   signup_worker_publish_seconds                 one batch of decisions
//   signup_worker_request_wait_seconds            request written -> decided
//   signup_worker_next_offset, _high_watermark, _lag
//   signup_worker_state{state}                    1 for the current state
//   signup_worker_serving                         1 while health is SERVING
//   signup_worker_database_round_trip_seconds     last ping; -1 on failure
#ifndef SIGNUP_SERVICES_WORKER_WORKER_METRICS_H_
#define SIGNUP_SERVICES_WORKER_WORKER_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/worker/worker_state.h"

namespace signup {

// Registers the worker's metric families in a registry and updates them.
// Thread-safe.
class WorkerMetrics {
 public:
  // Registers the families in `registry`, which must outlive this object.
  WorkerMetrics(prometheus::Registry& registry, int32_t partition);

  // Counts one committed decision of `outcome` ("created", "username_taken"
  // or "rejected"), and a replay when `replay` is true.
  void CountDecision(absl::string_view outcome, bool replay);
  // Counts an error caught in `operation` of `system` ("kafka" or
  // "postgres").
  void CountError(absl::string_view system, absl::string_view operation);
  // Counts a retry of `operation` after an error.
  void CountRetry(absl::string_view system, absl::string_view operation);

  void ObserveBatchCommit(absl::Duration duration);
  void ObservePublish(absl::Duration duration);
  // Time from the request's Kafka timestamp to the commit of its decision.
  void ObserveRequestWait(absl::Duration duration);

  // Set the offset gauges; a negative value means unknown. The lag is
  // recomputed from the latest of both whenever both are known.
  void SetNextOffset(int64_t next_offset);
  void SetHighWatermark(int64_t high_watermark);
  void SetState(WorkerState state, bool serving);
  // The round trip of the last database ping, or nullopt when it failed.
  void SetDatabaseRoundTrip(std::optional<absl::Duration> round_trip);

 private:
  prometheus::Labels Labels(prometheus::Labels extra = {}) const;
  void UpdateLag();

  std::string partition_;
  prometheus::Family<prometheus::Counter>& decisions_;
  prometheus::Counter& replays_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Counter>& retries_;
  prometheus::Histogram& batch_commit_;
  prometheus::Histogram& publish_;
  prometheus::Histogram& request_wait_;
  prometheus::Gauge& next_offset_;
  prometheus::Gauge& high_watermark_;
  prometheus::Gauge& lag_;
  prometheus::Family<prometheus::Gauge>& state_;
  prometheus::Gauge& serving_;
  prometheus::Gauge& database_round_trip_;
  // The counters of the known outcomes, by outcome name.
  std::vector<std::pair<std::string, prometheus::Counter*>> outcome_counters_;
  std::atomic<int64_t> next_offset_value_{-1};
  std::atomic<int64_t> high_watermark_value_{-1};
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_WORKER_WORKER_METRICS_H_
