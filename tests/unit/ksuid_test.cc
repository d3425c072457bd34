#include "services/common/ksuid.h"

#include <array>
#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace signup {
namespace {

// Reference KSUID of the segmentio/ksuid format.
constexpr char kReferenceText[] = "0ujtsYcgvSTl8PAuAdqWYSMnLOv";
constexpr char kReferenceHex[] = "0669F7EFB5A1CD34B5F99D1154FB6853345C9735";
constexpr uint32_t kReferenceTimestamp = 107608047;

constexpr char kMaxText[] = "aWgEPTl1tmebfsQzFP4bxwgy80V";
constexpr char kZeroText[] = "000000000000000000000000000";

std::string BytesAsHex(const std::array<uint8_t, Ksuid::kByteLength>& bytes) {
  return absl::AsciiStrToUpper(absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
}

std::array<uint8_t, 16> PayloadOf(const std::string& hex) {
  const std::string bytes = absl::HexStringToBytes(hex);
  std::array<uint8_t, 16> payload{};
  std::copy(bytes.begin(), bytes.end(), payload.begin());
  return payload;
}

std::array<uint8_t, 16> RandomPayload(std::mt19937& random) {
  std::array<uint8_t, 16> payload;
  for (uint8_t& byte : payload) byte = static_cast<uint8_t>(random());
  return payload;
}

TEST(KsuidTest, ParsesReferenceBytes) {
  absl::StatusOr<Ksuid> id = Ksuid::Parse(kReferenceText);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(BytesAsHex(id->bytes()), kReferenceHex);
}

TEST(KsuidTest, ParsesReferenceTimestamp) {
  absl::StatusOr<Ksuid> id = Ksuid::Parse(kReferenceText);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->timestamp(), kReferenceTimestamp);
  EXPECT_EQ(id->time(), absl::FromUnixSeconds(Ksuid::kEpochSeconds + kReferenceTimestamp));
}

TEST(KsuidTest, EncodesReference) {
  // The reference's bytes after the 4-byte timestamp.
  const Ksuid id = Ksuid::FromParts(
      kReferenceTimestamp, PayloadOf("B5A1CD34B5F99D1154FB6853345C9735"));
  EXPECT_EQ(BytesAsHex(id.bytes()), kReferenceHex);
  EXPECT_EQ(id.ToString(), kReferenceText);
}

TEST(KsuidTest, EncodesZero) {
  const Ksuid id = Ksuid::FromParts(0, std::array<uint8_t, 16>{});
  EXPECT_EQ(id.ToString(), kZeroText);
}

TEST(KsuidTest, ParsesZero) {
  absl::StatusOr<Ksuid> id = Ksuid::Parse(kZeroText);
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->bytes(), (std::array<uint8_t, Ksuid::kByteLength>{}));
}

TEST(KsuidTest, EncodesMax) {
  std::array<uint8_t, 16> payload;
  payload.fill(0xff);
  const Ksuid id = Ksuid::FromParts(UINT32_MAX, payload);
  EXPECT_EQ(id.ToString(), kMaxText);
}

TEST(KsuidTest, ParsesMax) {
  absl::StatusOr<Ksuid> id = Ksuid::Parse(kMaxText);
  ASSERT_TRUE(id.ok()) << id.status();
  std::array<uint8_t, Ksuid::kByteLength> all_ones;
  all_ones.fill(0xff);
  EXPECT_EQ(id->bytes(), all_ones);
  EXPECT_EQ(id->timestamp(), UINT32_MAX);
}

TEST(KsuidTest, GenerateUsesTimeSinceEpoch) {
  const absl::Time now = absl::FromUnixSeconds(1700000000) + absl::Milliseconds(999);
  const Ksuid id = Ksuid::Generate(now);
  EXPECT_EQ(id.timestamp(), 1700000000u - Ksuid::kEpochSeconds);
  EXPECT_EQ(id.time(), absl::FromUnixSeconds(1700000000));
}

TEST(KsuidTest, GenerateIsRandom) {
  const absl::Time now = absl::Now();
  std::set<std::string> texts;
  for (int i = 0; i < 1000; ++i) texts.insert(Ksuid::Generate(now).ToString());
  EXPECT_EQ(texts.size(), 1000u);
}

TEST(KsuidTest, TextHasAlphabetAndLength) {
  for (int i = 0; i < 100; ++i) {
    const std::string text = Ksuid::Generate().ToString();
    SCOPED_TRACE(text);
    EXPECT_EQ(text.size(), static_cast<size_t>(Ksuid::kTextLength));
    for (char c : text) EXPECT_TRUE(absl::ascii_isalnum(static_cast<unsigned char>(c)));
  }
}

TEST(KsuidTest, RoundTripsRandomIds) {
  std::mt19937 random(20240101);
  for (int i = 0; i < 1000; ++i) {
    const Ksuid id = Ksuid::FromParts(static_cast<uint32_t>(random()), RandomPayload(random));
    const std::string text = id.ToString();
    SCOPED_TRACE(text);
    absl::StatusOr<Ksuid> parsed = Ksuid::Parse(text);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, id);
  }
}

TEST(KsuidTest, RoundTripsGeneratedIds) {
  for (int i = 0; i < 100; ++i) {
    const Ksuid id = Ksuid::Generate();
    absl::StatusOr<Ksuid> parsed = Ksuid::Parse(id.ToString());
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, id);
  }
}

TEST(KsuidTest, TextOrderIsTimestampOrder) {
  // Timestamps from the epoch to the largest, including neighbours of the
  // base62 digit boundaries. Each gets a random payload, because a later
  // timestamp must sort later whatever the payloads are.
  std::vector<uint32_t> timestamps = {0,          1,          61,         62,
                                      63,         3843,       3844,       238327,
                                      238328,     kReferenceTimestamp,
                                      1 << 24,    0x7fffffff, 0x80000000,
                                      UINT32_MAX - 1,         UINT32_MAX};
  std::mt19937 random(7);
  for (int i = 0; i < 200; ++i) timestamps.push_back(static_cast<uint32_t>(random()));

  std::vector<std::pair<uint32_t, std::string>> ids;
  for (uint32_t timestamp : timestamps) {
    ids.emplace_back(timestamp, Ksuid::FromParts(timestamp, RandomPayload(random)).ToString());
  }
  for (const auto& [earlier_timestamp, earlier_text] : ids) {
    for (const auto& [later_timestamp, later_text] : ids) {
      if (earlier_timestamp >= later_timestamp) continue;
      EXPECT_LT(earlier_text, later_text)
          << "timestamps " << earlier_timestamp << " < " << later_timestamp;
    }
  }
}

TEST(KsuidTest, ComparisonMatchesTextOrder) {
  std::mt19937 random(11);
  for (int i = 0; i < 500; ++i) {
    const Ksuid a = Ksuid::FromParts(static_cast<uint32_t>(random() % 4), RandomPayload(random));
    const Ksuid b = Ksuid::FromParts(static_cast<uint32_t>(random() % 4), RandomPayload(random));
    EXPECT_EQ(a < b, a.ToString() < b.ToString());
  }
}

TEST(KsuidTest, ShortTextInvalid) {
  const std::string text = std::string(kReferenceText).substr(1);
  absl::StatusOr<Ksuid> id = Ksuid::Parse(text);
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(id.status().message(), text)) << id.status();
}

TEST(KsuidTest, LongTextInvalid) {
  const std::string text = std::string(kReferenceText) + "0";
  absl::StatusOr<Ksuid> id = Ksuid::Parse(text);
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(id.status().message(), text)) << id.status();
}

TEST(KsuidTest, EmptyTextInvalid) {
  EXPECT_EQ(Ksuid::Parse("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KsuidTest, CharacterOutsideAlphabetInvalid) {
  for (const std::string text :
       {"0ujtsYcgvSTl8PAuAdqWYSMnLO-", "0ujtsYcgvSTl8PAuAdqWYSMnLO ",
        "_ujtsYcgvSTl8PAuAdqWYSMnLOv", "0ujtsYcgvSTl8PAuAdqWYSMnLO+"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<Ksuid> id = Ksuid::Parse(text);
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(id.status().message(), text)) << id.status();
  }
}

TEST(KsuidTest, NonAsciiByteInvalid) {
  std::string text(kReferenceText);
  text[5] = '\xc3';
  EXPECT_EQ(Ksuid::Parse(text).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KsuidTest, NulByteInvalid) {
  std::string text(kReferenceText);
  text[26] = '\0';
  EXPECT_EQ(Ksuid::Parse(text).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KsuidTest, OverflowInvalid) {
  for (const std::string text : {"aWgEPTl1tmebfsQzFP4bxwgy80W", "aWgEPTl1tmebfsQzFP4bxwgy810",
                                 "b00000000000000000000000000", "zzzzzzzzzzzzzzzzzzzzzzzzzzz"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<Ksuid> id = Ksuid::Parse(text);
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(id.status().message(), text)) << id.status();
  }
}

}  // namespace
}  // namespace signup
