#include "services/common/username_flags.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "services/common/reserved_names.h"

ABSL_FLAG(signup::UsernamePolicyKind, username_policy, signup::UsernamePolicyKind::kPrecis,
          "How usernames are canonicalized: precis (the PRECIS UsernameCaseMapped "
          "profile of RFC 8265 with a mixed-script check) or ascii (lowercase "
          "[a-z0-9._-] only). Gateways and workers must agree, and a worker "
          "refuses a database set up under another policy. Env: "
          "SIGNUP_USERNAME_POLICY.");
ABSL_FLAG(int32_t, username_min_length, 1,
          "Minimum length of a canonical username, in code points. Env: "
          "SIGNUP_USERNAME_MIN_LENGTH.");
ABSL_FLAG(int32_t, username_max_length, 40,
          "Maximum length of a canonical username, in code points. Env: "
          "SIGNUP_USERNAME_MAX_LENGTH.");
ABSL_FLAG(int32_t, username_max_bytes, 160,
          "Maximum length of a canonical username, in UTF-8 bytes. Env: "
          "SIGNUP_USERNAME_MAX_BYTES.");
ABSL_FLAG(std::string, reserved_names_file, "",
          "Optional file of names nobody may claim, one per line; '#' starts a "
          "comment. Names are compared in canonical form. Env: "
          "SIGNUP_RESERVED_NAMES_FILE.");

namespace signup {

absl::StatusOr<UsernamePolicy> UsernamePolicyFromFlags() {
  UsernamePolicy policy;
  policy.kind = absl::GetFlag(FLAGS_username_policy);
  policy.min_code_points = absl::GetFlag(FLAGS_username_min_length);
  policy.max_code_points = absl::GetFlag(FLAGS_username_max_length);
  policy.max_bytes = absl::GetFlag(FLAGS_username_max_bytes);
  if (policy.min_code_points < 1 || policy.max_code_points < policy.min_code_points) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid --username_min_length=", policy.min_code_points,
        " and --username_max_length=", policy.max_code_points,
        ": use 1 <= min <= max"));
  }
  if (policy.max_bytes < policy.max_code_points) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid --username_max_bytes=", policy.max_bytes,
        ": use at least --username_max_length=", policy.max_code_points));
  }

  const std::string path = absl::GetFlag(FLAGS_reserved_names_file);
  if (!path.empty()) {
    absl::StatusOr<std::set<std::string>> reserved = LoadReservedNames(path, policy);
    if (!reserved.ok()) return reserved.status();
    policy.reserved_names = *std::move(reserved);
  }
  return policy;
}

}  // namespace signup
