#include "services/gateway/watch_reactor.h"

#include <utility>

#include "services/common/logging.h"

namespace signup {

WatchReactor::WatchReactor(ConsumerOptions options, std::string topic,
                           DecisionReader::StartFrom start_from)
    : thread_(&WatchReactor::ReadLoop, this, std::move(options), std::move(topic),
              start_from) {}

void WatchReactor::ReadLoop(ConsumerOptions options, std::string topic,
                            DecisionReader::StartFrom start_from) {
  absl::StatusOr<std::unique_ptr<DecisionReader>> reader =
      DecisionReader::Open(options, topic, start_from, absl::Seconds(10));
  if (!reader.ok()) {
    spdlog::warn("watch not started topic={} error=\"{}\"", topic,
                 reader.status().message());
    Finish(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        std::string(reader.status().message())));
    return;
  }

  // Failed reads in a row; librdkafka retries by itself, so only the 1st,
  // 2nd, 4th, 8th ... failure is logged.
  int64_t read_failures = 0;
  while (true) {
    {
      std::unique_lock lock(mutex_);
      write_done_.wait(lock, [&] { return !writing_ || cancelled_; });
      if (cancelled_) break;
    }
    absl::StatusOr<std::optional<v1::Decision>> decision =
        (*reader)->Next(absl::Milliseconds(200));
    if (!decision.ok()) {
      ++read_failures;
      if ((read_failures & (read_failures - 1)) == 0) {
        spdlog::warn("watch read failed topic={} failures={} error=\"{}\"", topic,
                     read_failures, decision.status().message());
      }
      continue;
    }
    read_failures = 0;
    if (!decision->has_value()) continue;

    std::unique_lock lock(mutex_);
    if (cancelled_) break;
    writing_ = true;
    in_flight_ = **std::move(decision);
    lock.unlock();
    StartWrite(&in_flight_);
  }

  // The loop ends when the call is cancelled or a write failed. A write may
  // still be in flight; gRPC completes it (with ok=false) before Finish.
  {
    std::unique_lock lock(mutex_);
    write_done_.wait(lock, [&] { return !writing_; });
  }
  Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the watch was cancelled"));
}

void WatchReactor::OnWriteDone(bool ok) {
  std::lock_guard lock(mutex_);
  writing_ = false;
  if (!ok) cancelled_ = true;
  write_done_.notify_all();
}

void WatchReactor::OnCancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  write_done_.notify_all();
}

void WatchReactor::OnDone() {
  thread_.join();
  delete this;
}

}  // namespace signup
