#include "services/common/reserved_names.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"

namespace signup {
namespace {

absl::string_view StripBlanks(absl::string_view line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line;
}

}  // namespace

absl::StatusOr<std::set<std::string>> LoadReservedNames(const std::string& path,
                                                        const UsernamePolicy& policy) {
  std::ifstream file(path);
  if (!file.is_open()) {
    return absl::NotFoundError(absl::StrCat("cannot open the reserved-names file ", path, ": ",
                                            std::strerror(errno),
                                            "; check the path given for reserved names"));
  }

  UsernamePolicy without_reservations = policy;
  without_reservations.reserved_names.clear();

  std::set<std::string> names;
  std::string line;
  int line_number = 0;
  while (std::getline(file, line)) {
    ++line_number;
    const absl::string_view name = StripBlanks(line);
    if (name.empty() || name.front() == '#') continue;

    CanonicalizeResult result = CanonicalizeUsername(name, without_reservations);
    if (result.error) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ":", line_number, ": invalid reserved name under the ",
          UsernamePolicyKindName(policy.kind), " username policy (",
          UsernameRejectionReason(result.error->rejection), "): ", result.error->message));
    }
    names.insert(std::move(result.username->canonical));
  }
  if (file.bad()) {
    return absl::DataLossError(absl::StrCat("failed to read the reserved-names file ", path,
                                            " after line ", line_number, ": ",
                                            std::strerror(errno)));
  }
  return names;
}

}  // namespace signup
