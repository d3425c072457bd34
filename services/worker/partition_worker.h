// The loop of one partition's worker: read requests in offset order, decide
// them in the partition's database, publish the decisions.
//
//   account.signup_request[p] --read--> CheckRequest --> PartitionStore
//        ^ resumes at the stored          (one transaction: accounts,
//          next offset                     decisions, next offset)
//                                                |
//   account.signup_response[p] <--publish-- decisions not yet published
//
// A decision is published only after its transaction committed, and marked
// published only after Kafka acknowledged it, so a crash at any point loses
// nothing: on restart the worker republishes what is unmarked and resumes
// reading at the stored offset. A decision may therefore reach Kafka more
// than once; readers deduplicate by partition and offset.
#ifndef SIGNUP_SERVICES_WORKER_PARTITION_WORKER_H_
#define SIGNUP_SERVICES_WORKER_PARTITION_WORKER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/common/kafka_consumer.h"
#include "services/common/kafka_producer.h"
#include "services/common/username_policy.h"
#include "services/worker/partition_store.h"
#include "services/worker/worker_metrics.h"
#include "services/worker/worker_state.h"

namespace signup {

struct WorkerOptions {
  int32_t partition = 0;
  std::string brokers;
  std::string request_topic;
  std::string response_topic;
  // Maximum number of requests decided in one transaction.
  int batch_size = 100;
  // How long one poll of Kafka waits for the first request of a batch.
  absl::Duration poll_timeout = absl::Milliseconds(200);
  // Bounds of the backoff between retries of PostgreSQL and Kafka calls.
  absl::Duration retry_initial = absl::Milliseconds(100);
  absl::Duration retry_max = absl::Seconds(5);
  // How often a standby tries to take the partition's writer lock.
  absl::Duration standby_poll_interval = absl::Milliseconds(500);
  // How long decisions are kept for replaying retries, and how often
  // expired ones are deleted.
  absl::Duration decision_retention = absl::Hours(24 * 7);
  absl::Duration prune_interval = absl::Minutes(1);
  // The policy every claimed username must be valid and canonical under.
  UsernamePolicy username_policy;
  // How often an idle worker checks that the broker and its database
  // still respond.
  absl::Duration probe_interval = absl::Seconds(1);
};

// Decisions committed since the worker started, by kind.
struct DecisionCounts {
  int64_t created = 0;
  int64_t username_taken = 0;
  int64_t rejected = 0;
  // Replays are also counted under the kind of the decision they repeat.
  int64_t replayed = 0;
};

// The most recent error that the worker caught and retried or recovered
// from.
struct CaughtError {
  std::string operation;
  std::string message;
  absl::Time time = absl::InfinitePast();
};

// A consistent copy of what the worker is doing, for the admin API.
struct WorkerSnapshot {
  WorkerConditions conditions;
  // -1 until the worker has read it from its database.
  int64_t next_offset = -1;
  // 0 until the worker has read the topic's metadata.
  int32_t partition_count = 0;
  DecisionCounts decisions;
  // Empty operation when nothing failed since the start.
  CaughtError last_error;
  absl::Time paused_at = absl::InfinitePast();
  std::string pause_reason;
};

class PartitionWorker {
 public:
  // `on_serving` is called with the new value whenever IsServing of the
  // worker's conditions changes; it must not block. `metrics` records what
  // the worker does and must outlive it.
  PartitionWorker(WorkerOptions options, std::unique_ptr<PartitionStore> store,
                  std::function<void(bool)> on_serving, WorkerMetrics* metrics);

  // Runs until Stop is called, retrying every PostgreSQL and Kafka failure
  // with bounded backoff. While another worker owns the partition, waits as
  // a standby (NOT_SERVING) and takes over when the owner's database
  // session ends. Returns OK after Stop, or FAILED_PRECONDITION for a
  // condition that retrying cannot fix: a database of another partition or
  // schema, or a partition that the topic does not have.
  absl::Status Run();

  // Asks Run to return after the batch in progress has been committed and
  // its decisions published; the worker reports NOT_SERVING (draining) at
  // once. Thread-safe.
  void Stop();

  // Asks the worker to stop deciding requests after the batch in progress;
  // requests then wait in Kafka. `reason` is kept for GetStatus. Pausing a
  // paused worker changes nothing. Thread-safe.
  void Pause(std::string reason);

  // Continues deciding requests where the worker paused. Thread-safe.
  void Resume();

  // Waits up to `timeout` until a requested pause has taken effect: the
  // batch in progress is done and nothing more is read. Returns true at
  // once when the worker is not active (a standby has nothing to finish)
  // or no pause is requested. Thread-safe.
  bool WaitUntilPaused(absl::Duration timeout);

  // Returns what the worker is doing right now. Thread-safe.
  WorkerSnapshot Snapshot() const;

 private:
  // Retries `operation` until it succeeds, returns a fatal status or Stop is
  // called (CANCELLED). UNAVAILABLE and DEADLINE_EXCEEDED are retried.
  // `system` ("kafka" or "postgres") labels the error and retry metrics.
  template <typename Operation>
  auto Retry(const char* operation_name, const char* system, Operation operation)
      -> decltype(operation());

  // Changes the recorded conditions under the lock and reports a change of
  // serving status.
  void UpdateConditions(const std::function<void(WorkerConditions&)>& change);
  // Records an error that was caught, for GetStatus and the metrics.
  void RecordError(const char* operation, const char* system,
                   const absl::Status& status);
  // Sleeps for `duration`, or until Stop is called.
  void SleepUnlessStopped(absl::Duration duration);
  // Blocks while an operator's pause is in effect, or until Stop.
  void WaitWhilePaused();
  // Counts committed decisions by kind.
  void CountDecisions(const std::vector<Decision>& decisions);
  // While the partition is idle, checks once per probe interval that the
  // database answers. Returns ABORTED when the writer lock was lost.
  absl::Status ProbeDatabase();

  absl::Status CreateKafkaClients();
  // Takes the partition's writer lock, waiting as a standby while another
  // worker holds it, and loads the next offset.
  absl::Status AcquirePartition();
  // Compares the stored next offset with the partition's watermarks.
  // Returns FAILED_PRECONDITION when the database is ahead of the topic
  // (the topic was recreated), and logs requests lost to retention.
  absl::Status CheckOffsetAgainstTopic();
  // Owns the partition until Stop (CANCELLED) or until another worker
  // takes it (ABORTED).
  absl::Status RunAsOwner();
  // Deletes expired decisions once per prune interval.
  void PruneIfDue();
  // While the partition is idle, requests the topic's metadata once a
  // second, and reports NOT_SERVING while the broker does not respond.
  void ProbeKafka();
  std::vector<ConsumedRequest> PollBatch();
  absl::Status Publish(const std::vector<Decision>& decisions);
  absl::Status PublishAndMark(const std::vector<Decision>& decisions);
  absl::Status RepublishUnpublished();

  WorkerOptions options_;
  std::unique_ptr<PartitionStore> store_;
  std::function<void(bool)> on_serving_;
  WorkerMetrics* metrics_;
  std::unique_ptr<KafkaProducer> producer_;
  std::unique_ptr<KafkaConsumer> consumer_;
  int64_t next_offset_ = 0;
  int32_t partition_count_ = 0;
  absl::Time next_prune_ = absl::InfinitePast();
  absl::Time next_kafka_probe_ = absl::InfinitePast();
  absl::Time next_database_probe_ = absl::InfinitePast();
  // Failed polls since the last successful one, to rate-limit their logs.
  int64_t consecutive_poll_failures_ = 0;
  std::atomic<bool> stopping_{false};

  // The copy that Snapshot returns, guarded by mutex_. The loop's own
  // copies above are used by the loop alone.
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  WorkerSnapshot snapshot_;
  bool serving_ = false;
  // The state last written to the metrics, which start at kStarting.
  WorkerState reported_state_ = WorkerState::kStarting;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_WORKER_PARTITION_WORKER_H_
