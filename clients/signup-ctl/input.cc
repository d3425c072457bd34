#include "clients/signup-ctl/input.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace signup::ctl {

std::optional<std::string_view> UsernameFromLine(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  const bool blank = std::all_of(line.begin(), line.end(), [](char c) {
    return absl::ascii_isspace(static_cast<unsigned char>(c));
  });
  if (blank) return std::nullopt;
  return line;
}

}  // namespace signup::ctl
