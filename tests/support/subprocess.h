// A child process for tests that run the real binaries: started with
// posix_spawn, its stdout and stderr appended to a log file, and killed
// with SIGKILL when the owner is destroyed.
#ifndef SIGNUP_TESTS_SUPPORT_SUBPROCESS_H_
#define SIGNUP_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace signup::testing {

class Subprocess {
 public:
  // Starts `argv[0]` with `argv`, appending its output to `log_path`.
  static absl::StatusOr<std::unique_ptr<Subprocess>> Start(
      const std::vector<std::string>& argv, const std::string& log_path);

  // Kills the process with SIGKILL unless it already exited, and reaps it.
  ~Subprocess();

  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Sends `signal_number` to the process.
  void Signal(int signal_number);

  // Waits up to `timeout` for the process to exit and returns its wait
  // status, or nullopt when it still runs.
  std::optional<int> Wait(absl::Duration timeout);

  // Returns true while the process has not exited.
  bool Running();

  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }

 private:
  Subprocess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}

  pid_t pid_;
  std::string log_path_;
  std::optional<int> exit_status_;
};

// Returns the last `lines` lines of a file, for failure messages.
std::string TailOfFile(const std::string& path, int lines = 30);

}  // namespace signup::testing

#endif  // SIGNUP_TESTS_SUPPORT_SUBPROCESS_H_
