#include "clients/signup-ctl/subcommand.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace signup::ctl {
namespace {

// Parses `arguments` and expects INVALID_ARGUMENT whose message contains
// every one of `fragments`.
void ExpectUsageError(const std::vector<std::string>& arguments,
                      bool from_beginning,
                      const std::vector<std::string>& fragments) {
  const absl::StatusOr<Invocation> invocation =
      ParseInvocation(arguments, from_beginning);
  ASSERT_FALSE(invocation.ok());
  EXPECT_EQ(invocation.status().code(), absl::StatusCode::kInvalidArgument);
  for (const std::string& fragment : fragments) {
    EXPECT_TRUE(absl::StrContains(invocation.status().message(), fragment))
        << "missing \"" << fragment << "\" in " << invocation.status();
  }
}

TEST(ParseInvocation, NoArgumentsRunsSignup) {
  const absl::StatusOr<Invocation> invocation = ParseInvocation({}, false);

  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->subcommand, Subcommand::kSignup);
  EXPECT_EQ(invocation->username, "");
}

TEST(ParseInvocation, NamesEverySubcommand) {
  const std::vector<std::pair<std::vector<std::string>, Subcommand>> cases = {
      {{"signup"}, Subcommand::kSignup},
      {{"watch"}, Subcommand::kWatch},
      {{"check", "bob"}, Subcommand::kCheck},
      {{"lookup", "bob"}, Subcommand::kLookup},
      {{"status"}, Subcommand::kStatus},
  };
  for (const auto& [arguments, expected] : cases) {
    const absl::StatusOr<Invocation> invocation =
        ParseInvocation(arguments, false);
    ASSERT_TRUE(invocation.ok()) << arguments[0] << ": " << invocation.status();
    EXPECT_EQ(invocation->subcommand, expected) << arguments[0];
    EXPECT_EQ(SubcommandName(invocation->subcommand), arguments[0]);
  }
}

TEST(ParseInvocation, CheckKeepsNameAsTyped) {
  const absl::StatusOr<Invocation> invocation =
      ParseInvocation({"check", "Bob Smith"}, false);

  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->subcommand, Subcommand::kCheck);
  EXPECT_EQ(invocation->username, "Bob Smith");
}

TEST(ParseInvocation, LookupTakesName) {
  const absl::StatusOr<Invocation> invocation =
      ParseInvocation({"lookup", "ǅemal"}, false);

  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->subcommand, Subcommand::kLookup);
  EXPECT_EQ(invocation->username, "ǅemal");
}

TEST(ParseInvocation, WatchFromBeginning) {
  const absl::StatusOr<Invocation> invocation =
      ParseInvocation({"watch"}, true);

  ASSERT_TRUE(invocation.ok()) << invocation.status();
  EXPECT_EQ(invocation->subcommand, Subcommand::kWatch);
  EXPECT_TRUE(invocation->from_beginning);
}

TEST(ParseInvocation, UnknownSubcommandNamed) {
  ExpectUsageError({"bob"}, false,
                   {"unknown subcommand \"bob\"",
                    "signup, watch, check, lookup or status",
                    "signup-ctl signup on standard input"});
}

TEST(ParseInvocation, SubcommandIsCaseSensitive) {
  ExpectUsageError({"Status"}, false, {"unknown subcommand \"Status\""});
}

TEST(ParseInvocation, MissingNameNamesUsage) {
  ExpectUsageError({"check"}, false,
                   {"missing NAME", "signup-ctl check NAME"});
  ExpectUsageError({"lookup"}, false,
                   {"missing NAME", "signup-ctl lookup NAME"});
}

TEST(ParseInvocation, EmptyNameRejected) {
  ExpectUsageError({"check", ""}, false,
                   {"invalid NAME \"\"", "empty", "signup-ctl check NAME"});
  ExpectUsageError({"lookup", ""}, false, {"invalid NAME \"\""});
}

TEST(ParseInvocation, IllFormedUtf8Rejected) {
  ExpectUsageError({"lookup", "b\xFFob"}, false,
                   {"invalid NAME \"b\\xFFob\"", "byte 1", "UTF-8"});
  ExpectUsageError({"check", "\xC3"}, false, {"byte 0"});
}

TEST(ParseInvocation, ControlCharactersEscaped) {
  ExpectUsageError({"stat\nus"}, false,
                   {"unknown subcommand \"stat\\u{000A}us\""});
}

TEST(ParseInvocation, ExtraArgumentNamed) {
  ExpectUsageError({"check", "bob", "alice"}, false,
                   {"unexpected argument \"alice\" after check",
                    "once per name"});
  ExpectUsageError({"lookup", "bob", "alice"}, false,
                   {"unexpected argument \"alice\" after lookup"});
  ExpectUsageError({"status", "now"}, false,
                   {"unexpected argument \"now\" after status",
                    "takes no arguments"});
  ExpectUsageError({"watch", "bob"}, false,
                   {"unexpected argument \"bob\" after watch",
                    "signup-ctl watch [--from-beginning]"});
}

TEST(ParseInvocation, SignupRejectsNames) {
  ExpectUsageError({"signup", "bob"}, false,
                   {"unexpected argument \"bob\" after signup",
                    "standard input"});
}

TEST(ParseInvocation, FromBeginningOnlyForWatch) {
  ExpectUsageError({"status"}, true,
                   {"--from-beginning applies only to the watch subcommand",
                    "not to status"});
  ExpectUsageError({}, true, {"--from-beginning applies only to the watch"});
}

}  // namespace
}  // namespace signup::ctl
