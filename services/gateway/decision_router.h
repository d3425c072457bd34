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
  // Offers a decision with the waiter's request id; called on the thread
  // that reads decisions, and must not block. Returns true when the waiter
  // took it and needs no other decision. Several requests may share a
  // request id (a client's retries), so a waiter may decline a decision
  // for another request by returning false.
  virtual bool OnDecision(const v1::Decision& decision) = 0;
  // Tells the waiter that no decision will come through this gateway,
  // because it is shutting down; must not block. Does nothing by default.
  virtual void OnShutdown() {}
};

// Thread-safe. Offers each decision to the waiters of its request id and
// removes those that take it.
class DecisionRouter {
 public:
  // Adds `waiter` for `request_id`. Several waiters may wait for one id.
  void Register(const std::string& request_id, std::shared_ptr<DecisionWaiter> waiter);

  // Removes `waiter` if it is still registered for `request_id`.
  void Unregister(const std::string& request_id, const DecisionWaiter* waiter);

  // Offers `decision` to every waiter of its request id and removes the
  // waiters that take it. Returns how many took it. Deliveries run one at a
  // time; a waiter's OnDecision may call Register and Unregister, but not
  // Deliver.
  int Deliver(const v1::Decision& decision);

  // Calls OnShutdown on every registered waiter and removes them all.
  void ShutDown();

  // Number of registered waiters.
  size_t size() const;

 private:
  std::mutex delivery_mutex_;
  mutable std::mutex mutex_;
  std::multimap<std::string, std::shared_ptr<DecisionWaiter>> waiters_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_GATEWAY_DECISION_ROUTER_H_
