#include "services/common/env_flags.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

// Flags that exist only in this test binary, so that the tests set nothing
// that a service reads.
ABSL_FLAG(int32_t, env_test_count, 7, "count for env_flags_test");
ABSL_FLAG(std::string, env_test_name, "default", "name for env_flags_test");

namespace signup {
namespace {

constexpr char kCountVariable[] = "SIGNUP_ENV_TEST_COUNT";
constexpr char kNameVariable[] = "SIGNUP_ENV_TEST_NAME";

TEST(EnvironmentVariableForFlagTest, HyphenatedName) {
  EXPECT_EQ(EnvironmentVariableForFlag("request-topic"), "SIGNUP_REQUEST_TOPIC");
}

TEST(EnvironmentVariableForFlagTest, UnderscoredName) {
  EXPECT_EQ(EnvironmentVariableForFlag("request_topic"), "SIGNUP_REQUEST_TOPIC");
}

TEST(EnvironmentVariableForFlagTest, SingleWord) {
  EXPECT_EQ(EnvironmentVariableForFlag("partition"), "SIGNUP_PARTITION");
}

TEST(EnvironmentVariableForFlagTest, DotBecomesUnderscore) {
  EXPECT_EQ(EnvironmentVariableForFlag("retry.max-ms"), "SIGNUP_RETRY_MAX_MS");
}

TEST(EnvironmentVariableForFlagTest, MixedCaseUppercased) {
  EXPECT_EQ(EnvironmentVariableForFlag("Log-Level"), "SIGNUP_LOG_LEVEL");
}

// Restores the test flags and removes their variables after each test.
class ApplyEnvironmentTest : public ::testing::Test {
 protected:
  void TearDown() override {
    unsetenv(kCountVariable);
    unsetenv(kNameVariable);
    absl::SetFlag(&FLAGS_env_test_count, 7);
    absl::SetFlag(&FLAGS_env_test_name, "default");
  }
};

TEST_F(ApplyEnvironmentTest, SetsIntegerFlag) {
  setenv(kCountVariable, "42", /*overwrite=*/1);
  const absl::Status status = ApplyEnvironmentToFlags({"env_test_count"});
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(absl::GetFlag(FLAGS_env_test_count), 42);
}

TEST_F(ApplyEnvironmentTest, SetsStringFlag) {
  setenv(kNameVariable, "account.signup_request", /*overwrite=*/1);
  const absl::Status status = ApplyEnvironmentToFlags({"env_test_name"});
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(absl::GetFlag(FLAGS_env_test_name), "account.signup_request");
}

TEST_F(ApplyEnvironmentTest, SetsSeveralFlags) {
  setenv(kCountVariable, "3", /*overwrite=*/1);
  setenv(kNameVariable, "three", /*overwrite=*/1);
  const absl::Status status = ApplyEnvironmentToFlags({"env_test_count", "env_test_name"});
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(absl::GetFlag(FLAGS_env_test_count), 3);
  EXPECT_EQ(absl::GetFlag(FLAGS_env_test_name), "three");
}

TEST_F(ApplyEnvironmentTest, UnsetVariableKeepsDefault) {
  const absl::Status status = ApplyEnvironmentToFlags({"env_test_count"});
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(absl::GetFlag(FLAGS_env_test_count), 7);
}

TEST_F(ApplyEnvironmentTest, UnlistedFlagIgnored) {
  setenv(kCountVariable, "42", /*overwrite=*/1);
  const absl::Status status = ApplyEnvironmentToFlags({"env_test_name"});
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(absl::GetFlag(FLAGS_env_test_count), 7);
}

TEST_F(ApplyEnvironmentTest, EmptyStringValueApplied) {
  setenv(kNameVariable, "", /*overwrite=*/1);
  const absl::Status status = ApplyEnvironmentToFlags({"env_test_name"});
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(absl::GetFlag(FLAGS_env_test_name), "");
}

TEST_F(ApplyEnvironmentTest, UnparsableValueRejected) {
  setenv(kCountVariable, "forty-two", /*overwrite=*/1);
  const absl::Status status = ApplyEnvironmentToFlags({"env_test_count"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), kCountVariable)) << status;
  EXPECT_TRUE(absl::StrContains(status.message(), "forty-two")) << status;
  EXPECT_EQ(absl::GetFlag(FLAGS_env_test_count), 7);
}

TEST_F(ApplyEnvironmentTest, OutOfRangeValueRejected) {
  setenv(kCountVariable, "99999999999", /*overwrite=*/1);
  const absl::Status status = ApplyEnvironmentToFlags({"env_test_count"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), "99999999999")) << status;
}

TEST_F(ApplyEnvironmentTest, UnregisteredFlagIsInternal) {
  const absl::Status status = ApplyEnvironmentToFlags({"no_such_flag_anywhere"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(absl::StrContains(status.message(), "no_such_flag_anywhere")) << status;
}

// ParseFlagsWithEnvironment sets the program's usage message, which Abseil
// allows once per process, so each case runs in a child process of its own.
using ParseFlagsWithEnvironmentDeathTest = ApplyEnvironmentTest;

// Parses `arguments` as a command line and prints the test flags to stderr.
[[noreturn]] void ParseAndPrintFlags(std::vector<std::string> arguments) {
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  ParseFlagsWithEnvironment(static_cast<int>(arguments.size()), argv.data(),
                            "Usage: env_flags_test", {"env_test_count", "env_test_name"});
  std::fprintf(stderr, "count=%d name=%s\n", absl::GetFlag(FLAGS_env_test_count),
               absl::GetFlag(FLAGS_env_test_name).c_str());
  std::exit(0);
}

TEST_F(ParseFlagsWithEnvironmentDeathTest, CommandLineWins) {
  setenv(kCountVariable, "5", /*overwrite=*/1);
  setenv(kNameVariable, "from-environment", /*overwrite=*/1);
  EXPECT_EXIT(ParseAndPrintFlags({"program", "--env_test_count=9"}),
              ::testing::ExitedWithCode(0), "count=9 name=from-environment");
}

TEST_F(ParseFlagsWithEnvironmentDeathTest, HyphenatedFlagAccepted) {
  EXPECT_EXIT(ParseAndPrintFlags({"program", "--env-test-name=hyphen-value"}),
              ::testing::ExitedWithCode(0), "count=7 name=hyphen-value");
}

TEST_F(ParseFlagsWithEnvironmentDeathTest, InvalidVariableExitsWithTwo) {
  setenv(kCountVariable, "many", /*overwrite=*/1);
  EXPECT_EXIT(ParseAndPrintFlags({"program"}), ::testing::ExitedWithCode(2),
              "SIGNUP_ENV_TEST_COUNT");
}

}  // namespace
}  // namespace signup
