#include "clients/signup-ctl/input.h"

#include <optional>
#include <string_view>

#include "gtest/gtest.h"

namespace signup::ctl {
namespace {

TEST(UsernameFromLine, ReturnsPlainName) {
  EXPECT_EQ(UsernameFromLine("alice"), std::optional<std::string_view>("alice"));
}

TEST(UsernameFromLine, RemovesTrailingCarriageReturn) {
  EXPECT_EQ(UsernameFromLine("alice\r"),
            std::optional<std::string_view>("alice"));
}

TEST(UsernameFromLine, RemovesOnlyOneCarriageReturn) {
  EXPECT_EQ(UsernameFromLine("alice\r\r"),
            std::optional<std::string_view>("alice\r"));
}

TEST(UsernameFromLine, SkipsBlankLines) {
  for (std::string_view line : {"", "\r", " ", "\t", "  \t \r", "\v\f"}) {
    EXPECT_EQ(UsernameFromLine(line), std::nullopt)
        << "line \"" << line << "\"";
  }
}

TEST(UsernameFromLine, KeepsInnerAndOuterSpaces) {
  // The gateway rejects these names, and the error names the exact line.
  EXPECT_EQ(UsernameFromLine(" alice"),
            std::optional<std::string_view>(" alice"));
  EXPECT_EQ(UsernameFromLine("al ice\r"),
            std::optional<std::string_view>("al ice"));
}

TEST(UsernameFromLine, KeepsNonAsciiName) {
  EXPECT_EQ(UsernameFromLine("zoë\r"), std::optional<std::string_view>("zoë"));
}

}  // namespace
}  // namespace signup::ctl
