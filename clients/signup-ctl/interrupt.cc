#include "clients/signup-ctl/interrupt.h"

#include <signal.h>
#include <time.h>

#include <utility>

namespace signup::ctl {
namespace {

// How long one wait for a signal lasts before the thread checks whether the
// listener is being destroyed.
constexpr timespec kWaitSlice = {0, 100'000'000};  // 100 ms

}  // namespace

InterruptListener::InterruptListener(std::function<void()> on_interrupt)
    : on_interrupt_(std::move(on_interrupt)), thread_([this] { Listen(); }) {}

InterruptListener::~InterruptListener() {
  stopping_ = true;
  thread_.join();
}

void InterruptListener::Listen() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);

  while (!stopping_.load()) {
    // sigtimedwait returns -1 with EAGAIN when the slice passes and with
    // EINTR when another signal interrupts it. In both cases the loop waits
    // again.
    const int signal_number = sigtimedwait(&signals, nullptr, &kWaitSlice);
    if (signal_number == SIGINT || signal_number == SIGTERM) {
      interrupted_ = true;
      on_interrupt_();
      return;
    }
  }
}

}  // namespace signup::ctl
