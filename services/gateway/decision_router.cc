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
  // Waiters are called outside the lock, because a waiter may finish its
  // call and unregister from within OnDecision.
  // Serializes deliveries, so that two copies of one decision delivered at
  // once cannot both be offered to the same waiter.
  std::lock_guard delivery(delivery_mutex_);
  std::vector<std::shared_ptr<DecisionWaiter>> candidates;
  {
    std::lock_guard lock(mutex_);
    auto [begin, end] = waiters_.equal_range(decision.request_id());
    for (auto it = begin; it != end; ++it) candidates.push_back(it->second);
  }
  int taken = 0;
  for (const std::shared_ptr<DecisionWaiter>& candidate : candidates) {
    if (!candidate->OnDecision(decision)) continue;
    ++taken;
    Unregister(decision.request_id(), candidate.get());
  }
  return taken;
}

void DecisionRouter::ShutDown() {
  std::lock_guard delivery(delivery_mutex_);
  std::multimap<std::string, std::shared_ptr<DecisionWaiter>> waiters;
  {
    std::lock_guard lock(mutex_);
    waiters.swap(waiters_);
  }
  // Outside the lock: a waiter finishes its call, which unregisters.
  for (const auto& [request_id, waiter] : waiters) waiter->OnShutdown();
}

size_t DecisionRouter::size() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

}  // namespace signup
