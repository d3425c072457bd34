// Fuzz target for CanonicalizeUsername: any byte string must canonicalize
// or be rejected without crashing, and every accepted canonical form must
// be a valid username that canonicalizes to itself.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "services/common/unicode_text.h"
#include "services/common/username.h"
#include "services/common/username_policy.h"

namespace signup {
namespace {

// Reports a broken property of `input` and aborts, which the fuzzer
// records as a crash with the input that caused it.
[[noreturn]] void Fail(absl::string_view input, const char* property, const std::string& detail) {
  std::fprintf(stderr, "username fuzzer: %s for input %s: %s\n", property,
               QuoteForMessage(input, 200).c_str(), detail.c_str());
  std::abort();
}

void CheckPolicy(absl::string_view input, const UsernamePolicy& policy) {
  const CanonicalizeResult result = CanonicalizeUsername(input, policy);
  if (result.username.has_value() == result.error.has_value()) {
    Fail(input, "not exactly one of username and error is set",
         std::string(UsernamePolicyKindName(policy.kind)));
  }
  if (result.error) {
    if (result.error->message.empty()) Fail(input, "empty error message", "");
    return;
  }

  const std::string& canonical = result.username->canonical;
  // IsStorableText requires well-formed UTF-8 without NUL.
  if (canonical.empty() || !IsStorableText(canonical)) {
    Fail(input, "canonical form is empty or not storable", QuoteForMessage(canonical));
  }
  if (canonical.size() > static_cast<size_t>(policy.max_bytes)) {
    Fail(input, "canonical form exceeds max_bytes", QuoteForMessage(canonical));
  }
  if (policy.reserved_names.contains(canonical)) {
    Fail(input, "reserved name accepted", QuoteForMessage(canonical));
  }

  const CanonicalizeResult again = CanonicalizeUsername(canonical, policy);
  if (!again.username) {
    Fail(input, "canonical form is rejected",
         QuoteForMessage(canonical) + ": " + again.error->message);
  }
  if (again.username->canonical != canonical) {
    Fail(input, "canonicalization is not idempotent",
         QuoteForMessage(canonical) + " -> " + QuoteForMessage(again.username->canonical));
  }
}

const UsernamePolicy& PrecisPolicy() {
  static const UsernamePolicy* const policy = [] {
    auto* precis = new UsernamePolicy;
    precis->reserved_names = {"admin", "root"};
    return precis;
  }();
  return *policy;
}

const UsernamePolicy& AsciiPolicy() {
  static const UsernamePolicy* const policy = [] {
    auto* ascii = new UsernamePolicy;
    ascii->kind = UsernamePolicyKind::kAscii;
    ascii->reserved_names = {"admin", "root"};
    return ascii;
  }();
  return *policy;
}

}  // namespace
}  // namespace signup

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  signup::CheckPolicy(input, signup::PrecisPolicy());
  signup::CheckPolicy(input, signup::AsciiPolicy());
  return 0;
}
