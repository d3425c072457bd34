// Bounded exponential backoff with full jitter, for retrying PostgreSQL and
// Kafka operations that failed for a reason that may pass.
#ifndef SIGNUP_SERVICES_COMMON_BACKOFF_H_
#define SIGNUP_SERVICES_COMMON_BACKOFF_H_

#include <cstdint>
#include <random>

#include "absl/time/time.h"

namespace signup {

// Computes the delay before each retry. The ceiling of attempt n (counting
// from 0) is min(initial * 2^n, max); the delay is drawn uniformly from
// [ceiling / 2, ceiling], so that many processes that failed together do not
// retry together. Not thread-safe: each retry loop owns one.
class Backoff {
 public:
  // Requires 0 < initial <= max.
  Backoff(absl::Duration initial, absl::Duration max);

  // Returns the delay before the next retry and advances the attempt count.
  absl::Duration NextDelay();

  // Starts over at `initial`, after an operation succeeded.
  void Reset() { attempt_ = 0; }

  // Number of delays handed out since construction or the last Reset.
  int attempt() const { return attempt_; }

 private:
  absl::Duration initial_;
  absl::Duration max_;
  int attempt_ = 0;
  std::minstd_rand random_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_BACKOFF_H_
