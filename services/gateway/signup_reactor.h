// The server side of one Signup call.
//
// States, each entered once, in order:
//
//   started --produce--> waiting for the delivery report
//           --report OK--> `accepted` written; waiting for the decision
//           --decision--> `outcome` written --> Finish(OK)
//
// Any state may end early: an invalid request finishes with
// INVALID_ARGUMENT, a failed delivery with UNAVAILABLE, and a cancelled or
// expired call with CANCELLED. The decision may arrive before the delivery
// report (the reports and the decisions are read on different threads); it
// is then held until `accepted` has been queued, so the events keep their
// order. Retries of a client share its request id, so a call takes only
// the decision whose partition and offset match its own delivery report.
//
// Lifetime: gRPC holds one reference until OnDone; the producer's delivery
// callback and the DecisionRouter hold one each while they can still call
// in. The reactor deletes itself when the last reference is dropped.
#ifndef SIGNUP_SERVICES_GATEWAY_SIGNUP_REACTOR_H_
#define SIGNUP_SERVICES_GATEWAY_SIGNUP_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/common/kafka_producer.h"
#include "services/common/username_policy.h"
#include "absl/time/time.h"
#include "services/gateway/decision_router.h"
#include "services/gateway/gateway_metrics.h"
#include "signup/v1/signup.grpc.pb.h"

namespace signup {

// The gateway's shared objects that every Signup call uses.
struct SignupContext {
  KafkaProducer* producer = nullptr;
  DecisionRouter* router = nullptr;
  std::string request_topic;
  std::string gateway_id;
  // False while the gateway starts or drains; Signup then fails with
  // UNAVAILABLE before producing anything.
  const std::atomic<bool>* accepting = nullptr;
  // How usernames are canonicalized; must not be null.
  const UsernamePolicy* username_policy = nullptr;
  // Must not be null.
  GatewayMetrics* metrics = nullptr;
};

class SignupReactor : public grpc::ServerWriteReactor<v1::SignupEvent> {
 public:
  // Starts the call: validates `request`, registers for its decision and
  // produces it to Kafka. `context` must outlive the reactor.
  SignupReactor(const SignupContext& context, const v1::SignupRequest& request);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  class Handle;

  void Start(const v1::SignupRequest& request);
  void OnDelivered(const DeliveryReport& report);
  bool OnDecision(const v1::Decision& decision);
  // Ends the call with UNAVAILABLE and the request id to retry with.
  void OnShutdown();
  // Records the latency and outcome of this call's decision.
  void RecordOutcome(const v1::Decision& decision);
  // True when `decision` is for the request that this call produced.
  bool IsOwnDecision(const v1::Decision& decision) const;

  // Finishes the call once no write is in flight; later calls do nothing.
  void FinishOnce(grpc::Status status);
  // Called with mutex_ held: starts the next queued write, or the finish
  // once the queue is empty, releasing the lock before calling into gRPC.
  void Pump(std::unique_lock<std::mutex>& lock);

  void Ref() { references_.fetch_add(1); }
  void Unref();

  const SignupContext& context_;
  const absl::Time started_ = absl::Now();
  std::string request_id_;
  std::string username_;
  std::atomic<int> references_{1};
  std::shared_ptr<Handle> router_handle_;
  // The registered waiter, for Unregister; set once, before any callback.
  const DecisionWaiter* router_key_ = nullptr;

  std::mutex mutex_;
  std::deque<v1::SignupEvent> queue_;
  v1::SignupEvent in_flight_;
  bool writing_ = false;
  // Partition and offset from the delivery report, once it arrived.
  struct Accepted {
    int32_t partition;
    int64_t offset;
  };
  std::optional<Accepted> accepted_;
  // Decisions with this call's request id that arrived before the
  // delivery report; the one at this request's offset is the outcome.
  std::vector<v1::Decision> early_decisions_;
  std::optional<grpc::Status> finish_status_;
  bool finished_ = false;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_GATEWAY_SIGNUP_REACTOR_H_
