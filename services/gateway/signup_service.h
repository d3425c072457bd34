// signup.v1.SignupService on the callback API: one reactor per call.
#ifndef SIGNUP_SERVICES_GATEWAY_SIGNUP_SERVICE_H_
#define SIGNUP_SERVICES_GATEWAY_SIGNUP_SERVICE_H_

#include <string>

#include "services/common/kafka_consumer.h"
#include "services/gateway/signup_reactor.h"
#include "signup/v1/signup.grpc.pb.h"

namespace signup {

class SignupServiceImpl : public v1::SignupService::CallbackService {
 public:
  // `context` and its producer and router must outlive the service.
  // `watch_options` configures the consumer of each WatchSignups call.
  SignupServiceImpl(SignupContext context, ConsumerOptions watch_options,
                    std::string response_topic);

  grpc::ServerWriteReactor<v1::SignupEvent>* Signup(
      grpc::CallbackServerContext* call, const v1::SignupRequest* request) override;

  grpc::ServerWriteReactor<v1::Decision>* WatchSignups(
      grpc::CallbackServerContext* call, const v1::WatchSignupsRequest* request) override;

 private:
  SignupContext context_;
  ConsumerOptions watch_options_;
  std::string response_topic_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_GATEWAY_SIGNUP_SERVICE_H_
