#include "services/common/request_id.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/ksuid.h"

namespace signup {

absl::Status ValidateRequestId(absl::string_view request_id) {
  bool valid = !request_id.empty() && request_id.size() <= kMaxRequestIdLength;
  for (char c : request_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != ':' && c != '-') {
      valid = false;
    }
  }
  if (valid) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "invalid request_id \"", absl::CHexEscape(request_id.substr(0, 100)),
      "\": use 1 to ", kMaxRequestIdLength,
      " characters from [A-Za-z0-9._:-], or leave it empty so that the "
      "gateway generates one"));
}

std::string GenerateRequestId() { return Ksuid::Generate().ToString(); }

}  // namespace signup
