// KSUID: K-Sortable Unique IDentifier, the id of every account and of every
// request whose caller did not choose one.
//
// A KSUID is 20 bytes: a 32-bit big-endian timestamp in seconds since
// 2014-05-13T16:53:20Z (Unix time 1400000000), then 128 random bits. Its text
// form is the 20 bytes as a base62 number, left-padded with '0' to 27
// characters from the alphabet 0-9A-Za-z, so the text forms sort in the same
// order as the timestamps. The format is that of github.com/segmentio/ksuid.
//
//   signup::Ksuid id = signup::Ksuid::Generate();
//   std::string text = id.ToString();  // e.g. "2ABCJ1qgw3iaz6JGH0vr3P8mHYr"
//
// NOTE: Debian packages no C++ KSUID library, so this file implements the
// format itself; the unit tests pin it to the reference encoding.
#ifndef SIGNUP_SERVICES_COMMON_KSUID_H_
#define SIGNUP_SERVICES_COMMON_KSUID_H_

#include <array>
#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace signup {

class Ksuid {
 public:
  static constexpr int kByteLength = 20;
  static constexpr int kTextLength = 27;
  // Unix time, in seconds, of a KSUID timestamp of zero.
  static constexpr int64_t kEpochSeconds = 1400000000;

  // Creates a KSUID for `now` with 128 bits from the operating system's
  // cryptographic random source (getrandom(2)).
  static Ksuid Generate(absl::Time now = absl::Now());

  // Creates a KSUID from its parts; used by tests and by Generate.
  static Ksuid FromParts(uint32_t timestamp,
                         const std::array<uint8_t, 16>& payload);

  // Parses the 27-character text form. Returns INVALID_ARGUMENT naming the
  // text when it has another length, a character outside 0-9A-Za-z, or a
  // value above the largest 20-byte number.
  static absl::StatusOr<Ksuid> Parse(absl::string_view text);

  // Returns the 27-character base62 text form.
  std::string ToString() const;

  // Seconds since kEpochSeconds.
  uint32_t timestamp() const;
  absl::Time time() const;
  const std::array<uint8_t, kByteLength>& bytes() const { return bytes_; }

  friend bool operator==(const Ksuid&, const Ksuid&) = default;
  friend auto operator<=>(const Ksuid&, const Ksuid&) = default;

 private:
  std::array<uint8_t, kByteLength> bytes_{};
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_KSUID_H_
