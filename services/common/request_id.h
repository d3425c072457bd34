// Request ids: the id that follows a signup request from the caller through
// Kafka to the worker's decision and back.
#ifndef SIGNUP_SERVICES_COMMON_REQUEST_ID_H_
#define SIGNUP_SERVICES_COMMON_REQUEST_ID_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace signup {

inline constexpr size_t kMaxRequestIdLength = 64;

// Returns OK when `request_id` is 1 to kMaxRequestIdLength characters from
// [A-Za-z0-9._:-]; otherwise INVALID_ARGUMENT naming the id and the rule.
absl::Status ValidateRequestId(absl::string_view request_id);

// Returns a new request id: a KSUID in text form.
std::string GenerateRequestId();

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_REQUEST_ID_H_
