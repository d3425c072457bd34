#include "services/common/backoff.h"

#include <algorithm>
#include <set>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace signup {
namespace {

constexpr absl::Duration kInitial = absl::Milliseconds(100);
constexpr absl::Duration kMax = absl::Seconds(5);

TEST(BackoffTest, FirstDelayWithinInitial) {
  Backoff backoff(kInitial, kMax);
  const absl::Duration delay = backoff.NextDelay();
  EXPECT_GE(delay, kInitial / 2);
  EXPECT_LE(delay, kInitial);
}

TEST(BackoffTest, CeilingDoublesPerAttempt) {
  Backoff backoff(kInitial, kMax);
  for (int attempt = 0; attempt < 10; ++attempt) {
    SCOPED_TRACE(attempt);
    const absl::Duration ceiling = std::min(kInitial * (int64_t{1} << attempt), kMax);
    const absl::Duration delay = backoff.NextDelay();
    EXPECT_GE(delay, ceiling / 2);
    EXPECT_LE(delay, ceiling);
  }
}

TEST(BackoffTest, StaysAtMaxAfterManyAttempts) {
  Backoff backoff(kInitial, kMax);
  // Far beyond the attempt where initial * 2^n would overflow an int64.
  for (int attempt = 0; attempt < 200; ++attempt) backoff.NextDelay();
  const absl::Duration delay = backoff.NextDelay();
  EXPECT_GE(delay, kMax / 2);
  EXPECT_LE(delay, kMax);
}

TEST(BackoffTest, EqualBoundsStayConstantCeiling) {
  Backoff backoff(absl::Seconds(1), absl::Seconds(1));
  for (int attempt = 0; attempt < 5; ++attempt) {
    SCOPED_TRACE(attempt);
    const absl::Duration delay = backoff.NextDelay();
    EXPECT_GE(delay, absl::Milliseconds(500));
    EXPECT_LE(delay, absl::Seconds(1));
  }
}

TEST(BackoffTest, AttemptCountsDelays) {
  Backoff backoff(kInitial, kMax);
  EXPECT_EQ(backoff.attempt(), 0);
  backoff.NextDelay();
  backoff.NextDelay();
  backoff.NextDelay();
  EXPECT_EQ(backoff.attempt(), 3);
}

TEST(BackoffTest, ResetStartsOver) {
  Backoff backoff(kInitial, kMax);
  for (int attempt = 0; attempt < 8; ++attempt) backoff.NextDelay();
  backoff.Reset();
  EXPECT_EQ(backoff.attempt(), 0);
  const absl::Duration delay = backoff.NextDelay();
  EXPECT_LE(delay, kInitial);
}

TEST(BackoffTest, DelaysAreJittered) {
  // Processes that failed together must not retry together, so the delays
  // of one attempt vary. 50 draws from [50 ms, 100 ms] that are all equal
  // mean there is no jitter.
  std::set<absl::Duration> first_delays;
  for (int i = 0; i < 50; ++i) {
    Backoff backoff(kInitial, kMax);
    first_delays.insert(backoff.NextDelay());
  }
  EXPECT_GT(first_delays.size(), 1u);
}

}  // namespace
}  // namespace signup
