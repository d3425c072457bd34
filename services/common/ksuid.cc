#include "services/common/ksuid.h"

#include <spdlog/spdlog.h>
#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace signup {
namespace {

constexpr absl::string_view kAlphabet =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// The text form of the largest 20-byte value; a longer value cannot be a KSUID.
constexpr absl::string_view kMaxText = "aWgEPTl1tmebfsQzFP4bxwgy80V";

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  if (c >= 'a' && c <= 'z') return c - 'a' + 36;
  return -1;
}

void FillRandom(uint8_t* data, size_t size) {
  size_t filled = 0;
  while (filled < size) {
    ssize_t n = getrandom(data + filled, size - filled, 0);
    if (n < 0) {
      // EINTR is the only failure getrandom(2) reports for a blocking call
      // on a kernel that has it; retry.
      if (errno == EINTR) continue;
      spdlog::critical("getrandom failed, cannot generate a KSUID error=\"{}\"",
                       std::strerror(errno));
      std::abort();
    }
    filled += static_cast<size_t>(n);
  }
}

}  // namespace

Ksuid Ksuid::Generate(absl::Time now) {
  const int64_t seconds = absl::ToUnixSeconds(now) - kEpochSeconds;
  const uint32_t timestamp = static_cast<uint32_t>(
      std::clamp<int64_t>(seconds, 0, UINT32_MAX));
  std::array<uint8_t, 16> payload;
  FillRandom(payload.data(), payload.size());
  return FromParts(timestamp, payload);
}

Ksuid Ksuid::FromParts(uint32_t timestamp,
                       const std::array<uint8_t, 16>& payload) {
  Ksuid id;
  id.bytes_[0] = static_cast<uint8_t>(timestamp >> 24);
  id.bytes_[1] = static_cast<uint8_t>(timestamp >> 16);
  id.bytes_[2] = static_cast<uint8_t>(timestamp >> 8);
  id.bytes_[3] = static_cast<uint8_t>(timestamp);
  std::copy(payload.begin(), payload.end(), id.bytes_.begin() + 4);
  return id;
}

absl::StatusOr<Ksuid> Ksuid::Parse(absl::string_view text) {
  if (text.size() != kTextLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid KSUID \"", text, "\": expected ", kTextLength,
                     " characters, got ", text.size()));
  }
  for (char c : text) {
    if (DigitValue(c) < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid KSUID \"", text, "\": character '", std::string(1, c),
          "' is not in the base62 alphabet 0-9A-Za-z"));
    }
  }
  // Equal-length base62 strings compare like the numbers they encode.
  if (text > kMaxText) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid KSUID \"", text, "\": value exceeds 20 bytes"));
  }

  // Multiply-and-add in base 256: bytes = bytes * 62 + digit.
  Ksuid id;
  for (char c : text) {
    uint32_t carry = static_cast<uint32_t>(DigitValue(c));
    for (int i = kByteLength - 1; i >= 0; --i) {
      const uint32_t value = static_cast<uint32_t>(id.bytes_[i]) * 62 + carry;
      id.bytes_[i] = static_cast<uint8_t>(value & 0xff);
      carry = value >> 8;
    }
  }
  return id;
}

std::string Ksuid::ToString() const {
  // Repeated division of the 20-byte big-endian number by 62; each
  // remainder is the next base62 digit from the right.
  std::array<uint8_t, kByteLength> number = bytes_;
  std::string text(kTextLength, '0');
  for (int position = kTextLength - 1; position >= 0; --position) {
    uint32_t remainder = 0;
    for (uint8_t& byte : number) {
      const uint32_t value = (remainder << 8) | byte;
      byte = static_cast<uint8_t>(value / 62);
      remainder = value % 62;
    }
    text[position] = kAlphabet[remainder];
  }
  return text;
}

uint32_t Ksuid::timestamp() const {
  return (static_cast<uint32_t>(bytes_[0]) << 24) |
         (static_cast<uint32_t>(bytes_[1]) << 16) |
         (static_cast<uint32_t>(bytes_[2]) << 8) |
         static_cast<uint32_t>(bytes_[3]);
}

absl::Time Ksuid::time() const {
  return absl::FromUnixSeconds(kEpochSeconds + timestamp());
}

}  // namespace signup
