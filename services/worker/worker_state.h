// What a partition worker is doing, derived from the conditions its loop
// records. Pure: the admin API, health and metrics all read the worker
// through these functions, so they always agree.
#ifndef SIGNUP_SERVICES_WORKER_WORKER_STATE_H_
#define SIGNUP_SERVICES_WORKER_WORKER_STATE_H_

#include "absl/strings/string_view.h"

namespace signup {

// The facts a worker's loop records as they change.
struct WorkerConditions {
  // The loop has finished its first attempt to take the partition.
  bool started = false;
  // This worker holds the partition's writer lock.
  bool active = false;
  // A PostgreSQL or Kafka call failed and is being retried.
  bool retrying = false;
  // The last probe of the broker and of the database succeeded.
  bool kafka_reachable = true;
  bool database_reachable = true;
  // An operator asked to pause, and the loop has reached the pause.
  bool pause_requested = false;
  bool paused = false;
  // SIGTERM or SIGINT arrived: the worker finishes its batch and exits.
  bool draining = false;
};

enum class WorkerRole { kActive, kStandby };

enum class WorkerState {
  kStarting,
  kRunning,
  kStandby,
  kRetrying,
  kPausing,
  kPaused,
  kDraining,
};

WorkerRole RoleOf(const WorkerConditions& conditions);

// Draining wins over everything; then a pause; then standby; then a retry.
WorkerState StateOf(const WorkerConditions& conditions);

// SERVING only while the worker is active, the broker and the database
// respond, no call is being retried, and it is neither pausing, paused nor
// draining.
bool IsServing(const WorkerConditions& conditions);

// Lowercase names for logs and metrics labels, such as "paused".
absl::string_view WorkerStateName(WorkerState state);

}  // namespace signup

#endif  // SIGNUP_SERVICES_WORKER_WORKER_STATE_H_
