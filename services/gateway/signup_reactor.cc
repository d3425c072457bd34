#include "services/gateway/signup_reactor.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "services/common/request_id.h"
#include "services/common/invalid_argument.h"
#include "signup/kafka/v1/messages.pb.h"
#include "services/common/logging.h"

namespace signup {

// The router's reference to the reactor; it keeps the reactor alive while
// the router can still hand it a decision.
class SignupReactor::Handle : public DecisionWaiter {
 public:
  explicit Handle(SignupReactor* reactor) : reactor_(reactor) { reactor_->Ref(); }
  ~Handle() override { reactor_->Unref(); }
  bool OnDecision(const v1::Decision& decision) override {
    return reactor_->OnDecision(decision);
  }
  void OnShutdown() override { reactor_->OnShutdown(); }

 private:
  SignupReactor* reactor_;
};

SignupReactor::SignupReactor(const SignupContext& context,
                             const v1::SignupRequest& request)
    : context_(context) {
  Start(request);
}

void SignupReactor::Start(const v1::SignupRequest& request) {
  if (context_.accepting != nullptr && !context_.accepting->load()) {
    FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            "the gateway is not accepting signups (starting or "
                            "shutting down); retry shortly"));
    return;
  }
  CanonicalizeResult username =
      CanonicalizeUsername(request.username(), *context_.username_policy);
  if (username.error.has_value()) {
    FinishOnce(InvalidUsernameStatus(*username.error));
    return;
  }
  request_id_ = request.request_id().empty() ? GenerateRequestId() : request.request_id();
  if (absl::Status valid = ValidateRequestId(request_id_); !valid.ok()) {
    FinishOnce(InvalidArgumentStatus("request_id", "INVALID_REQUEST_ID", valid.message()));
    return;
  }
  username_ = username.username->canonical;

  // Registered before producing, so that even a decision that arrives before
  // the delivery report finds this call.
  router_handle_ = std::make_shared<Handle>(this);
  router_key_ = router_handle_.get();
  context_.router->Register(request_id_, router_handle_);

  kafka::v1::SignupRequested message;
  message.set_request_id(request_id_);
  message.set_username(username_);
  *message.mutable_requested_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  message.set_gateway_id(context_.gateway_id);
  message.set_username_policy(
      std::string(UsernamePolicyKindName(context_.username_policy->kind)));
  message.set_display_name(username.username->display);

  Ref();  // For the delivery callback.
  absl::Status enqueued = context_.producer->Produce(
      context_.request_topic, kAnyPartition, username_, message.SerializeAsString(),
      [this](const DeliveryReport& report) {
        OnDelivered(report);
        Unref();
      });
  if (!enqueued.ok()) {
    Unref();
    context_.metrics->CountKafkaError("produce");
    context_.router->Unregister(request_id_, router_key_);
    spdlog::warn("signup not enqueued request_id={} username=\"{}\" error=\"{}\"",
                 request_id_, username_, enqueued.message());
    FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            absl::StrCat(enqueued.message(),
                                         "; nothing was accepted, retry later")));
  }
}

void SignupReactor::OnDelivered(const DeliveryReport& report) {
  if (!report.status.ok()) {
    context_.router->Unregister(request_id_, router_key_);
    context_.metrics->CountKafkaError("produce");
    spdlog::warn("signup not accepted request_id={} username=\"{}\" error=\"{}\"",
                 request_id_, username_, report.status.message());
    FinishOnce(grpc::Status(
        grpc::StatusCode::UNAVAILABLE,
        absl::StrCat(report.status.message(),
                     "; the request was not accepted, retry with the same request id")));
    return;
  }
  spdlog::debug("signup accepted request_id={} partition={} offset={}", request_id_,
                report.partition, report.offset);

  context_.metrics->ObserveSignupStage("accepted", absl::Now() - started_);
  std::unique_lock lock(mutex_);
  if (finish_status_.has_value()) return;
  accepted_ = Accepted{report.partition, report.offset};
  v1::SignupEvent accepted;
  accepted.mutable_accepted()->set_request_id(request_id_);
  accepted.mutable_accepted()->set_partition(report.partition);
  accepted.mutable_accepted()->set_offset(report.offset);
  queue_.push_back(std::move(accepted));

  for (v1::Decision& early : early_decisions_) {
    if (!IsOwnDecision(early)) continue;
    RecordOutcome(early);
    v1::SignupEvent outcome;
    *outcome.mutable_outcome() = std::move(early);
    queue_.push_back(std::move(outcome));
    finish_status_ = grpc::Status::OK;
    break;
  }
  early_decisions_.clear();
  const bool decided = finish_status_.has_value();
  Pump(lock);
  if (decided) context_.router->Unregister(request_id_, router_key_);
}

bool SignupReactor::IsOwnDecision(const v1::Decision& decision) const {
  return accepted_.has_value() && decision.partition() == accepted_->partition &&
         decision.offset() == accepted_->offset;
}

bool SignupReactor::OnDecision(const v1::Decision& decision) {
  std::unique_lock lock(mutex_);
  if (finish_status_.has_value()) return true;
  if (!accepted_.has_value()) {
    // The decision may be this call's or that of another request with the
    // same request id; which one is known once the delivery report names
    // this request's offset.
    early_decisions_.push_back(decision);
    return false;
  }
  if (!IsOwnDecision(decision)) return false;

  spdlog::debug("signup decided request_id={} partition={} offset={} outcome={} replay={}",
                request_id_, decision.partition(), decision.offset(),
                v1::Outcome_Name(decision.outcome()), decision.replay());
  RecordOutcome(decision);
  v1::SignupEvent outcome;
  *outcome.mutable_outcome() = decision;
  queue_.push_back(std::move(outcome));
  finish_status_ = grpc::Status::OK;
  Pump(lock);
  return true;
}

void SignupReactor::RecordOutcome(const v1::Decision& decision) {
  context_.metrics->ObserveSignupStage("decided", absl::Now() - started_);
  // "created", "username_taken" or "rejected", as the workers label them.
  context_.metrics->CountOutcome(absl::AsciiStrToLower(
      absl::StripPrefix(v1::Outcome_Name(decision.outcome()), "OUTCOME_")));
}

void SignupReactor::OnWriteDone(bool ok) {
  std::unique_lock lock(mutex_);
  writing_ = false;
  if (!ok) {
    // The stream is broken (the client left); nothing more can be written.
    spdlog::info("signup stream broken, the caller left request_id={} username=\"{}\"",
                 request_id_, username_);
    queue_.clear();
    if (!finish_status_.has_value() || finish_status_->ok()) {
      finish_status_ = grpc::Status(grpc::StatusCode::CANCELLED, "write failed");
    }
  }
  Pump(lock);
}

void SignupReactor::OnShutdown() {
  spdlog::info("signup cut off by the gateway's shutdown request_id={} username=\"{}\"",
               request_id_, username_);
  FinishOnce(grpc::Status(
      grpc::StatusCode::UNAVAILABLE,
      absl::StrCat("the gateway shut down before the decision arrived; the request is "
                   "decided all the same: retry with request_id \"",
                   request_id_, "\" to get the decision")));
}

void SignupReactor::OnCancel() {
  context_.router->Unregister(request_id_, router_key_);
  FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED,
                          "the call was cancelled or its deadline passed; an "
                          "accepted request is decided all the same"));
}

void SignupReactor::OnDone() {
  context_.router->Unregister(request_id_, router_key_);
  router_handle_.reset();
  Unref();
}

void SignupReactor::FinishOnce(grpc::Status status) {
  std::unique_lock lock(mutex_);
  if (finish_status_.has_value()) return;
  queue_.clear();
  finish_status_ = std::move(status);
  Pump(lock);
}

void SignupReactor::Pump(std::unique_lock<std::mutex>& lock) {
  if (writing_ || finished_) return;
  if (!queue_.empty()) {
    in_flight_ = std::move(queue_.front());
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    StartWrite(&in_flight_);
    return;
  }
  if (finish_status_.has_value()) {
    finished_ = true;
    const grpc::Status status = *finish_status_;
    lock.unlock();
    context_.metrics->CountRequest(
        "Signup",
        absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())));
    Finish(status);
  }
}

void SignupReactor::Unref() {
  if (references_.fetch_sub(1) == 1) delete this;
}

}  // namespace signup
