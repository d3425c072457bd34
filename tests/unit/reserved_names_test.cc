#include "services/common/reserved_names.h"

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace signup {
namespace {

// Writes `contents` to a new file in the test's temporary folder and
// returns its path.
std::string WriteFile(const std::string& name, const std::string& contents) {
  const std::string path = absl::StrCat(::testing::TempDir(), "/", name);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << contents;
  return path;
}

TEST(LoadReservedNamesTest, CanonicalizesNamesAndSkipsComments) {
  const std::string path = WriteFile("reserved_ok.txt",
                                     "# Names of the service's own accounts.\n"
                                     "Admin\n"
                                     "\n"
                                     "   root  \r\n"
                                     "\t# indented comment\n"
                                     "\xef\xbd\x93upport\n"  // fullwidth s
                                     "admin\n");
  const absl::StatusOr<std::set<std::string>> names = LoadReservedNames(path, UsernamePolicy{});
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_EQ(*names, (std::set<std::string>{"admin", "root", "support"}));
}

TEST(LoadReservedNamesTest, InvalidNameNamesFileAndLine) {
  const std::string path = WriteFile("reserved_bad.txt", "admin\n# fine\nbad name\n");
  const absl::StatusOr<std::set<std::string>> names = LoadReservedNames(path, UsernamePolicy{});
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(names.status().message(), path + ":3:")) << names.status();
  EXPECT_TRUE(absl::StrContains(names.status().message(), "DISALLOWED_CHARACTER"))
      << names.status();
}

TEST(LoadReservedNamesTest, PolicyDecidesValidity) {
  const std::string path = WriteFile("reserved_unicode.txt", "stra\xc3\x9f" "e\n");
  EXPECT_TRUE(LoadReservedNames(path, UsernamePolicy{}).ok());

  UsernamePolicy ascii;
  ascii.kind = UsernamePolicyKind::kAscii;
  const absl::StatusOr<std::set<std::string>> names = LoadReservedNames(path, ascii);
  ASSERT_FALSE(names.ok());
  EXPECT_TRUE(absl::StrContains(names.status().message(), ":1:")) << names.status();
  EXPECT_TRUE(absl::StrContains(names.status().message(), "ascii")) << names.status();
}

TEST(LoadReservedNamesTest, IgnoresReservationsOfThePolicy) {
  const std::string path = WriteFile("reserved_self.txt", "admin\n");
  UsernamePolicy policy;
  policy.reserved_names = {"admin"};
  const absl::StatusOr<std::set<std::string>> names = LoadReservedNames(path, policy);
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_EQ(*names, std::set<std::string>{"admin"});
}

TEST(LoadReservedNamesTest, MissingFileIsNotFound) {
  const absl::StatusOr<std::set<std::string>> names =
      LoadReservedNames("/nonexistent/reserved.txt", UsernamePolicy{});
  ASSERT_FALSE(names.ok());
  EXPECT_EQ(names.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(names.status().message(), "/nonexistent/reserved.txt"))
      << names.status();
}

TEST(LoadReservedNamesTest, EmptyFileReservesNothing) {
  const std::string path = WriteFile("reserved_empty.txt", "");
  const absl::StatusOr<std::set<std::string>> names = LoadReservedNames(path, UsernamePolicy{});
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_TRUE(names->empty());
}

}  // namespace
}  // namespace signup
