// Sends SIGINT and SIGTERM to this test process and checks that an
// InterruptListener turns them into its callback.

#include "clients/signup-ctl/interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "gtest/gtest.h"

namespace signup::ctl {
namespace {

// Blocks SIGINT and SIGTERM in the calling thread and so in the listener's
// thread, as signup::BlockShutdownSignals does in main.
void BlockInterrupts() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &signals, nullptr), 0);
}

// Counts the callback's calls and lets the test wait for the first one.
class CallbackProbe {
 public:
  void Call() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++calls_;
    }
    called_.notify_all();
  }

  bool WaitForCall(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return called_.wait_for(lock, timeout, [this] { return calls_ > 0; });
  }

  int calls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return calls_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable called_;
  int calls_ = 0;
};

void ExpectSignalCallsBack(int signal_number) {
  BlockInterrupts();
  CallbackProbe probe;
  InterruptListener listener([&probe] { probe.Call(); });

  ASSERT_EQ(kill(getpid(), signal_number), 0);

  EXPECT_TRUE(probe.WaitForCall(std::chrono::seconds(5)));
  EXPECT_TRUE(listener.interrupted());
  EXPECT_EQ(probe.calls(), 1);
}

TEST(InterruptListener, SigintCallsBack) { ExpectSignalCallsBack(SIGINT); }

TEST(InterruptListener, SigtermCallsBack) { ExpectSignalCallsBack(SIGTERM); }

TEST(InterruptListener, StopsWithoutSignal) {
  BlockInterrupts();
  CallbackProbe probe;
  const auto start = std::chrono::steady_clock::now();
  {
    InterruptListener listener([&probe] { probe.Call(); });
    EXPECT_FALSE(listener.interrupted());
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;

  EXPECT_EQ(probe.calls(), 0);
  EXPECT_LT(elapsed, std::chrono::seconds(1));
}

}  // namespace
}  // namespace signup::ctl
