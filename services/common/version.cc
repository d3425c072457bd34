#include "services/common/version.h"

namespace signup {

absl::string_view BuildVersion() { return SIGNUP_BUILD_VERSION; }

}  // namespace signup
