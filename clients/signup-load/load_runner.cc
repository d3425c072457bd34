#include "clients/signup-load/load_runner.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace signup::load {
namespace {

// Shared state of the sending threads.
class LoadState {
 public:
  LoadState(const std::vector<Claim>& claims, double rate)
      : claims_(claims), completed_(claims.size(), false), rate_(rate), start_(absl::Now()) {}

  // Returns the index of the next claim to send, or -1 when none is left.
  // With a rate limit, sleeps until the claim's start time.
  int64_t TakeNext() {
    const int64_t index = next_.fetch_add(1);
    if (index >= static_cast<int64_t>(claims_.size())) return -1;
    if (rate_ > 0) {
      absl::SleepFor(start_ + absl::Seconds(static_cast<double>(index) / rate_) - absl::Now());
    }
    return index;
  }

  // Blocks until claim `index` has completed.
  void WaitForCompletion(int64_t index) {
    std::unique_lock<std::mutex> lock(mutex_);
    completed_changed_.wait(lock, [&] { return completed_[index]; });
  }

  void MarkCompleted(int64_t index, const ClaimResult& result) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      completed_[index] = true;
      ++summary_.claims;
      summary_.attempts += result.attempts;
      if (result.decided) {
        ++summary_.decided;
      } else {
        ++summary_.undecided;
      }
    }
    completed_changed_.notify_all();
  }

  LoadSummary Summary() {
    std::lock_guard<std::mutex> lock(mutex_);
    return summary_;
  }

 private:
  const std::vector<Claim>& claims_;
  std::atomic<int64_t> next_{0};
  std::mutex mutex_;
  std::condition_variable completed_changed_;
  std::vector<bool> completed_;
  LoadSummary summary_;
  const double rate_;
  const absl::Time start_;
};

void PrintProgress(const LoadSummary& summary, int64_t total, absl::Duration elapsed) {
  std::fprintf(stderr,
               "signup-load: %lld of %lld claims completed (%lld undecided), %lld attempts, "
               "%.0f s\n",
               static_cast<long long>(summary.claims), static_cast<long long>(total),
               static_cast<long long>(summary.undecided),
               static_cast<long long>(summary.attempts), absl::ToDoubleSeconds(elapsed));
}

}  // namespace

LoadSummary RunLoad(const std::vector<Claim>& claims, const std::vector<Gateway>& gateways,
                    const LoadOptions& options, RecordWriter& writer) {
  LoadState state(claims, options.rate);
  const absl::Time started = absl::Now();

  std::vector<std::thread> threads;
  for (int32_t t = 0; t < options.concurrency; ++t) {
    threads.emplace_back([&] {
      for (int64_t index = state.TakeNext(); index >= 0; index = state.TakeNext()) {
        const Claim& claim = claims[index];
        // Claims are taken in index order, so the original of a retry is
        // already running on another thread and completes within its claim
        // deadline.
        if (claim.kind == ClaimKind::kRetry) state.WaitForCompletion(claim.original);
        const ClaimResult result =
            SendClaim(claim, gateways, static_cast<size_t>(index), options.retry, writer);
        state.MarkCompleted(index, result);
      }
    });
  }

  // Progress, until every claim completed.
  std::mutex progress_mutex;
  std::condition_variable done_changed;
  bool done = false;
  std::thread progress([&] {
    std::unique_lock<std::mutex> lock(progress_mutex);
    while (!done_changed.wait_for(lock, std::chrono::seconds(5), [&] { return done; })) {
      PrintProgress(state.Summary(), static_cast<int64_t>(claims.size()),
                    absl::Now() - started);
    }
  });

  for (std::thread& thread : threads) thread.join();
  {
    std::lock_guard<std::mutex> lock(progress_mutex);
    done = true;
  }
  done_changed.notify_all();
  progress.join();

  const LoadSummary summary = state.Summary();
  PrintProgress(summary, static_cast<int64_t>(claims.size()), absl::Now() - started);
  return summary;
}

}  // namespace signup::load
