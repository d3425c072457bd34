#include "services/common/connection_string.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace signup {
namespace {

TEST(RedactConnectionStringTest, KeyValueWithoutPassword) {
  absl::StatusOr<std::string> redacted =
      RedactConnectionString("host=127.0.0.1 port=5432 dbname=signup");
  ASSERT_TRUE(redacted.ok()) << redacted.status();
  // The keywords come out in libpq's order, not in the input's.
  EXPECT_TRUE(absl::StrContains(*redacted, "host='127.0.0.1'")) << *redacted;
  EXPECT_TRUE(absl::StrContains(*redacted, "port='5432'")) << *redacted;
  EXPECT_TRUE(absl::StrContains(*redacted, "dbname='signup'")) << *redacted;
  EXPECT_FALSE(absl::StrContains(*redacted, "password")) << *redacted;
}

TEST(RedactConnectionStringTest, KeyValuePasswordHidden) {
  absl::StatusOr<std::string> redacted =
      RedactConnectionString("host=db user=signup password=hunter2 dbname=signup");
  ASSERT_TRUE(redacted.ok()) << redacted.status();
  EXPECT_FALSE(absl::StrContains(*redacted, "hunter2")) << *redacted;
  EXPECT_TRUE(absl::StrContains(*redacted, "password='***'")) << *redacted;
  EXPECT_TRUE(absl::StrContains(*redacted, "user='signup'")) << *redacted;
}

TEST(RedactConnectionStringTest, QuotedPasswordHidden) {
  absl::StatusOr<std::string> redacted =
      RedactConnectionString("host=db password='two words'");
  ASSERT_TRUE(redacted.ok()) << redacted.status();
  EXPECT_FALSE(absl::StrContains(*redacted, "two words")) << *redacted;
  EXPECT_TRUE(absl::StrContains(*redacted, "password='***'")) << *redacted;
}

TEST(RedactConnectionStringTest, UriPasswordHidden) {
  absl::StatusOr<std::string> redacted =
      RedactConnectionString("postgresql://signup:hunter2@db.internal:6543/accounts");
  ASSERT_TRUE(redacted.ok()) << redacted.status();
  EXPECT_FALSE(absl::StrContains(*redacted, "hunter2")) << *redacted;
  EXPECT_TRUE(absl::StrContains(*redacted, "password='***'")) << *redacted;
  EXPECT_TRUE(absl::StrContains(*redacted, "host='db.internal'")) << *redacted;
  EXPECT_TRUE(absl::StrContains(*redacted, "port='6543'")) << *redacted;
  EXPECT_TRUE(absl::StrContains(*redacted, "dbname='accounts'")) << *redacted;
}

TEST(RedactConnectionStringTest, UriQueryPasswordHidden) {
  absl::StatusOr<std::string> redacted =
      RedactConnectionString("postgresql://db/accounts?user=signup&password=hunter2");
  ASSERT_TRUE(redacted.ok()) << redacted.status();
  EXPECT_FALSE(absl::StrContains(*redacted, "hunter2")) << *redacted;
}

TEST(RedactConnectionStringTest, QuotesAndBackslashesEscaped) {
  absl::StatusOr<std::string> redacted =
      RedactConnectionString(R"(application_name='it\'s a \\ test')");
  ASSERT_TRUE(redacted.ok()) << redacted.status();
  EXPECT_EQ(*redacted, R"(application_name='it\'s a \\ test')");
}

TEST(RedactConnectionStringTest, OutputParsesToItself) {
  // The redacted form is itself a valid connection string with the same
  // values, so redacting it again changes nothing.
  absl::StatusOr<std::string> once = RedactConnectionString(
      R"(host=db port=5432 password=secret application_name='a\'b\\c')");
  ASSERT_TRUE(once.ok()) << once.status();
  absl::StatusOr<std::string> twice = RedactConnectionString(*once);
  ASSERT_TRUE(twice.ok()) << twice.status();
  EXPECT_EQ(*twice, *once);
}

TEST(RedactConnectionStringTest, EmptyStringIsEmpty) {
  absl::StatusOr<std::string> redacted = RedactConnectionString("");
  ASSERT_TRUE(redacted.ok()) << redacted.status();
  EXPECT_EQ(*redacted, "");
}

TEST(RedactConnectionStringTest, UnknownKeywordInvalid) {
  absl::StatusOr<std::string> redacted =
      RedactConnectionString("host=db password=hunter2 colour=blue");
  EXPECT_EQ(redacted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(redacted.status().message(), "colour"))
      << redacted.status();
  EXPECT_FALSE(absl::StrContains(redacted.status().message(), "hunter2"))
      << redacted.status();
}

TEST(RedactConnectionStringTest, UnterminatedQuoteHidesPassword) {
  absl::StatusOr<std::string> redacted =
      RedactConnectionString("host=db password='hunter2");
  EXPECT_EQ(redacted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(absl::StrContains(redacted.status().message(), "hunter2"))
      << redacted.status();
}

TEST(RedactConnectionStringTest, MissingEqualsInvalid) {
  absl::StatusOr<std::string> redacted = RedactConnectionString("host");
  EXPECT_EQ(redacted.status().code(), absl::StatusCode::kInvalidArgument);
  // The "=" that is missing is named; the quoted input is not.
  EXPECT_TRUE(absl::StrContains(redacted.status().message(), "missing \"=\" after \"...\""))
      << redacted.status();
}

TEST(RedactConnectionStringTest, MissingEqualsAfterPasswordHidesIt) {
  absl::StatusOr<std::string> redacted = RedactConnectionString("host=db hunter2");
  EXPECT_EQ(redacted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(absl::StrContains(redacted.status().message(), "hunter2"))
      << redacted.status();
}

// libpq quotes the URI or one of its tokens, password included, in some
// parse errors.
TEST(RedactConnectionStringTest, MalformedUriHidesPassword) {
  const std::string cases[] = {
      // The IPv6 host lacks its closing bracket.
      "postgresql://signup:hunter2@[::1/accounts",
      // "%2" is an incomplete percent-encoding.
      "postgresql://signup:hunter2%2@db/accounts",
  };
  for (const std::string& uri : cases) {
    absl::StatusOr<std::string> redacted = RedactConnectionString(uri);
    EXPECT_EQ(redacted.status().code(), absl::StatusCode::kInvalidArgument) << uri;
    EXPECT_FALSE(absl::StrContains(redacted.status().message(), "hunter2"))
        << redacted.status();
  }
}

}  // namespace
}  // namespace signup
