#include "services/gateway/signup_service.h"

#include <utility>

#include "services/gateway/watch_reactor.h"

namespace signup {

SignupServiceImpl::SignupServiceImpl(SignupContext context,
                                     ConsumerOptions watch_options,
                                     std::string response_topic)
    : context_(std::move(context)),
      watch_options_(std::move(watch_options)),
      response_topic_(std::move(response_topic)) {}

grpc::ServerWriteReactor<v1::SignupEvent>* SignupServiceImpl::Signup(
    grpc::CallbackServerContext* /*call*/, const v1::SignupRequest* request) {
  return new SignupReactor(context_, *request);
}

grpc::ServerWriteReactor<v1::Decision>* SignupServiceImpl::WatchSignups(
    grpc::CallbackServerContext* /*call*/, const v1::WatchSignupsRequest* request) {
  const DecisionReader::StartFrom start_from =
      request->start_from() == v1::WatchSignupsRequest::START_FROM_BEGINNING
          ? DecisionReader::StartFrom::kBeginning
          : DecisionReader::StartFrom::kNow;
  return new WatchReactor(watch_options_, response_topic_, start_from);
}

}  // namespace signup
