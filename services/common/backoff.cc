#include "services/common/backoff.h"

#include <algorithm>

namespace signup {

Backoff::Backoff(absl::Duration initial, absl::Duration max)
    : initial_(initial), max_(max), random_(std::random_device{}()) {}

absl::Duration Backoff::NextDelay() {
  // 2^20 times any sane initial delay exceeds any sane maximum, so the
  // exponent stops growing there and the product cannot overflow.
  const int exponent = std::min(attempt_, 20);
  ++attempt_;
  const absl::Duration ceiling = std::min(initial_ * (int64_t{1} << exponent), max_);
  std::uniform_real_distribution<double> fraction(0.5, 1.0);
  return ceiling * fraction(random_);
}

}  // namespace signup
