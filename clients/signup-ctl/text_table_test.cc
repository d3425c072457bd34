#include "clients/signup-ctl/text_table.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace signup::ctl {
namespace {

TEST(FormatTextTable, PadsColumnsToWidestCell) {
  const std::vector<std::string> lines = FormatTextTable(
      {{"NAME", "COUNT", "NOTE"}, {"a", "7", "x"}, {"longer", "12345", "y"}},
      {false, true, false});

  const std::vector<std::string> expected = {
      "NAME    COUNT  NOTE",
      "a           7  x",
      "longer  12345  y",
  };
  EXPECT_EQ(lines, expected);
}

TEST(FormatTextTable, NoTrailingSpaces) {
  const std::vector<std::string> lines =
      FormatTextTable({{"a", "long last"}, {"bb", "c"}}, {});

  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "a   long last");
  EXPECT_EQ(lines[1], "bb  c");
}

TEST(FormatTextTable, CountsCodePointsNotBytes) {
  // "é" is two bytes in UTF-8 but one column on a terminal.
  const std::vector<std::string> lines =
      FormatTextTable({{"é", "x"}, {"ab", "y"}}, {false, false});

  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "é   x");
  EXPECT_EQ(lines[1], "ab  y");
}

TEST(FormatTextTable, ShortRowsAllowed) {
  const std::vector<std::string> lines =
      FormatTextTable({{"a", "b", "c"}, {"dd"}}, {true});

  const std::vector<std::string> expected = {" a  b  c", "dd"};
  EXPECT_EQ(lines, expected);
}

TEST(FormatTextTable, EmptyTable) {
  EXPECT_TRUE(FormatTextTable({}, {}).empty());
}

}  // namespace
}  // namespace signup::ctl
