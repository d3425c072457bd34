#include "services/common/unicode_text.h"

#include <string>
#include <variant>

#include "gtest/gtest.h"

namespace signup {
namespace {

TEST(DecodeUtf8Test, WellFormedRoundTrips) {
  const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  // a é € 😀
  const auto decoded = DecodeUtf8(text);
  ASSERT_TRUE(std::holds_alternative<std::u32string>(decoded));
  EXPECT_EQ(std::get<std::u32string>(decoded), U"a\u00e9\u20ac\U0001f600");
  EXPECT_EQ(EncodeUtf8(std::get<std::u32string>(decoded)), text);
}

TEST(DecodeUtf8Test, BoundaryCodePoints) {
  const auto decoded = DecodeUtf8(std::string("\x00\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf"
                                              "\xee\x80\x80\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf",
                                              26));
  ASSERT_TRUE(std::holds_alternative<std::u32string>(decoded));
  EXPECT_EQ(std::get<std::u32string>(decoded),
            std::u32string(U"\0\u007f\u0080\u07ff\u0800\ud7ff\ue000\uffff\U00010000\U0010ffff", 10));
}

TEST(DecodeUtf8Test, IllFormedSequences) {
  struct Case {
    std::string text;
    size_t byte_offset;
    int code_point_index;
  };
  const Case cases[] = {
      {"\x80", 0, 0},                  // continuation without a lead
      {"a\xc0\x80", 1, 1},             // overlong NUL
      {"\xc1\xbf", 0, 0},              // overlong
      {"\xe0\x9f\xbf", 0, 0},          // overlong three-byte form
      {"\xed\xa0\x80", 0, 0},          // high surrogate
      {"\xed\xbf\xbf", 0, 0},          // low surrogate
      {"\xf0\x8f\xbf\xbf", 0, 0},      // overlong four-byte form
      {"\xf4\x90\x80\x80", 0, 0},      // above U+10FFFF
      {"\xf5\x80\x80\x80", 0, 0},      // invalid lead byte
      {"ab\xe2\x82", 2, 2},            // truncated at the end
      {"\xe2\x82" "a", 0, 0},          // truncated before ASCII
      {"\xc3\xa9\xff", 2, 1},          // FF
  };
  for (const Case& test : cases) {
    const auto decoded = DecodeUtf8(test.text);
    ASSERT_TRUE(std::holds_alternative<Utf8Error>(decoded)) << QuoteForMessage(test.text);
    EXPECT_EQ(std::get<Utf8Error>(decoded).byte_offset, test.byte_offset)
        << QuoteForMessage(test.text);
    EXPECT_EQ(std::get<Utf8Error>(decoded).code_point_index, test.code_point_index)
        << QuoteForMessage(test.text);
  }
}

TEST(QuoteForMessageTest, EscapesInvisibleAndInvalid) {
  EXPECT_EQ(QuoteForMessage("bob"), "\"bob\"");
  EXPECT_EQ(QuoteForMessage("j\xc3\xbcrgen"), "\"j\xc3\xbcrgen\"");
  EXPECT_EQ(QuoteForMessage("a\nb"), "\"a\\u{000A}b\"");
  EXPECT_EQ(QuoteForMessage("a\xe2\x80\xae" "b"), "\"a\\u{202E}b\"");
  EXPECT_EQ(QuoteForMessage("a\"b"), "\"a\\u{0022}b\"");
  EXPECT_EQ(QuoteForMessage("a\xff"), "\"a\\xFF\"");
  EXPECT_EQ(QuoteForMessage("a b"), "\"a b\"");
  EXPECT_EQ(QuoteForMessage("abcdef", 3), "\"abc...\"");
}

TEST(DescribeCodePointTest, HexAndName) {
  EXPECT_EQ(DescribeCodePoint(0x200d), "U+200D ZERO WIDTH JOINER");
  EXPECT_EQ(DescribeCodePoint(U'a'), "U+0061 LATIN SMALL LETTER A");
  EXPECT_EQ(DescribeCodePoint(0x1f600), "U+1F600 GRINNING FACE");
}

}  // namespace
}  // namespace signup
