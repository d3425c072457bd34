// Fuzz target for the parsing of Kafka payloads: the worker's CheckRequest
// and the gateway's DecodeDecision must handle any bytes without crashing.
// CheckRequest must return either a claim or a rejection with a reason,
// with text that PostgreSQL can store.
//
// Input layout: byte 0 selects the mode and byte 1 the key length. In raw
// mode the key and then the payload follow as bytes. In structured mode
// the rest is split into a request id and a username, which are encoded as
// a SignupRequested message, so that valid claims are reached too.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/stubs/logging.h"
#include "services/common/partitioner.h"
#include "services/common/unicode_text.h"
#include "services/common/username.h"
#include "services/common/username_policy.h"
#include "services/gateway/decision_conversion.h"
#include "services/worker/decision.h"
#include "signup/kafka/v1/messages.pb.h"

namespace signup {
namespace {

[[noreturn]] void Fail(const char* property, absl::string_view detail) {
  std::fprintf(stderr, "kafka payload fuzzer: %s: %s\n", property,
               QuoteForMessage(detail, 200).c_str());
  std::abort();
}

ConsumedRequest BuildRequest(absl::string_view input) {
  const uint8_t mode = input.empty() ? 0 : static_cast<uint8_t>(input[0]);
  const size_t key_length = input.size() < 2 ? 0 : static_cast<uint8_t>(input[1]) % 64;
  absl::string_view rest = input.substr(std::min<size_t>(input.size(), 2));

  ConsumedRequest request;
  request.partition = mode % 7;
  request.offset = static_cast<int64_t>(input.size()) * 1000 + mode;
  if ((mode & 1) == 0) {
    request.key = std::string(rest.substr(0, key_length));
    request.payload = std::string(rest.substr(std::min(key_length, rest.size())));
    return request;
  }

  // Structured mode: key_length splits the rest into request id and username.
  const size_t split = std::min(key_length, rest.size());
  kafka::v1::SignupRequested message;
  message.set_request_id(std::string(rest.substr(0, split)));
  message.set_username(std::string(rest.substr(split)));
  message.set_gateway_id("fuzz");
  // Mostly under the worker's policy; sometimes under another one.
  message.set_username_policy((mode & 4) == 0 ? "precis" : "ascii");
  request.payload = message.SerializeAsString();
  // Mostly keyed correctly; sometimes keyed by something else.
  request.key = (mode & 2) == 0 ? message.username() : std::string(rest.substr(0, split));
  // Mostly read from the username's own partition of 3.
  if ((mode & 8) == 0 && !message.username().empty()) {
    request.partition = PartitionForUsername(message.username(), 3);
  }
  return request;
}

void CheckRequestProperties(const ConsumedRequest& request) {
  // The worker's checks: partition count 3 and the default policy.
  static const UsernamePolicy* const kPolicy = new UsernamePolicy();
  const CheckedRequest checked =
      CheckRequest(request, {.partition_count = 3, .username_policy = kPolicy});
  if (checked.partition != request.partition || checked.offset != request.offset) {
    Fail("partition or offset changed", request.key);
  }
  if (!IsStorableText(checked.username) || !IsStorableText(checked.request_id) ||
      !IsStorableText(checked.display_name) || !IsStorableText(checked.rejection_reason)) {
    Fail("checked request holds text that PostgreSQL cannot store", checked.rejection_reason);
  }
  if (checked.is_claim()) {
    if (checked.username != request.key) {
      Fail("claim whose username differs from the key", request.key);
    }
    if (checked.request_id.empty()) Fail("claim without a request id", request.key);
    const CanonicalizeResult canonical = CanonicalizeUsername(checked.username, *kPolicy);
    if (!canonical.username.has_value() || canonical.username->canonical != checked.username) {
      Fail("claim of a username that is not valid and canonical", checked.username);
    }
    if (PartitionForUsername(checked.username, 3) != request.partition) {
      Fail("claim read from another partition than its username's", checked.username);
    }
  }
}

void CheckDecodeDecision(absl::string_view payload) {
  const absl::StatusOr<v1::Decision> decision = DecodeDecision(payload);
  if (decision.ok()) {
    if (decision->request_id().empty()) Fail("decoded decision without a request id", payload);
  } else if (decision.status().code() != absl::StatusCode::kInvalidArgument) {
    Fail("DecodeDecision failed with a code other than INVALID_ARGUMENT",
         decision.status().message());
  }
}

}  // namespace
}  // namespace signup

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Protobuf logs every string field with invalid UTF-8 that it parses or
  // serializes, which fuzzing does constantly.
  static const bool silenced = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)silenced;

  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  signup::CheckRequestProperties(signup::BuildRequest(input));
  signup::CheckDecodeDecision(input);
  return 0;
}
