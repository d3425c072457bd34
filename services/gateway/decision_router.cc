#include "services/gateway/decision_router.h"

#include <vector>

namespace signup {

void DecisionRouter::Register(const std::string& request_id,
                              std::shared_ptr<DecisionWaiter> waiter) {
  std::lock_guard lock(mutex_);
  waiters_.emplace(request_id, std::move(waiter));
}

void DecisionRouter::Unregister(const std::string& request_id,
                                const DecisionWaiter* waiter) {
  std::shared_ptr<DecisionWaiter> removed;  // Destroyed outside the lock.
  std::lock_guard lock(mutex_);
  auto [begin, end] = waiters_.equal_range(request_id);
  for (auto it = begin; it != end; ++it) {
    if (it->second.get() == waiter) {
      removed = std::move(it->second);
      waiters_.erase(it);
      return;
    }
  }
}

int DecisionRouter::Deliver(const v1::Decision& decision) {
  std::vector<std::shared_ptr<DecisionWaiter>> receivers;
  {
    std::lock_guard lock(mutex_);
    auto [begin, end] = waiters_.equal_range(decision.request_id());
    for (auto it = begin; it != end; ++it) receivers.push_back(std::move(it->second));
    waiters_.erase(begin, end);
  }
  for (const std::shared_ptr<DecisionWaiter>& receiver : receivers) {
    receiver->OnDecision(decision);
  }
  return static_cast<int>(receivers.size());
}

size_t DecisionRouter::size() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

}  // namespace signup
