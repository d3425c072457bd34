// Routes each decision read from account.signup_response to the Signup
// calls on this gateway that wait for its request id.
#ifndef SIGNUP_SERVICES_GATEWAY_DECISION_ROUTER_H_
#define SIGNUP_SERVICES_GATEWAY_DECISION_ROUTER_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "signup/v1/signup.pb.h"

namespace signup {

// A call that waits for the decision of one request.
class DecisionWaiter {
 public:
  virtual ~DecisionWaiter() = default;
  // Called at most once, on the thread that reads decisions; must not block.
  virtual void OnDecision(const v1::Decision& decision) = 0;
};

// Thread-safe. A waiter receives the first decision with its request id and
// is then removed, so a decision that Kafka carries twice reaches a waiter
// once.
class DecisionRouter {
 public:
  // Adds `waiter` for `request_id`. Several waiters may wait for one id.
  void Register(const std::string& request_id, std::shared_ptr<DecisionWaiter> waiter);

  // Removes `waiter` if it is still registered for `request_id`.
  void Unregister(const std::string& request_id, const DecisionWaiter* waiter);

  // Hands `decision` to every waiter of its request id and removes them.
  // Returns how many waiters received it.
  int Deliver(const v1::Decision& decision);

  // Number of registered waiters.
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::multimap<std::string, std::shared_ptr<DecisionWaiter>> waiters_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_GATEWAY_DECISION_ROUTER_H_
