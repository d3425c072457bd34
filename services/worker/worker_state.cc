#include "services/worker/worker_state.h"

namespace signup {

WorkerRole RoleOf(const WorkerConditions& conditions) {
  return conditions.active ? WorkerRole::kActive : WorkerRole::kStandby;
}

WorkerState StateOf(const WorkerConditions& conditions) {
  if (conditions.draining) return WorkerState::kDraining;
  if (conditions.pause_requested) {
    // A standby has no batch to finish: its pause takes effect at once.
    return conditions.paused || !conditions.active ? WorkerState::kPaused
                                                   : WorkerState::kPausing;
  }
  if (!conditions.started) return WorkerState::kStarting;
  if (!conditions.active) return WorkerState::kStandby;
  if (conditions.retrying || !conditions.kafka_reachable ||
      !conditions.database_reachable) {
    return WorkerState::kRetrying;
  }
  return WorkerState::kRunning;
}

bool IsServing(const WorkerConditions& conditions) {
  return StateOf(conditions) == WorkerState::kRunning;
}

absl::string_view WorkerStateName(WorkerState state) {
  switch (state) {
    case WorkerState::kStarting: return "starting";
    case WorkerState::kRunning: return "running";
    case WorkerState::kStandby: return "standby";
    case WorkerState::kRetrying: return "retrying";
    case WorkerState::kPausing: return "pausing";
    case WorkerState::kPaused: return "paused";
    case WorkerState::kDraining: return "draining";
  }
  return "unknown";
}

}  // namespace signup
