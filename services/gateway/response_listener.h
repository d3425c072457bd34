// Feeds the DecisionRouter from account.signup_response on a thread of its
// own, for as long as the gateway runs.
#ifndef SIGNUP_SERVICES_GATEWAY_RESPONSE_LISTENER_H_
#define SIGNUP_SERVICES_GATEWAY_RESPONSE_LISTENER_H_

#include <atomic>
#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "services/gateway/decision_reader.h"
#include "services/gateway/decision_router.h"

namespace signup {

class ResponseListener {
 public:
  // Positions a reader at the current end of `topic` and starts routing
  // decisions to `router`, which must outlive the listener. Once Start
  // returns, every decision published later reaches the router.
  static absl::StatusOr<std::unique_ptr<ResponseListener>> Start(
      const ConsumerOptions& options, const std::string& topic,
      DecisionRouter* router, absl::Duration timeout);

  // Stops the thread.
  ~ResponseListener();

 private:
  ResponseListener(std::unique_ptr<DecisionReader> reader, DecisionRouter* router);
  void Loop();

  std::unique_ptr<DecisionReader> reader_;
  DecisionRouter* router_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_GATEWAY_RESPONSE_LISTENER_H_
