#include "clients/signup-ctl/console.h"

namespace signup::ctl {

void Console::PrintOutput(std::string_view line) {
  std::lock_guard<std::mutex> lock(mutex_);
  output_ << line << '\n' << std::flush;
}

void Console::PrintError(std::string_view line) {
  std::lock_guard<std::mutex> lock(mutex_);
  error_ << line << '\n' << std::flush;
}

}  // namespace signup::ctl
