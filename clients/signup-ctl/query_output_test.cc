#include "clients/signup-ctl/query_output.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "clients/signup-ctl/output.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "signup/admin/v1/admin.pb.h"
#include "signup/v1/signup.pb.h"

namespace signup::ctl {
namespace {

signup::v1::CheckUsernameResponse ValidAnswer(bool available) {
  signup::v1::CheckUsernameResponse answer;
  answer.set_username("bob");
  answer.set_valid(true);
  answer.set_partition(2);
  answer.set_available(available);
  return answer;
}

signup::v1::CheckUsernameResponse InvalidAnswer(const std::string& reason,
                                                const std::string& message) {
  signup::v1::CheckUsernameResponse answer;
  answer.set_valid(false);
  answer.set_invalid_reason(reason);
  answer.set_message(message);
  answer.set_partition(-1);
  return answer;
}

TEST(FormatCheckText, Available) {
  EXPECT_EQ(FormatCheckText(ValidAnswer(true)), "bob ✅ available (partition 2)");
}

TEST(FormatCheckText, Taken) {
  EXPECT_EQ(FormatCheckText(ValidAnswer(false)), "bob ❌ taken (partition 2)");
}

TEST(FormatCheckText, InvalidShowsReasonAndMessage) {
  EXPECT_EQ(FormatCheckText(InvalidAnswer(
                "TOO_SHORT", "the username must have at least 3 characters")),
            "- ❌ TOO_SHORT: the username must have at least 3 characters");
}

TEST(FormatCheckText, InvalidWithoutReasonOrMessage) {
  EXPECT_EQ(FormatCheckText(InvalidAnswer("", "empty name")),
            "- ❌ empty name");
  EXPECT_EQ(FormatCheckText(InvalidAnswer("TOO_SHORT", "")), "- ❌ TOO_SHORT");
  EXPECT_EQ(FormatCheckText(InvalidAnswer("", "")), "- ❌");
}

TEST(FormatCheckText, MessageKeptOnOneLine) {
  EXPECT_EQ(FormatCheckText(InvalidAnswer("BAD", "line one\nline\ttwo")),
            "- ❌ BAD: line one line two");
}

signup::admin::v1::Account MakeAccount() {
  signup::admin::v1::Account account;
  account.set_account_id("2Cq9kXd1Ef3gH5jK7lM9nP1qR3s");
  account.set_username("bob");
  account.set_display_name("Bob");
  account.mutable_created_at()->set_seconds(1767225600);  // 2026-01-01
  account.set_request_id("2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3");
  account.set_request_partition(2);
  account.set_request_offset(1042);
  return account;
}

TEST(FormatAccountText, PrintsEveryField) {
  EXPECT_EQ(FormatAccountText(MakeAccount()),
            "2Cq9kXd1Ef3gH5jK7lM9nP1qR3s bob Bob 2026-01-01T00:00:00Z "
            "2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 2:1042");
}

TEST(FormatAccountText, FractionalSecondsInUtc) {
  signup::admin::v1::Account account = MakeAccount();
  account.mutable_created_at()->set_seconds(1767225600 + 3723);
  account.mutable_created_at()->set_nanos(250000000);

  EXPECT_EQ(FormatAccountText(account),
            "2Cq9kXd1Ef3gH5jK7lM9nP1qR3s bob Bob 2026-01-01T01:02:03.25Z "
            "2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 2:1042");
}

TEST(FormatAccountText, MissingFieldsAsDash) {
  signup::admin::v1::Account account;
  account.set_username("bob");

  EXPECT_EQ(FormatAccountText(account), "- bob - - - 0:0");
}

TEST(FormatAccountText, TimestampOutOfRange) {
  // Protobuf's own formatter has undefined behavior past year 9999.
  signup::admin::v1::Account account = MakeAccount();
  account.mutable_created_at()->set_seconds(253402300800);  // 10000-01-01

  EXPECT_EQ(FormatAccountText(account),
            "2Cq9kXd1Ef3gH5jK7lM9nP1qR3s bob Bob 10000-01-01T00:00:00Z "
            "2Cq9kV4sQ1ztn0J8dYkqPpW6Xh3 2:1042");
}

TEST(FormatNoAccountText, NamesUsername) {
  EXPECT_EQ(FormatNoAccountText("bob"), "bob: no account");
}

TEST(FormatLookupInvalidText, ShowsReason) {
  EXPECT_EQ(FormatLookupInvalidText(
                "bob!", absl::InvalidArgumentError(
                            "DISALLOWED_CHARACTER: '!' is not allowed")),
            "bob! ❌ DISALLOWED_CHARACTER: '!' is not allowed");
}

// A cluster of three partitions: 0 serving, 1 paused with a last error, 2
// unreachable.
signup::v1::ClusterStatus MakeCluster() {
  signup::v1::ClusterStatus cluster;

  signup::v1::PartitionStatus* running = cluster.add_partitions();
  running->set_partition(0);
  running->set_admin_address("127.0.0.1:50071");
  running->set_reachable(true);
  signup::admin::v1::WorkerStatus* worker = running->mutable_worker();
  worker->set_partition(0);
  worker->set_role(signup::admin::v1::ROLE_ACTIVE);
  worker->set_state(signup::admin::v1::STATE_RUNNING);
  worker->set_serving(true);
  worker->set_next_offset(1042);
  worker->set_high_watermark(1045);
  worker->set_lag(3);
  worker->mutable_decisions()->set_created(900);
  worker->mutable_decisions()->set_username_taken(130);
  worker->mutable_decisions()->set_rejected(2);
  worker->mutable_database()->set_reachable(true);
  worker->mutable_database()->mutable_round_trip()->set_nanos(1234000);

  signup::v1::PartitionStatus* paused = cluster.add_partitions();
  paused->set_partition(1);
  paused->set_admin_address("127.0.0.1:50072");
  paused->set_reachable(true);
  worker = paused->mutable_worker();
  worker->set_partition(1);
  worker->set_role(signup::admin::v1::ROLE_ACTIVE);
  worker->set_state(signup::admin::v1::STATE_PAUSED);
  worker->set_serving(false);
  worker->set_next_offset(500);
  worker->set_high_watermark(530);
  worker->set_lag(30);
  worker->mutable_decisions()->set_created(480);
  worker->mutable_decisions()->set_username_taken(20);
  worker->mutable_database()->set_reachable(true);
  worker->mutable_database()->mutable_round_trip()->set_nanos(800000);
  worker->mutable_last_error()->set_operation("committing a batch");
  worker->mutable_last_error()->set_message("connection reset");

  signup::v1::PartitionStatus* unreachable = cluster.add_partitions();
  unreachable->set_partition(2);
  unreachable->set_admin_address("127.0.0.1:50073");
  unreachable->set_reachable(false);
  unreachable->set_error("failed to connect to all addresses");

  cluster.set_total_lag(33);
  cluster.set_serving_partitions(1);
  return cluster;
}

TEST(FormatClusterStatusText, AlignsRowsAndTotals) {
  const std::vector<std::string> lines = FormatClusterStatusText(MakeCluster());

  // The padding was computed independently of FormatTextTable.
  const std::vector<std::string> expected = {
      "PARTITION  ROLE    STATE        SERVING  NEXT_OFFSET  HIGH_WATERMARK  "
      "LAG  CREATED  TAKEN  REJECTED  DB_RTT  LAST_ERROR                      "
      "      ADDRESS",
      "        0  active  running      yes             1042            1045  "
      "  3      900    130         2   1.2ms  -                               "
      "      127.0.0.1:50071",
      "        1  active  paused       no               500             530  "
      " 30      480     20         0   0.8ms  committing a batch: connection "
      "reset  127.0.0.1:50072",
      "        2  -       unreachable  no                 -               -  "
      "  -        -      -         -       -  failed to connect to all "
      "addresses    127.0.0.1:50073",
      "total lag 33 (lag of partition 2 unknown), 1 of 3 partitions serving",
  };
  EXPECT_EQ(lines, expected);
}

// Returns the cells of the one partition row of `cluster`, split on runs of
// spaces, which works while no cell contains a space.
std::vector<std::string> OnlyRowCells(const signup::v1::ClusterStatus& cluster) {
  const std::vector<std::string> lines = FormatClusterStatusText(cluster);
  EXPECT_EQ(lines.size(), 3u);
  if (lines.size() != 3) return {};

  std::vector<std::string> cells;
  std::string cell;
  for (char c : lines[1] + " ") {
    if (c != ' ') {
      cell += c;
    } else if (!cell.empty()) {
      cells.push_back(cell);
      cell.clear();
    }
  }
  return cells;
}

TEST(FormatClusterStatusText, EnumNamesLowercaseWithoutPrefix) {
  signup::v1::ClusterStatus cluster;
  signup::v1::PartitionStatus* partition = cluster.add_partitions();
  partition->set_reachable(true);
  partition->mutable_worker()->set_role(signup::admin::v1::ROLE_STANDBY);
  partition->mutable_worker()->set_state(signup::admin::v1::STATE_DRAINING);

  const std::vector<std::string> cells = OnlyRowCells(cluster);

  ASSERT_GE(cells.size(), 3u);
  EXPECT_EQ(cells[1], "standby");
  EXPECT_EQ(cells[2], "draining");
}

TEST(FormatClusterStatusText, UnknownEnumNumbers) {
  // Proto3 enums are open, so a newer worker can send values unknown here.
  signup::v1::ClusterStatus cluster;
  signup::v1::PartitionStatus* partition = cluster.add_partitions();
  partition->set_reachable(true);
  partition->mutable_worker()->set_role(static_cast<signup::admin::v1::Role>(9));
  partition->mutable_worker()->set_state(
      static_cast<signup::admin::v1::State>(42));

  const std::vector<std::string> cells = OnlyRowCells(cluster);

  ASSERT_GE(cells.size(), 3u);
  EXPECT_EQ(cells[1], "9");
  EXPECT_EQ(cells[2], "42");
}

TEST(FormatClusterStatusText, UnknownOffsetsAndDatabaseDown) {
  signup::v1::ClusterStatus cluster;
  signup::v1::PartitionStatus* partition = cluster.add_partitions();
  partition->set_partition(4);
  partition->set_admin_address("10.0.0.4:50071");
  partition->set_reachable(true);
  signup::admin::v1::WorkerStatus* worker = partition->mutable_worker();
  worker->set_role(signup::admin::v1::ROLE_ACTIVE);
  worker->set_state(signup::admin::v1::STATE_RETRYING);
  worker->set_next_offset(-1);
  worker->set_high_watermark(-1);
  worker->set_lag(-1);
  worker->mutable_database()->set_reachable(false);
  worker->mutable_database()->set_error("timeout\nexpired");

  const std::vector<std::string> lines = FormatClusterStatusText(cluster);

  ASSERT_EQ(lines.size(), 3u);
  std::vector<std::string> cells = OnlyRowCells(cluster);
  ASSERT_GE(cells.size(), 11u);
  cells.resize(11);
  EXPECT_EQ(cells, (std::vector<std::string>{"4", "active", "retrying", "no",
                                             "-", "-", "-", "0", "0", "0",
                                             "down"}));
  // The control character in the error became a space.
  EXPECT_NE(lines[1].find("  database: timeout expired  10.0.0.4:50071"),
            std::string::npos)
      << lines[1];
  EXPECT_EQ(lines[2],
            "total lag 0 (lag of partition 4 unknown), 0 of 1 partition "
            "serving");
}

TEST(FormatClusterStatusText, SlowDatabaseInSeconds) {
  signup::v1::ClusterStatus cluster;
  signup::v1::PartitionStatus* partition = cluster.add_partitions();
  partition->set_reachable(true);
  signup::admin::v1::DatabaseStatus* database =
      partition->mutable_worker()->mutable_database();
  database->set_reachable(true);
  database->mutable_round_trip()->set_seconds(1);
  database->mutable_round_trip()->set_nanos(250000000);

  const std::vector<std::string> cells = OnlyRowCells(cluster);

  ASSERT_GE(cells.size(), 11u);
  EXPECT_EQ(cells[10], "1.25s");
}

TEST(FormatClusterStatusText, EveryLagKnown) {
  signup::v1::ClusterStatus cluster = MakeCluster();
  cluster.mutable_partitions()->RemoveLast();
  cluster.set_serving_partitions(2);

  const std::vector<std::string> lines = FormatClusterStatusText(cluster);

  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines.back(), "total lag 33, 2 of 2 partitions serving");
}

TEST(FormatClusterStatusText, SeveralUnknownLags) {
  signup::v1::ClusterStatus cluster;
  for (int number : {1, 3}) {
    signup::v1::PartitionStatus* partition = cluster.add_partitions();
    partition->set_partition(number);
    partition->set_error("connection refused");
  }

  const std::vector<std::string> lines = FormatClusterStatusText(cluster);

  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines.back(),
            "total lag 0 (lag of partitions 1, 3 unknown), 0 of 2 partitions "
            "serving");
}

TEST(FormatClusterStatusText, NoPartitions) {
  const std::vector<std::string> lines =
      FormatClusterStatusText(signup::v1::ClusterStatus());

  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("PARTITION  ROLE  STATE  SERVING", 0), 0u)
      << lines[0];
  EXPECT_EQ(lines[1], "total lag 0, 0 of 0 partitions serving");
}

// The JSON forms come from FormatMessageJson. These tests check that each
// response type prints with its .proto field names and round-trips.

TEST(FormatMessageJson, ClusterStatusRoundTrips) {
  const signup::v1::ClusterStatus cluster = MakeCluster();

  const absl::StatusOr<std::string> json = FormatMessageJson(cluster);

  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(json->find('\n'), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("serving_partitions":1)"), std::string::npos)
      << *json;
  EXPECT_NE(json->find(R"("total_lag":"33")"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("admin_address":"127.0.0.1:50073")"),
            std::string::npos)
      << *json;
  EXPECT_NE(json->find(R"("role":"ROLE_ACTIVE")"), std::string::npos) << *json;
  signup::v1::ClusterStatus parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(*json, &parsed).ok())
      << *json;
  EXPECT_EQ(parsed.SerializeAsString(), cluster.SerializeAsString());
}

TEST(FormatMessageJson, CheckAnswerPrintsDefaults) {
  const absl::StatusOr<std::string> json =
      FormatMessageJson(InvalidAnswer("TOO_SHORT", "too short"));

  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_NE(json->find(R"("username":"")"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("valid":false)"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("invalid_reason":"TOO_SHORT")"), std::string::npos)
      << *json;
  EXPECT_NE(json->find(R"("partition":-1)"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"("available":false)"), std::string::npos) << *json;
}

TEST(FormatMessageJson, AccountCreatedAtRfc3339) {
  const absl::StatusOr<std::string> json = FormatMessageJson(MakeAccount());

  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_NE(json->find(R"("created_at":"2026-01-01T00:00:00Z")"),
            std::string::npos)
      << *json;
  EXPECT_NE(json->find(R"("request_offset":"1042")"), std::string::npos)
      << *json;
  EXPECT_NE(json->find(R"("display_name":"Bob")"), std::string::npos) << *json;
}

TEST(FormatMessageJson, OutOfRangeTimestampIsError) {
  signup::admin::v1::Account account = MakeAccount();
  account.mutable_created_at()->set_seconds(253402300800);  // 10000-01-01

  const absl::StatusOr<std::string> json = FormatMessageJson(account);

  ASSERT_FALSE(json.ok());
  EXPECT_EQ(json.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(json.status().message().find("signup.admin.v1.Account"),
            std::string::npos)
      << json.status();
}

TEST(FormatStatusJson, NamesCode) {
  const std::string json =
      FormatStatusJson("bob", absl::NotFoundError("no account holds bob"));

  EXPECT_NE(json.find(R"("username":"bob")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("outcome":"NOT_FOUND")"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("reason":"no account holds bob")"), std::string::npos)
      << json;
}

}  // namespace
}  // namespace signup::ctl
