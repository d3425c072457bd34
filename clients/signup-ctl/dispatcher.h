// Runs the Signup calls of signup-ctl concurrently while keeping the order
// in which Kafka accepts them equal to the input order.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_DISPATCHER_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_DISPATCHER_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "clients/signup-ctl/console.h"
#include "signup/v1/signup.grpc.pb.h"

namespace signup::ctl {

// Settings of a SignupDispatcher.
struct DispatcherOptions {
  // Deadline of each call, counted from the moment it is sent. Infinite
  // means no deadline.
  absl::Duration deadline = absl::Seconds(30);
  // Maximum number of calls in flight, and so of worker threads. At least 1.
  int max_in_flight = 32;
  // Print decisions as JSON objects instead of text lines.
  bool json = false;
};

// Runs Signup calls on up to `max_in_flight` worker threads, each of which
// runs one synchronous call at a time. Submit returns only once Kafka
// accepted the request or the call failed, so the next request is sent after
// the previous one is stored, and two claims of the same name keep their
// input order in Kafka. Outcomes and errors are printed to the Console as
// they arrive, in whatever order the workers decide them.
//
// Threads are started as needed and joined by Finish or the destructor.
// Submit and Finish must be called from one thread.
class SignupDispatcher {
 public:
  // `stub` and `console` must outlive the dispatcher. `stub` is shared by
  // all workers, which gRPC stubs allow.
  SignupDispatcher(signup::v1::SignupService::StubInterface& stub,
                   Console& console, DispatcherOptions options);

  // Finishes, so every started call ends before the dispatcher is destroyed.
  ~SignupDispatcher();

  SignupDispatcher(const SignupDispatcher&) = delete;
  SignupDispatcher& operator=(const SignupDispatcher&) = delete;

  // Sends a Signup call for `username` and blocks until the gateway reported
  // the request accepted or the call ended, whichever comes first. While
  // `max_in_flight` calls are in flight it first blocks until one ends.
  // Returns RESOURCE_EXHAUSTED if no worker thread could be started at all;
  // a failed call itself is printed and counted, not returned.
  absl::Status Submit(std::string username);

  // Waits until every submitted call has ended and joins the workers.
  // Returns the number of calls that failed, counting a decision that could
  // not be printed as a failure. Submit must not be called afterwards.
  int Finish();

 private:
  // A call waiting for a worker. The promise is fulfilled once the request
  // is accepted or the call ends.
  struct Job {
    std::string username;
    std::promise<void> accepted;
  };

  // Takes jobs from `jobs_` until Finish is called and no job is left.
  void RunWorker();

  // Runs one call and prints its decision or its error.
  void RunJob(Job& job);

  signup::v1::SignupService::StubInterface& stub_;
  Console& console_;
  const DispatcherOptions options_;

  std::atomic<int> failed_calls_{0};

  std::mutex mutex_;
  std::condition_variable job_added_;
  std::deque<Job> jobs_;           // guarded by mutex_
  int idle_workers_ = 0;           // guarded by mutex_
  bool finishing_ = false;         // guarded by mutex_
  std::vector<std::thread> workers_;  // touched only by the owner's thread
};

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_DISPATCHER_H_
