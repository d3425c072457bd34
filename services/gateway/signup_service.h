// signup.v1.SignupService on the callback API: one reactor per streaming
// call; the queries ask the workers' admin APIs asynchronously.
#ifndef SIGNUP_SERVICES_GATEWAY_SIGNUP_SERVICE_H_
#define SIGNUP_SERVICES_GATEWAY_SIGNUP_SERVICE_H_

#include <functional>
#include <string>

#include "services/common/kafka_consumer.h"
#include "services/gateway/signup_reactor.h"
#include "services/gateway/worker_admin_clients.h"
#include "signup/v1/signup.grpc.pb.h"

namespace signup {

class SignupServiceImpl : public v1::SignupService::CallbackService {
 public:
  // `context` and its producer, router and metrics must outlive the
  // service. `watch_options` configures the consumer of each WatchSignups
  // call. The queries go to `workers`; when it is null, they fail with
  // FAILED_PRECONDITION.
  SignupServiceImpl(SignupContext context, ConsumerOptions watch_options,
                    std::string response_topic, WorkerAdminClients* workers);

  grpc::ServerWriteReactor<v1::SignupEvent>* Signup(
      grpc::CallbackServerContext* call, const v1::SignupRequest* request) override;

  grpc::ServerWriteReactor<v1::Decision>* WatchSignups(
      grpc::CallbackServerContext* call, const v1::WatchSignupsRequest* request) override;

  grpc::ServerUnaryReactor* CheckUsername(grpc::CallbackServerContext* call,
                                          const v1::CheckUsernameRequest* request,
                                          v1::CheckUsernameResponse* response) override;

  grpc::ServerUnaryReactor* GetAccount(grpc::CallbackServerContext* call,
                                       const v1::GetAccountRequest* request,
                                       admin::v1::Account* response) override;

  grpc::ServerUnaryReactor* GetClusterStatus(grpc::CallbackServerContext* call,
                                             const v1::GetClusterStatusRequest* request,
                                             v1::ClusterStatus* response) override;

 private:
  // Finishes a unary call and records it in the metrics.
  void FinishQuery(grpc::ServerUnaryReactor* reactor, absl::string_view rpc,
                   absl::Time started, const grpc::Status& status);
  // Returns FAILED_PRECONDITION when the gateway has no worker addresses.
  grpc::Status CheckWorkersConfigured() const;
  // Fills the response from the owning worker's response, or returns an error.
  using OwnedNameHandler = std::function<grpc::Status(
      int32_t partition, const admin::v1::LookupAccountResponse& lookup)>;
  // Asks the worker of `canonical`'s partition to look the name up. When
  // the call works and the worker owns the name, runs `on_answer`; then
  // finishes the call with the resulting status.
  void LookupOwnedName(grpc::ServerUnaryReactor* reactor, absl::string_view rpc,
                       absl::Time started, const std::string& canonical,
                       OwnedNameHandler on_answer);
  // Checks a worker's response to LookupAccount. Returns OK when the call
  // worked and the worker owns the name; otherwise logs and counts the
  // failure and returns the status for the caller, naming the partition
  // and the worker's address: UNAVAILABLE when the worker did not answer,
  // INTERNAL when the addresses are in the wrong order.
  grpc::Status LookupFailure(absl::string_view rpc, int32_t partition,
                             absl::string_view username, const grpc::Status& status,
                             const admin::v1::LookupAccountResponse& lookup);

  SignupContext context_;
  ConsumerOptions watch_options_;
  std::string response_topic_;
  WorkerAdminClients* workers_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_GATEWAY_SIGNUP_SERVICE_H_
