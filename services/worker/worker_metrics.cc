#include "services/worker/worker_metrics.h"

#include <string>
#include <utility>

#include "services/common/metrics_server.h"

namespace signup {
namespace {

constexpr WorkerState kAllStates[] = {
    WorkerState::kStarting, WorkerState::kRunning, WorkerState::kStandby,
    WorkerState::kRetrying, WorkerState::kPausing, WorkerState::kPaused,
    WorkerState::kDraining,
};

prometheus::Family<prometheus::Counter>& CounterFamily(prometheus::Registry& registry,
                                                       const std::string& name,
                                                       const std::string& help) {
  return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

prometheus::Family<prometheus::Gauge>& GaugeFamily(prometheus::Registry& registry,
                                                   const std::string& name,
                                                   const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

prometheus::Family<prometheus::Histogram>& HistogramFamily(
    prometheus::Registry& registry, const std::string& name, const std::string& help) {
  return prometheus::BuildHistogram().Name(name).Help(help).Register(registry);
}

}  // namespace

WorkerMetrics::WorkerMetrics(prometheus::Registry& registry, int32_t partition)
    : partition_(std::to_string(partition)),
      decisions_(CounterFamily(registry, "signup_worker_decisions_total",
                               "Decisions committed, by outcome.")),
      replays_(CounterFamily(registry, "signup_worker_replays_total",
                             "Retried requests answered with their earlier decision.")
                   .Add(Labels())),
      errors_(CounterFamily(registry, "signup_worker_errors_total",
                            "Errors caught, by system (kafka or postgres) and operation.")),
      retries_(CounterFamily(registry, "signup_worker_retries_total",
                             "Retries after an error, by system and operation.")),
      batch_commit_(HistogramFamily(registry, "signup_worker_batch_commit_seconds",
                                    "Duration of one batch's database transaction.")
                        .Add(Labels(), LatencyBuckets())),
      publish_(HistogramFamily(registry, "signup_worker_publish_seconds",
                               "Time until Kafka acknowledged one batch of decisions.")
                   .Add(Labels(), LatencyBuckets())),
      request_wait_(
          HistogramFamily(registry, "signup_worker_request_wait_seconds",
                          "Time from a request's Kafka timestamp to its committed "
                          "decision.")
              .Add(Labels(), LatencyBuckets())),
      next_offset_(GaugeFamily(registry, "signup_worker_next_offset",
                               "Offset of the next request to decide; -1 when unknown.")
                       .Add(Labels())),
      high_watermark_(GaugeFamily(registry, "signup_worker_high_watermark",
                                  "Offset the next request written to the partition "
                                  "will get; -1 when unknown.")
                          .Add(Labels())),
      lag_(GaugeFamily(registry, "signup_worker_lag",
                       "Requests written to the partition and not yet decided.")
               .Add(Labels())),
      state_(GaugeFamily(registry, "signup_worker_state",
                         "1 for the worker's current state, 0 for the others.")),
      serving_(GaugeFamily(registry, "signup_worker_serving",
                           "1 while the worker's health is SERVING.")
                   .Add(Labels())),
      database_round_trip_(
          GaugeFamily(registry, "signup_worker_database_round_trip_seconds",
                      "Round trip of the last database ping; -1 when it failed.")
              .Add(Labels())) {
  next_offset_.Set(-1);
  high_watermark_.Set(-1);
  lag_.Set(-1);
  for (const char* outcome : {"created", "username_taken", "rejected"}) {
    outcome_counters_.emplace_back(outcome, &decisions_.Add(Labels({{"outcome", outcome}})));
  }
  SetState(WorkerState::kStarting, false);
}

prometheus::Labels WorkerMetrics::Labels(prometheus::Labels extra) const {
  extra.emplace("partition", partition_);
  return extra;
}

void WorkerMetrics::CountDecision(absl::string_view outcome, bool replay) {
  // Called for every decision, so the three known outcomes skip the
  // family's label lookup.
  bool counted = false;
  for (const auto& [name, counter] : outcome_counters_) {
    if (name == outcome) {
      counter->Increment();
      counted = true;
    }
  }
  if (!counted) decisions_.Add(Labels({{"outcome", std::string(outcome)}})).Increment();
  if (replay) replays_.Increment();
}

void WorkerMetrics::CountError(absl::string_view system, absl::string_view operation) {
  errors_.Add(Labels({{"system", std::string(system)}, {"operation", std::string(operation)}}))
      .Increment();
}

void WorkerMetrics::CountRetry(absl::string_view system, absl::string_view operation) {
  retries_
      .Add(Labels({{"system", std::string(system)}, {"operation", std::string(operation)}}))
      .Increment();
}

void WorkerMetrics::ObserveBatchCommit(absl::Duration duration) {
  batch_commit_.Observe(absl::ToDoubleSeconds(duration));
}

void WorkerMetrics::ObservePublish(absl::Duration duration) {
  publish_.Observe(absl::ToDoubleSeconds(duration));
}

void WorkerMetrics::ObserveRequestWait(absl::Duration duration) {
  request_wait_.Observe(absl::ToDoubleSeconds(duration));
}

void WorkerMetrics::SetNextOffset(int64_t next_offset) {
  next_offset_value_ = next_offset;
  next_offset_.Set(static_cast<double>(next_offset));
  UpdateLag();
}

void WorkerMetrics::SetHighWatermark(int64_t high_watermark) {
  high_watermark_value_ = high_watermark;
  high_watermark_.Set(static_cast<double>(high_watermark));
  UpdateLag();
}

void WorkerMetrics::UpdateLag() {
  const int64_t next_offset = next_offset_value_;
  const int64_t high_watermark = high_watermark_value_;
  if (next_offset < 0 || high_watermark < 0) return;
  lag_.Set(static_cast<double>(high_watermark > next_offset ? high_watermark - next_offset
                                                            : 0));
}

void WorkerMetrics::SetState(WorkerState state, bool serving) {
  for (WorkerState each : kAllStates) {
    state_.Add(Labels({{"state", std::string(WorkerStateName(each))}}))
        .Set(each == state ? 1 : 0);
  }
  serving_.Set(serving ? 1 : 0);
}

void WorkerMetrics::SetDatabaseRoundTrip(std::optional<absl::Duration> round_trip) {
  database_round_trip_.Set(round_trip.has_value() ? absl::ToDoubleSeconds(*round_trip)
                                                  : -1);
}

}  // namespace signup
