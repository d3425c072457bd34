// End-to-end tests of signup-ctl's subcommands against a running system.
#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "services/common/partitioner.h"
#include "signup/v1/signup.pb.h"
#include "tests/support/cluster.h"
#include "tests/support/operator_tools.h"

namespace signup {
namespace {

using testing::CallSignup;
using testing::CommandResult;
using testing::RunCommand;

class SignupCtlTest : public testing::RunningClusterTest {
 protected:
  // Runs signup-ctl with `arguments` against the cluster's gateway.
  CommandResult Ctl(const std::string& arguments, const std::string& input = "") {
    std::string command = absl::StrCat(SIGNUP_CTL_BINARY, " --gateway=",
                                       cluster_.gateway_address(), " ", arguments);
    if (!input.empty()) command = absl::StrCat("printf '", input, "' | ", command);
    return RunCommand(command);
  }
};

std::string ReadFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream contents;
  contents << file.rdbuf();
  return contents.str();
}

TEST_F(SignupCtlTest, CheckSignupLookupAndStatus) {
  const int32_t partition = PartitionForUsername("bob", 3);
  CommandResult result = Ctl("check Bob");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, absl::StrCat("bob ✅ available (partition ", partition, ")\n"));

  result = Ctl("signup", "Bob\\nbob\\n");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(absl::StrContains(result.output, "bob ✅")) << result.output;
  EXPECT_TRUE(absl::StrContains(result.output, "bob ❌")) << result.output;

  result = Ctl("check bob");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_EQ(result.output, absl::StrCat("bob ❌ taken (partition ", partition, ")\n"));

  result = Ctl("check 'a b'");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(absl::StartsWith(result.output, "- ❌ DISALLOWED_CHARACTER:")) << result.output;

  const std::vector<testing::TestCluster::StoredDecision> stored =
      cluster_.StoredDecisions(partition);
  ASSERT_EQ(stored.size(), 2u);
  result = Ctl("lookup BOB");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::string> fields = absl::StrSplit(result.output, ' ');
  ASSERT_EQ(fields.size(), 6u) << result.output;
  EXPECT_EQ(fields[0], stored[0].account_id);
  EXPECT_EQ(fields[1], "bob");
  EXPECT_EQ(fields[2], "Bob");
  EXPECT_EQ(fields[4], stored[0].request_id);
  EXPECT_EQ(fields[5], absl::StrCat(partition, ":0\n"));

  result = Ctl("lookup nobody");
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_EQ(result.output, "nobody: no account\n");

  result = Ctl("status");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::vector<std::string> lines =
      absl::StrSplit(result.output, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 5u) << result.output;
  EXPECT_TRUE(absl::StartsWith(lines[0], "PARTITION")) << result.output;
  for (int32_t row = 0; row < 3; ++row) {
    EXPECT_TRUE(absl::StrContains(lines[1 + row], "active")) << lines[1 + row];
    EXPECT_TRUE(absl::StrContains(lines[1 + row], "running")) << lines[1 + row];
  }
  EXPECT_TRUE(absl::StrContains(lines[4], "3 of 3 partitions serving")) << lines[4];

  result = Ctl("--json status");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  v1::ClusterStatus cluster;
  ASSERT_TRUE(testing::ParseJson(result.output, &cluster).ok()) << result.output;
  ASSERT_EQ(cluster.partitions_size(), 3);
  EXPECT_EQ(cluster.partitions(partition).worker().decisions().created(), 1);
  EXPECT_EQ(cluster.partitions(partition).worker().decisions().username_taken(), 1);
}

TEST_F(SignupCtlTest, WatchPrintsDecisionsUntilInterrupted) {
  ASSERT_TRUE(CallSignup(*stub_, "watched").outcome.has_value());
  const std::string log_path = absl::StrCat(cluster_.log_directory(), "/watch.log");
  absl::StatusOr<std::unique_ptr<testing::Subprocess>> watch = testing::Subprocess::Start(
      {SIGNUP_CTL_BINARY, absl::StrCat("--gateway=", cluster_.gateway_address()), "watch",
       "--from-beginning"},
      log_path);
  ASSERT_TRUE(watch.ok()) << watch.status();
  ASSERT_TRUE(CallSignup(*stub_, "watched2").outcome.has_value());

  // Both decisions appear: the retained one and the new one.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  std::string output;
  while (absl::Now() < deadline) {
    output = ReadFile(log_path);
    if (absl::StrContains(output, "watched ✅") && absl::StrContains(output, "watched2 ✅")) {
      break;
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(absl::StrContains(output, "watched ✅")) << output;
  EXPECT_TRUE(absl::StrContains(output, "watched2 ✅")) << output;

  (*watch)->Signal(SIGINT);
  const std::optional<int> status = (*watch)->Wait(absl::Seconds(10));
  ASSERT_TRUE(status.has_value()) << "signup-ctl watch still runs 10 s after SIGINT";
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0) << ReadFile(log_path);
}

}  // namespace
}  // namespace signup
