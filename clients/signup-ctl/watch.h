// The watch subcommand's stream: every decision of every partition, printed
// as the gateway publishes it.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_WATCH_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_WATCH_H_

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clients/signup-ctl/console.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "signup/v1/signup.grpc.pb.h"
#include "signup/v1/signup.pb.h"

namespace signup::ctl {

// Settings of a SignupWatch.
struct WatchOptions {
  // Start with every decision still kept in account.signup_response instead
  // of the decisions published after the call starts.
  bool from_beginning = false;
  // Print decisions as JSON objects instead of text lines.
  bool json = false;
  // Maximum time to wait until the channel is connected to the gateway.
  // Infinite means no limit. The stream itself has no deadline, because it
  // runs until it is cancelled.
  absl::Duration connect_timeout = absl::Seconds(30);
  // The gateway's address, named in connection errors.
  std::string gateway;
};

// Calls WatchSignups and prints each decision to the Console as it arrives,
// with FormatDecisionText or FormatDecisionJson, the functions that signup
// uses. Run blocks the calling thread; Cancel may be called from any other
// thread, such as a signal handler's.
class SignupWatch {
 public:
  // `console` must outlive the watch.
  SignupWatch(std::shared_ptr<grpc::Channel> channel, Console& console,
              WatchOptions options);

  SignupWatch(const SignupWatch&) = delete;
  SignupWatch& operator=(const SignupWatch&) = delete;

  // Waits until the channel is connected, then streams and prints decisions
  // until the stream ends or Cancel is called. A decision that cannot be
  // printed as JSON is reported on the error stream and skipped.
  //
  // Returns OK when Cancel ended the watch or the gateway ended the stream
  // with OK (see cancelled()). Returns DEADLINE_EXCEEDED when the channel
  // was still connecting after connect_timeout, and the stream's status
  // converted by StatusFromGrpc when the stream failed, which is UNAVAILABLE
  // when the connection failed. Returns ABORTED when writing to the
  // Console's output stream failed, which ends the stream, and INTERNAL when
  // a decision could not be formatted. A second call returns
  // FAILED_PRECONDITION.
  absl::Status Run();

  // Ends Run: its connection wait returns within 100 ms and its stream is
  // cancelled. Calling it before Run makes Run return at once. Thread-safe.
  void Cancel();

  // Returns whether Cancel was called.
  bool cancelled();

 private:
  // Waits until the channel is READY or has failed to connect. Returns OK
  // then or once Cancel was called, and DEADLINE_EXCEEDED when the channel
  // is still connecting after connect_timeout.
  absl::Status WaitUntilConnected();

  // Prints one decision. Returns INTERNAL when it could not be formatted,
  // after printing that error to the error stream, and ABORTED when writing
  // to the output stream failed.
  absl::Status PrintDecision(const signup::v1::Decision& decision);

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<signup::v1::SignupService::Stub> stub_;
  Console& console_;
  const WatchOptions options_;

  std::mutex mutex_;
  bool cancelled_ = false;                      // guarded by mutex_
  bool started_ = false;                        // guarded by mutex_
  grpc::ClientContext* context_ = nullptr;      // guarded by mutex_
};

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_WATCH_H_
