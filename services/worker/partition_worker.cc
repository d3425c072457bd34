#include "services/worker/partition_worker.h"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/backoff.h"
#include "services/common/logging.h"
#include "services/common/unicode_text.h"

namespace signup {
namespace {

bool IsRetryable(const absl::Status& status) {
  return absl::IsUnavailable(status) || absl::IsDeadlineExceeded(status) ||
         absl::IsResourceExhausted(status);
}

const absl::Status& StatusOf(const absl::Status& status) { return status; }
template <typename T>
const absl::Status& StatusOf(const absl::StatusOr<T>& value) {
  return value.status();
}

}  // namespace

PartitionWorker::PartitionWorker(WorkerOptions options,
                                 std::unique_ptr<PartitionStore> store,
                                 std::function<void(bool)> on_serving,
                                 WorkerMetrics* metrics)
    : options_(std::move(options)),
      store_(std::move(store)),
      on_serving_(std::move(on_serving)),
      metrics_(metrics) {}

void PartitionWorker::UpdateConditions(
    const std::function<void(WorkerConditions&)>& change) {
  std::lock_guard lock(mutex_);
  change(snapshot_.conditions);
  const bool serving = IsServing(snapshot_.conditions);
  // Every committed batch lands here, so the gauges change only with the
  // state.
  const WorkerState state = StateOf(snapshot_.conditions);
  if (state != reported_state_) {
    reported_state_ = state;
    metrics_->SetState(state, serving);
  }
  if (serving != serving_) {
    serving_ = serving;
    on_serving_(serving);
  }
  changed_.notify_all();
}

void PartitionWorker::RecordError(const char* operation, const char* system,
                                  const absl::Status& status) {
  metrics_->CountError(system, operation);
  std::lock_guard lock(mutex_);
  snapshot_.last_error = {.operation = operation,
                          .message = std::string(status.message()),
                          .time = absl::Now()};
}

WorkerSnapshot PartitionWorker::Snapshot() const {
  std::lock_guard lock(mutex_);
  return snapshot_;
}

void PartitionWorker::SleepUnlessStopped(absl::Duration duration) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, absl::ToChronoNanoseconds(duration),
                    [&] { return stopping_.load(); });
}

void PartitionWorker::Stop() {
  stopping_ = true;
  UpdateConditions([](WorkerConditions& conditions) { conditions.draining = true; });
}

void PartitionWorker::Pause(std::string reason) {
  {
    std::lock_guard lock(mutex_);
    if (snapshot_.conditions.pause_requested) return;
    snapshot_.paused_at = absl::Now();
    snapshot_.pause_reason = std::move(reason);
  }
  spdlog::info("pause requested partition={} reason={}", options_.partition,
               QuoteForMessage(Snapshot().pause_reason, 200));
  UpdateConditions([](WorkerConditions& conditions) { conditions.pause_requested = true; });
}

void PartitionWorker::Resume() {
  {
    std::lock_guard lock(mutex_);
    if (!snapshot_.conditions.pause_requested) return;
    snapshot_.paused_at = absl::InfinitePast();
    snapshot_.pause_reason.clear();
  }
  spdlog::info("resume requested partition={}", options_.partition);
  UpdateConditions([](WorkerConditions& conditions) { conditions.pause_requested = false; });
}

bool PartitionWorker::WaitUntilPaused(absl::Duration timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] {
    const WorkerConditions& conditions = snapshot_.conditions;
    return !conditions.pause_requested || conditions.paused || !conditions.active ||
           conditions.draining;
  });
}

void PartitionWorker::WaitWhilePaused() {
  std::unique_lock lock(mutex_);
  if (!snapshot_.conditions.pause_requested) return;
  lock.unlock();
  UpdateConditions([](WorkerConditions& conditions) { conditions.paused = true; });
  spdlog::info("worker paused partition={} next_offset={}", options_.partition,
               next_offset_);
  lock.lock();
  changed_.wait(lock, [&] {
    return !snapshot_.conditions.pause_requested || snapshot_.conditions.draining;
  });
  lock.unlock();
  UpdateConditions([](WorkerConditions& conditions) { conditions.paused = false; });
  if (!stopping_) {
    spdlog::info("worker resumed partition={} next_offset={}", options_.partition,
                 next_offset_);
  }
}

void PartitionWorker::CountDecisions(const std::vector<Decision>& decisions) {
  std::lock_guard lock(mutex_);
  DecisionCounts& counts = snapshot_.decisions;
  for (const Decision& decision : decisions) {
    switch (decision.outcome) {
      case Outcome::kCreated: ++counts.created; break;
      case Outcome::kUsernameTaken: ++counts.username_taken; break;
      case Outcome::kRejected: ++counts.rejected; break;
    }
    if (decision.is_replay()) ++counts.replayed;
    metrics_->CountDecision(OutcomeName(decision.outcome), decision.is_replay());
  }
  snapshot_.next_offset = next_offset_;
  metrics_->SetNextOffset(next_offset_);
}

template <typename Operation>
auto PartitionWorker::Retry(const char* operation_name, const char* system,
                            Operation operation) -> decltype(operation()) {
  Backoff backoff(options_.retry_initial, options_.retry_max);
  while (true) {
    auto result = operation();
    const absl::Status& status = StatusOf(result);
    if (status.ok() || !IsRetryable(status)) {
      if (backoff.attempt() > 0) {
        UpdateConditions([](WorkerConditions& conditions) { conditions.retrying = false; });
        if (status.ok()) {
          spdlog::info("{} succeeded after {} retries partition={}", operation_name,
                       backoff.attempt(), options_.partition);
        }
      }
      return result;
    }
    RecordError(operation_name, system, status);
    if (stopping_) {
      spdlog::warn("{} failed while stopping, not retrying partition={} error=\"{}\"",
                   operation_name, options_.partition, status.message());
      return absl::CancelledError("the worker is stopping");
    }

    UpdateConditions([](WorkerConditions& conditions) { conditions.retrying = true; });
    metrics_->CountRetry(system, operation_name);
    const absl::Duration delay = backoff.NextDelay();
    spdlog::warn("{} failed, retrying in {} partition={} attempt={} error=\"{}\"",
                 operation_name, absl::FormatDuration(delay), options_.partition,
                 backoff.attempt(), status.message());
    SleepUnlessStopped(delay);
  }
}

absl::Status PartitionWorker::CreateKafkaClients() {
  const std::string client_id = absl::StrCat("signup-worker-", options_.partition);
  absl::StatusOr<std::unique_ptr<KafkaProducer>> producer = KafkaProducer::Create(
      {.brokers = options_.brokers, .client_id = client_id});
  if (!producer.ok()) return absl::FailedPreconditionError(producer.status().message());
  producer_ = std::move(*producer);

  absl::StatusOr<std::unique_ptr<KafkaConsumer>> consumer = KafkaConsumer::Create(
      {.brokers = options_.brokers, .client_id = client_id, .group_id = client_id});
  if (!consumer.ok()) return absl::FailedPreconditionError(consumer.status().message());
  consumer_ = std::move(*consumer);
  return absl::OkStatus();
}

absl::Status PartitionWorker::AcquirePartition() {
  bool standby_logged = false;
  while (!stopping_) {
    absl::StatusOr<int64_t> next_offset =
        Retry("opening the database", "postgres", [&] { return store_->Open(options_.partition); });
    if (next_offset.ok()) {
      next_offset_ = *next_offset;
      {
        std::lock_guard lock(mutex_);
        snapshot_.next_offset = next_offset_;
      }
      metrics_->SetNextOffset(next_offset_);
      UpdateConditions([](WorkerConditions& conditions) {
        conditions.started = true;
        conditions.active = true;
      });
      if (standby_logged) {
        spdlog::info("standby took over partition={} next_offset={}", options_.partition,
                     next_offset_);
      }
      return absl::OkStatus();
    }
    if (!absl::IsAlreadyExists(next_offset.status())) return next_offset.status();

    // Another worker owns the partition: wait as a standby, NOT_SERVING,
    // and try again shortly. PostgreSQL frees the lock as soon as the
    // owner's session ends.
    UpdateConditions([](WorkerConditions& conditions) { conditions.started = true; });
    if (!standby_logged) {
      spdlog::info("waiting as standby partition={} reason=\"{}\"", options_.partition,
                   next_offset.status().message());
      standby_logged = true;
    }
    SleepUnlessStopped(options_.standby_poll_interval);
  }
  return absl::CancelledError("the worker is stopping");
}

absl::Status PartitionWorker::Run() {
  if (absl::Status created = CreateKafkaClients(); !created.ok()) return created;

  absl::StatusOr<int32_t> partition_count = Retry("reading the request topic", "kafka", [&] {
    return consumer_->PartitionCount(options_.request_topic, absl::Seconds(10));
  });
  if (!partition_count.ok()) {
    return absl::IsCancelled(partition_count.status()) ? absl::OkStatus()
                                                       : partition_count.status();
  }
  partition_count_ = *partition_count;
  {
    std::lock_guard lock(mutex_);
    snapshot_.partition_count = partition_count_;
  }
  if (options_.partition >= partition_count_) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--partition=", options_.partition, " does not exist: topic ",
        options_.request_topic, " has ", partition_count_, " partitions"));
  }

  while (!stopping_) {
    const absl::Status status = RunAsOwner();
    UpdateConditions([](WorkerConditions& conditions) { conditions.active = false; });
    if (!absl::IsAborted(status)) {
      if (absl::IsCancelled(status)) break;
      return status;
    }
    // Another worker took the partition (this one lost its database
    // session, for example). Give up the lock, if still held, and wait as
    // a standby; the batch in memory is dropped and read again later.
    RecordError("owning the partition", "postgres", status);
    store_->Close();
    spdlog::warn("lost ownership of the partition, waiting as standby partition={} "
                 "next_offset={} error=\"{}\"",
                 options_.partition, next_offset_, status.message());
  }
  spdlog::info("worker stopped partition={} next_offset={}", options_.partition,
               Snapshot().next_offset);
  return absl::OkStatus();
}

absl::Status PartitionWorker::RunAsOwner() {
  if (absl::Status acquired = AcquirePartition(); !acquired.ok()) return acquired;
  if (absl::Status published = RepublishUnpublished(); !published.ok()) return published;
  if (absl::Status checked = CheckOffsetAgainstTopic(); !checked.ok()) return checked;

  if (absl::Status assigned = consumer_->Assign(
          options_.request_topic, {{options_.partition, next_offset_}});
      !assigned.ok()) {
    return absl::FailedPreconditionError(assigned.message());
  }
  spdlog::info("worker reading partition={} topic={} next_offset={}",
               options_.partition, options_.request_topic, next_offset_);

  while (!stopping_) {
    WaitWhilePaused();
    if (stopping_) break;
    std::vector<ConsumedRequest> batch = PollBatch();
    if (batch.empty()) {
      ProbeKafka();
      if (absl::Status probed = ProbeDatabase(); absl::IsAborted(probed)) return probed;
      PruneIfDue();
      continue;
    }

    std::vector<CheckedRequest> requests;
    requests.reserve(batch.size());
    for (const ConsumedRequest& request : batch) {
      requests.push_back(CheckRequest(
          request, {.partition_count = partition_count_,
                    .username_policy = &options_.username_policy}));
      if (!requests.back().is_claim()) {
        // The request id and username come unchecked from Kafka, so they
        // are quoted and escaped.
        spdlog::warn("request rejected partition={} offset={} request_id={} username={} "
                     "reason=\"{}\"",
                     request.partition, request.offset,
                     QuoteForMessage(requests.back().request_id),
                     QuoteForMessage(requests.back().username),
                     requests.back().rejection_reason);
      }
    }

    const absl::Time commit_started = absl::Now();
    absl::StatusOr<std::vector<Decision>> decisions = Retry(
        "committing a batch", "postgres", [&] { return store_->CommitBatch(next_offset_, requests); });
    if (!decisions.ok()) return decisions.status();
    const absl::Time committed = absl::Now();
    metrics_->ObserveBatchCommit(committed - commit_started);
    for (const ConsumedRequest& request : batch) {
      if (request.written_at != absl::InfinitePast()) {
        metrics_->ObserveRequestWait(committed - request.written_at);
      }
    }
    next_offset_ = batch.back().offset + 1;
    CountDecisions(*decisions);
    // The batch came from the broker and went to the database.
    UpdateConditions([](WorkerConditions& conditions) {
      conditions.kafka_reachable = true;
      conditions.database_reachable = true;
    });
    spdlog::debug("batch committed partition={} first_offset={} next_offset={} size={}",
                  options_.partition, batch.front().offset, next_offset_, batch.size());

    // On failure the decisions stay committed and unpublished; the next
    // owner of the partition republishes them.
    if (absl::Status published = PublishAndMark(*decisions); !published.ok()) {
      return published;
    }
  }
  return absl::CancelledError("the worker is stopping");
}

absl::Status PartitionWorker::CheckOffsetAgainstTopic() {
  absl::StatusOr<Watermarks> watermarks =
      Retry("reading the partition's offsets", "kafka", [&] {
        return consumer_->QueryWatermarks(options_.request_topic, options_.partition,
                                          absl::Seconds(10));
      });
  if (!watermarks.ok()) return watermarks.status();
  if (next_offset_ > watermarks->high) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the database of partition ", options_.partition, " has decided requests up to offset ",
        next_offset_ - 1, ", but partition ", options_.partition, " of topic ",
        options_.request_topic, " ends at offset ", watermarks->high,
        ": the topic was deleted or recreated after this database was used. Give the worker "
        "the database that belongs to this topic, or a new database set up with signup-admin"));
  }
  if (next_offset_ < watermarks->low) {
    // NOTE: nothing can bring these requests back; their callers got no
    // decision, and a retry with the same request id is decided anew.
    spdlog::error("requests were deleted from Kafka before they were decided, skipping "
                  "them partition={} first_lost_offset={} first_kept_offset={}",
                  options_.partition, next_offset_, watermarks->low);
  }
  return absl::OkStatus();
}

void PartitionWorker::ProbeKafka() {
  // An idle partition yields neither messages nor errors (librdkafka hands
  // connection errors to its event callback), so request the topic's
  // metadata once a second to learn whether the broker responds.
  const absl::Time now = absl::Now();
  if (now < next_kafka_probe_) return;
  next_kafka_probe_ = now + options_.probe_interval;

  const absl::StatusOr<int32_t> probe =
      consumer_->PartitionCount(options_.request_topic, absl::Seconds(1));
  if (!probe.ok()) RecordError("probing Kafka", "kafka", probe.status());
  if (probe.ok() == Snapshot().conditions.kafka_reachable) return;
  UpdateConditions(
      [&](WorkerConditions& conditions) { conditions.kafka_reachable = probe.ok(); });
  if (probe.ok()) {
    spdlog::info("Kafka reachable again partition={}", options_.partition);
  } else {
    spdlog::warn("Kafka unreachable partition={} error=\"{}\"", options_.partition,
                 probe.status().message());
  }
}

absl::Status PartitionWorker::ProbeDatabase() {
  const absl::Time now = absl::Now();
  if (now < next_database_probe_) return absl::OkStatus();
  next_database_probe_ = now + options_.probe_interval;

  const absl::Status ping = store_->Ping();
  if (absl::IsAborted(ping)) return ping;
  if (!ping.ok()) RecordError("pinging the database", "postgres", ping);
  if (ping.ok() == Snapshot().conditions.database_reachable) return absl::OkStatus();
  UpdateConditions(
      [&](WorkerConditions& conditions) { conditions.database_reachable = ping.ok(); });
  if (ping.ok()) {
    spdlog::info("database reachable again partition={}", options_.partition);
  } else {
    spdlog::warn("database unreachable partition={} error=\"{}\"", options_.partition,
                 ping.message());
  }
  return absl::OkStatus();
}

void PartitionWorker::PruneIfDue() {
  const absl::Time now = absl::Now();
  if (now < next_prune_) return;
  next_prune_ = now + options_.prune_interval;

  const absl::Time cutoff = now - options_.decision_retention;
  int64_t total = 0;
  while (!stopping_) {
    absl::StatusOr<int64_t> deleted = store_->PruneDecisions(cutoff, 1000);
    if (!deleted.ok()) {
      RecordError("pruning decisions", "postgres", deleted.status());
      spdlog::warn("pruning decisions failed, trying again in {} partition={} "
                   "error=\"{}\"",
                   absl::FormatDuration(options_.prune_interval), options_.partition,
                   deleted.status().message());
      break;
    }
    total += *deleted;
    if (*deleted < 1000) break;
  }
  if (total > 0) {
    spdlog::info("pruned expired decisions partition={} count={} cutoff={}",
                 options_.partition, total, absl::FormatTime(cutoff));
  }
}

std::vector<ConsumedRequest> PartitionWorker::PollBatch() {
  std::vector<ConsumedRequest> batch;
  absl::Duration timeout = options_.poll_timeout;
  while (static_cast<int>(batch.size()) < options_.batch_size && !stopping_) {
    absl::StatusOr<std::unique_ptr<RdKafka::Message>> message = consumer_->Poll(timeout);
    if (!message.ok()) {
      // librdkafka retries by itself, and a broker outage fails every poll:
      // log the 1st, 2nd, 4th, 8th ... failure in a row.
      ++consecutive_poll_failures_;
      RecordError("reading Kafka", "kafka", message.status());
      if ((consecutive_poll_failures_ & (consecutive_poll_failures_ - 1)) == 0) {
        spdlog::warn("reading Kafka failed partition={} next_offset={} failures={} "
                     "error=\"{}\"",
                     options_.partition, next_offset_, consecutive_poll_failures_,
                     message.status().message());
      }
      break;
    }
    consecutive_poll_failures_ = 0;
    if (*message == nullptr) break;

    const RdKafka::Message& raw = **message;
    if (raw.offset() < next_offset_) {
      // Only a reset of the consumer's position can deliver a request that
      // is already decided; deciding it again would fail the transaction.
      spdlog::warn("skipping a request that is already decided partition={} offset={} "
                   "next_offset={}",
                   options_.partition, raw.offset(), next_offset_);
      continue;
    }
    ConsumedRequest request;
    request.partition = raw.partition();
    request.offset = raw.offset();
    if (raw.key() != nullptr) request.key = *raw.key();
    request.payload.assign(static_cast<const char*>(raw.payload()), raw.len());
    const RdKafka::MessageTimestamp timestamp = raw.timestamp();
    if (timestamp.type != RdKafka::MessageTimestamp::MSG_TIMESTAMP_NOT_AVAILABLE) {
      request.written_at = absl::FromUnixMillis(timestamp.timestamp);
    }
    batch.push_back(std::move(request));
    // Later requests of the batch only take what has already arrived.
    timeout = absl::ZeroDuration();
  }
  return batch;
}

absl::Status PartitionWorker::Publish(const std::vector<Decision>& decisions) {
  // Counts outstanding delivery reports; shared with the callbacks, which
  // may run after this function returns on a timeout.
  struct Deliveries {
    std::mutex mutex;
    std::condition_variable done;
    size_t pending = 0;
    absl::Status first_error;
  };
  auto deliveries = std::make_shared<Deliveries>();

  for (const Decision& decision : decisions) {
    const std::string payload = ToKafkaMessage(decision).SerializeAsString();
    {
      std::lock_guard lock(deliveries->mutex);
      ++deliveries->pending;
    }
    absl::Status enqueued = producer_->Produce(
        options_.response_topic, options_.partition, decision.username, payload,
        [deliveries](const DeliveryReport& report) {
          std::lock_guard lock(deliveries->mutex);
          if (!report.status.ok() && deliveries->first_error.ok()) {
            deliveries->first_error = report.status;
          }
          if (--deliveries->pending == 0) deliveries->done.notify_all();
        });
    if (!enqueued.ok()) {
      std::lock_guard lock(deliveries->mutex);
      --deliveries->pending;
      return enqueued;
    }
  }

  std::unique_lock lock(deliveries->mutex);
  const bool delivered = deliveries->done.wait_for(
      lock, std::chrono::seconds(60), [&] { return deliveries->pending == 0; });
  if (!delivered) {
    return absl::DeadlineExceededError(
        absl::StrCat(deliveries->pending, " decisions of partition ",
                     options_.partition, " unacknowledged after 60 s"));
  }
  return deliveries->first_error;
}

absl::Status PartitionWorker::PublishAndMark(const std::vector<Decision>& decisions) {
  if (decisions.empty()) return absl::OkStatus();
  const absl::Time publish_started = absl::Now();
  absl::Status published =
      Retry("publishing decisions", "kafka", [&] { return Publish(decisions); });
  if (!published.ok()) return published;
  metrics_->ObservePublish(absl::Now() - publish_started);

  std::vector<int64_t> offsets;
  offsets.reserve(decisions.size());
  for (const Decision& decision : decisions) offsets.push_back(decision.offset);
  return Retry("marking decisions published", "postgres",
               [&] { return store_->MarkPublished(offsets); });
}

absl::Status PartitionWorker::RepublishUnpublished() {
  size_t total = 0;
  while (!stopping_) {
    absl::StatusOr<std::vector<Decision>> unpublished = Retry(
        "loading unpublished decisions", "postgres",
        [&] { return store_->LoadUnpublished(options_.batch_size); });
    if (!unpublished.ok()) return unpublished.status();
    if (unpublished->empty()) break;
    if (absl::Status published = PublishAndMark(*unpublished); !published.ok()) {
      return published;
    }
    total += unpublished->size();
  }
  if (total > 0) {
    spdlog::info("republished decisions left unpublished by the last run "
                 "partition={} count={}",
                 options_.partition, total);
  }
  return absl::OkStatus();
}

}  // namespace signup
