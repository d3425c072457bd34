// The command-line flags that configure the username policy, shared by
// the gateway and the workers so that both read the same settings.
#ifndef SIGNUP_SERVICES_COMMON_USERNAME_FLAGS_H_
#define SIGNUP_SERVICES_COMMON_USERNAME_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"
#include "services/common/username_policy.h"

ABSL_DECLARE_FLAG(signup::UsernamePolicyKind, username_policy);
ABSL_DECLARE_FLAG(int32_t, username_min_length);
ABSL_DECLARE_FLAG(int32_t, username_max_length);
ABSL_DECLARE_FLAG(int32_t, username_max_bytes);
ABSL_DECLARE_FLAG(std::string, reserved_names_file);

// Flag names to pass to ParseFlagsWithEnvironment next to a binary's own.
#define SIGNUP_USERNAME_FLAG_NAMES                                            \
  "username_policy", "username_min_length", "username_max_length",           \
      "username_max_bytes", "reserved_names_file"

namespace signup {

// Builds the policy from the flags and loads the reserved-names file.
// Returns INVALID_ARGUMENT naming the flag for inconsistent lengths, and
// the loader's error for an unreadable or invalid file.
absl::StatusOr<UsernamePolicy> UsernamePolicyFromFlags();

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_USERNAME_FLAGS_H_
