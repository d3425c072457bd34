#include "clients/signup-ctl/dispatcher.h"

#include <system_error>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/signup-ctl/output.h"
#include "clients/signup-ctl/signup_call.h"

namespace signup::ctl {

SignupDispatcher::SignupDispatcher(
    signup::v1::SignupService::StubInterface& stub, Console& console,
    DispatcherOptions options)
    : stub_(stub), console_(console), options_(options) {}

SignupDispatcher::~SignupDispatcher() { Finish(); }

absl::Status SignupDispatcher::Submit(std::string username) {
  std::promise<void> accepted;
  std::future<void> accepted_future = accepted.get_future();

  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(Job{std::move(username), std::move(accepted)});

    // A new worker is needed only when none is waiting for a job. The queue
    // never contains more than this one job, because Submit waits below.
    const bool can_add_worker =
        workers_.size() < static_cast<size_t>(options_.max_in_flight);
    if (idle_workers_ == 0 && can_add_worker) {
      try {
        workers_.emplace_back([this] { RunWorker(); });
      } catch (const std::system_error& error) {
        // With at least one worker running the job waits for it. With none,
        // nothing would ever take the job.
        if (workers_.empty()) {
          jobs_.pop_back();
          return absl::ResourceExhaustedError(absl::StrCat(
              "cannot start a thread for the call: ", error.what()));
        }
      }
    }
  }
  job_added_.notify_one();

  accepted_future.wait();
  return absl::OkStatus();
}

int SignupDispatcher::Finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finishing_ = true;
  }
  job_added_.notify_all();

  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  return failed_calls_.load();
}

void SignupDispatcher::RunWorker() {
  while (true) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      ++idle_workers_;
      job_added_.wait(lock, [this] { return finishing_ || !jobs_.empty(); });
      --idle_workers_;
      if (jobs_.empty()) return;  // finishing_ is set and no job is left.
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    RunJob(job);
  }
}

void SignupDispatcher::RunJob(Job& job) {
  bool accepted_signalled = false;
  auto signal_accepted = [&] {
    if (accepted_signalled) return;
    accepted_signalled = true;
    job.accepted.set_value();
  };

  bool print_failed = false;
  SignupCallHandlers handlers;
  handlers.on_accepted = [&](const signup::v1::Accepted&) {
    signal_accepted();
  };
  handlers.on_outcome = [&](const signup::v1::Decision& decision) {
    if (!options_.json) {
      console_.PrintOutput(FormatDecisionText(decision));
      return;
    }
    absl::StatusOr<std::string> json = FormatDecisionJson(decision);
    if (json.ok()) {
      console_.PrintOutput(*json);
    } else {
      print_failed = true;
      console_.PrintError(FormatCallError(job.username, json.status()));
    }
  };

  const absl::Status status =
      RunSignupCall(stub_, job.username, options_.deadline, handlers);
  if (absl::IsInvalidArgument(status)) {
    // The gateway rejected the name itself: a normal outcome for the user,
    // printed like a decision, with the reason next to the mark.
    console_.PrintOutput(options_.json ? FormatInvalidJson(job.username, status)
                                       : FormatInvalidText(job.username, status));
  } else if (!status.ok()) {
    console_.PrintError(FormatCallError(job.username, status));
    ++failed_calls_;
  }
  if (print_failed) ++failed_calls_;

  // A call that failed before its request was accepted still releases the
  // main thread, which then sends the next request. The error is printed
  // first so it appears before any output of later lines.
  signal_accepted();
}

}  // namespace signup::ctl
