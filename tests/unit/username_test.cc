#include "services/common/username.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace signup {
namespace {

// Returns `count` copies of `character`.
std::string Repeat(const std::string& character, int count) {
  std::string text;
  for (int i = 0; i < count; ++i) text += character;
  return text;
}

TEST(ValidateUsernameTest, AcceptsAscii) {
  for (const std::string username : {"a", "alice", "Bob", "user_17", "o'neil", "a.b-c+d@e"}) {
    EXPECT_TRUE(ValidateUsername(username).ok()) << username;
  }
}

TEST(ValidateUsernameTest, AcceptsMultibyteUtf8) {
  for (const std::string username : {"j\xc3\xbcrgen",           // jürgen
                                     "\xe5\x90\x8d\xe5\x89\x8d",  // 名前
                                     "\xf0\x9f\x98\x80"}) {       // U+1F600
    EXPECT_TRUE(ValidateUsername(username).ok()) << username;
  }
}

TEST(ValidateUsernameTest, AcceptsMaxCodePoints) {
  EXPECT_TRUE(ValidateUsername(Repeat("a", kMaxUsernameCodePoints)).ok());
}

TEST(ValidateUsernameTest, CountsCodePointsNotBytes) {
  // 40 four-byte characters: 160 bytes, but within the limit.
  const absl::Status status =
      ValidateUsername(Repeat("\xf0\x9f\x98\x80", kMaxUsernameCodePoints));
  EXPECT_TRUE(status.ok()) << status;
}

TEST(ValidateUsernameTest, RejectsEmpty) {
  EXPECT_EQ(ValidateUsername("").code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateUsernameTest, RejectsOverMaxCodePoints) {
  const absl::Status status = ValidateUsername(Repeat("a", kMaxUsernameCodePoints + 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), "41")) << status;
}

TEST(ValidateUsernameTest, RejectsOverMaxMultibyte) {
  const absl::Status status =
      ValidateUsername(Repeat("\xc3\xa9", kMaxUsernameCodePoints + 1));
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateUsernameTest, RejectsWhiteSpaceAndControls) {
  const std::string cases[] = {
      "a b",
      "a\tb",
      "a\nb",
      "a\rb",
      std::string("a\0b", 3),
      "a\x1b" "b",       // ESC
      "a\x7f" "b",       // DEL
      "a\xc2\x85" "b",   // U+0085 next line
      "a\xc2\xa0" "b",   // U+00A0 no-break space
      "a\xe1\x9a\x80" "b",  // U+1680 ogham space mark
      "a\xe2\x80\x83" "b",  // U+2003 em space
      "a\xe2\x80\x8b" "b",  // U+200B zero width space
      "a\xe2\x80\xa8" "b",  // U+2028 line separator
      "a\xe2\x80\xaf" "b",  // U+202F narrow no-break space
      "a\xe2\x81\x9f" "b",  // U+205F medium mathematical space
      "a\xe3\x80\x80" "b",  // U+3000 ideographic space
      "a\xef\xbb\xbf" "b",  // U+FEFF byte order mark
      " alice",
      "alice ",
  };
  for (const std::string& username : cases) {
    EXPECT_EQ(ValidateUsername(username).code(), absl::StatusCode::kInvalidArgument)
        << username;
  }
}

TEST(ValidateUsernameTest, RejectsReplacementCharacter) {
  EXPECT_EQ(ValidateUsername("a\xef\xbf\xbd" "b").code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ValidateUsernameTest, RejectsMalformedUtf8) {
  const std::string cases[] = {
      "\x80",              // continuation byte without a lead
      "a\xc3",             // truncated two-byte sequence
      "\xe5\x90",          // truncated three-byte sequence
      "\xc0\xaf",          // overlong '/'
      "\xe0\x80\xaf",      // overlong '/'
      "\xed\xa0\x80",      // UTF-16 surrogate U+D800
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "\xff",
      "\xc3\x28",          // lead byte followed by a non-continuation
  };
  for (const std::string& username : cases) {
    EXPECT_EQ(ValidateUsername(username).code(), absl::StatusCode::kInvalidArgument)
        << username;
  }
}

TEST(ValidateUsernameTest, MessageQuotesUsername) {
  const absl::Status status = ValidateUsername("al ice");
  EXPECT_TRUE(absl::StrContains(status.message(), "\"al ice\"")) << status;
}

TEST(ValidateUsernameTest, MessageEscapesInvalidBytes) {
  const absl::Status status = ValidateUsername("a\xff");
  EXPECT_TRUE(absl::StrContains(status.message(), "a\\xff")) << status;
  // gRPC status messages and log lines must be valid UTF-8 themselves.
  EXPECT_TRUE(IsStorableText(status.message())) << status;
}

TEST(ValidateUsernameTest, CaseIsSignificant) {
  EXPECT_TRUE(ValidateUsername("Bob").ok());
  EXPECT_TRUE(ValidateUsername("bob").ok());
}

TEST(IsStorableTextTest, AcceptsValidUtf8) {
  for (const std::string text :
       {"", "alice", "a b\tc", "j\xc3\xbcrgen", "\xe5\x90\x8d", "\xf0\x9f\x98\x80",
        "\xef\xbf\xbd", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(IsStorableText(text)) << text;
  }
}

TEST(IsStorableTextTest, RejectsNulByte) {
  EXPECT_FALSE(IsStorableText(std::string("a\0b", 3)));
}

TEST(IsStorableTextTest, RejectsMalformedUtf8) {
  for (const std::string text :
       {"\x80", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "\xfe"}) {
    EXPECT_FALSE(IsStorableText(text)) << text;
  }
}

}  // namespace
}  // namespace signup
