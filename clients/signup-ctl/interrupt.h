// Turning SIGINT and SIGTERM into a callback, so that a long-running
// subcommand such as watch can end cleanly when interrupted.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_INTERRUPT_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_INTERRUPT_H_

#include <atomic>
#include <functional>
#include <thread>

namespace signup::ctl {

// Runs a callback once, on a thread of its own, when SIGINT or SIGTERM
// arrives. The signals must be blocked in every thread of the process, by
// signup::BlockShutdownSignals at the start of main. Otherwise the default
// action ends the process first.
class InterruptListener {
 public:
  // Starts listening. `on_interrupt` must be safe to call from another
  // thread.
  explicit InterruptListener(std::function<void()> on_interrupt);

  // Stops listening and joins the thread, which takes up to 100 ms. When a
  // signal arrived, this waits until `on_interrupt` has returned.
  ~InterruptListener();

  InterruptListener(const InterruptListener&) = delete;
  InterruptListener& operator=(const InterruptListener&) = delete;

  // Returns whether a signal arrived and `on_interrupt` was called.
  bool interrupted() const { return interrupted_.load(); }

 private:
  void Listen();

  std::function<void()> on_interrupt_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> interrupted_{false};
  std::thread thread_;  // started last, after the members it uses
};

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_INTERRUPT_H_
