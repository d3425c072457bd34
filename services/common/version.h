// The version of this build of Distributed Signup.
#ifndef SIGNUP_SERVICES_COMMON_VERSION_H_
#define SIGNUP_SERVICES_COMMON_VERSION_H_

#include "absl/strings/string_view.h"

namespace signup {

// The project version from CMakeLists.txt, followed by the git commit the
// build was configured at when known, such as "0.1.0+c6db60a".
absl::string_view BuildVersion();

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_VERSION_H_
