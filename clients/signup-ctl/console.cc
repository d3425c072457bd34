#include "clients/signup-ctl/console.h"

namespace signup::ctl {

bool Console::PrintOutput(std::string_view line) {
  std::lock_guard<std::mutex> lock(mutex_);
  output_ << line << '\n' << std::flush;
  return output_.good();
}

void Console::PrintError(std::string_view line) {
  std::lock_guard<std::mutex> lock(mutex_);
  error_ << line << '\n' << std::flush;
}

}  // namespace signup::ctl
