#include "services/gateway/response_listener.h"

#include "services/common/backoff.h"
#include "services/common/logging.h"

namespace signup {

absl::StatusOr<std::unique_ptr<ResponseListener>> ResponseListener::Start(
    const ConsumerOptions& options, const std::string& topic, DecisionRouter* router,
    absl::Duration timeout) {
  absl::StatusOr<std::unique_ptr<DecisionReader>> reader =
      DecisionReader::Open(options, topic, DecisionReader::StartFrom::kNow, timeout);
  if (!reader.ok()) return reader.status();
  return std::unique_ptr<ResponseListener>(
      new ResponseListener(std::move(*reader), router));
}

ResponseListener::ResponseListener(std::unique_ptr<DecisionReader> reader,
                                   DecisionRouter* router)
    : reader_(std::move(reader)), router_(router), thread_([this] { Loop(); }) {}

ResponseListener::~ResponseListener() {
  stopping_ = true;
  thread_.join();
}

void ResponseListener::Loop() {
  Backoff backoff(absl::Milliseconds(100), absl::Seconds(5));
  while (!stopping_) {
    absl::StatusOr<std::optional<v1::Decision>> decision =
        reader_->Next(absl::Milliseconds(200));
    if (!decision.ok()) {
      const absl::Duration delay = backoff.NextDelay();
      spdlog::warn("reading decisions failed, retrying in {} error=\"{}\"",
                   absl::FormatDuration(delay), decision.status().message());
      absl::SleepFor(delay);
      continue;
    }
    backoff.Reset();
    if (decision->has_value()) router_->Deliver(**decision);
  }
}

}  // namespace signup
