// The server side of one WatchSignups call: a thread of its own reads the
// response topic through a DecisionReader and writes each decision, one
// write at a time, so a slow client slows only its own reader.
//
// Lifetime: the reading thread calls Finish as its last action, and OnDone
// joins the thread before deleting the reactor.
#ifndef SIGNUP_SERVICES_GATEWAY_WATCH_REACTOR_H_
#define SIGNUP_SERVICES_GATEWAY_WATCH_REACTOR_H_

#include <grpcpp/grpcpp.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "services/common/kafka_consumer.h"
#include "services/gateway/decision_reader.h"
#include "signup/v1/signup.grpc.pb.h"

namespace signup {

class WatchReactor : public grpc::ServerWriteReactor<v1::Decision> {
 public:
  // Starts reading `topic` from `start_from` on a new thread.
  WatchReactor(ConsumerOptions options, std::string topic,
               DecisionReader::StartFrom start_from);

  void OnWriteDone(bool ok) override;
  void OnCancel() override;
  void OnDone() override;

 private:
  void ReadLoop(ConsumerOptions options, std::string topic,
                DecisionReader::StartFrom start_from);

  std::mutex mutex_;
  std::condition_variable write_done_;
  bool writing_ = false;
  bool cancelled_ = false;
  v1::Decision in_flight_;
  std::thread thread_;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_GATEWAY_WATCH_REACTOR_H_
