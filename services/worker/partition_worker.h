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
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "services/common/kafka_consumer.h"
#include "services/common/kafka_producer.h"
#include "services/common/username_policy.h"
#include "services/worker/partition_store.h"

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
};

class PartitionWorker {
 public:
  // `on_serving` is called with true once the worker reads its partition and
  // with false whenever it cannot make progress; it must not block.
  PartitionWorker(WorkerOptions options, std::unique_ptr<PartitionStore> store,
                  std::function<void(bool)> on_serving);

  // Runs until Stop is called, retrying every PostgreSQL and Kafka failure
  // with bounded backoff. While another worker owns the partition, waits as
  // a standby (NOT_SERVING) and takes over when the owner's database
  // session ends. Returns OK after Stop, or FAILED_PRECONDITION for a
  // condition that retrying cannot fix: a database of another partition or
  // schema, or a partition that the topic does not have.
  absl::Status Run();

  // Asks Run to return after the batch in progress; thread-safe.
  void Stop() { stopping_ = true; }

 private:
  // Retries `operation` until it succeeds, returns a fatal status or Stop is
  // called (CANCELLED). UNAVAILABLE and DEADLINE_EXCEEDED are retried.
  template <typename Operation>
  auto Retry(const char* operation_name, Operation operation) -> decltype(operation());

  absl::Status CreateKafkaClients();
  // Takes the partition's writer lock, waiting as a standby while another
  // worker holds it, and loads the next offset.
  absl::Status AcquirePartition();
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
  void SetServing(bool serving);

  WorkerOptions options_;
  std::unique_ptr<PartitionStore> store_;
  std::function<void(bool)> on_serving_;
  std::unique_ptr<KafkaProducer> producer_;
  std::unique_ptr<KafkaConsumer> consumer_;
  int64_t next_offset_ = 0;
  int32_t partition_count_ = 0;
  int64_t rejected_count_ = 0;
  absl::Time next_prune_ = absl::InfinitePast();
  absl::Time next_kafka_probe_ = absl::InfinitePast();
  bool kafka_reachable_ = true;
  // Failed polls since the last successful one, to rate-limit their logs.
  int64_t consecutive_poll_failures_ = 0;
  bool serving_ = false;
  std::atomic<bool> stopping_{false};
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_WORKER_PARTITION_WORKER_H_
