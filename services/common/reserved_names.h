// The reserved-names file: usernames that nobody may claim.
#ifndef SIGNUP_SERVICES_COMMON_RESERVED_NAMES_H_
#define SIGNUP_SERVICES_COMMON_RESERVED_NAMES_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/username_policy.h"

namespace signup {

// Loads a reserved-names file: UTF-8 text with one name per line. Leading
// and trailing spaces, tabs and a trailing '\r' are ignored, and so are
// blank lines and lines whose first other character is '#'. Returns the
// canonical form of each name under `policy`, whose own reserved_names are
// ignored. Returns NOT_FOUND when the file cannot be opened, and
// INVALID_ARGUMENT naming the file, the line and the reason when a name is
// not a valid username under `policy`.
absl::StatusOr<std::set<std::string>> LoadReservedNames(const std::string& path,
                                                        const UsernamePolicy& policy);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_RESERVED_NAMES_H_
