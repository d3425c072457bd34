// Line-atomic writes to standard output and standard error, shared by the
// threads that run calls.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_CONSOLE_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_CONSOLE_H_

#include <mutex>
#include <ostream>
#include <string_view>

namespace signup::ctl {

// Writes whole lines to an output and an error stream from any thread. One
// mutex covers both streams, so no two lines interleave, and each line is
// flushed at once, so a reader of a pipe receives every decision as it arrives.
// The streams must outlive the Console.
class Console {
 public:
  Console(std::ostream& output, std::ostream& error)
      : output_(output), error_(error) {}

  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  // Writes `line` and '\n' to the output stream and flushes it. Returns
  // false when the stream is in a failed state afterwards, as after a write
  // to a full disk.
  bool PrintOutput(std::string_view line);

  // Writes `line` and '\n' to the error stream and flushes it.
  void PrintError(std::string_view line);

 private:
  std::mutex mutex_;
  std::ostream& output_;
  std::ostream& error_;
};

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_CONSOLE_H_
