#include "clients/signup-ctl/query_output.h"

#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "clients/signup-ctl/text_table.h"

namespace signup::ctl {
namespace {

constexpr char kAvailableMark[] = "✅";
constexpr char kNotAvailableMark[] = "❌";
constexpr char kNone[] = "-";

// Debian's Abseil 20220623 has its own absl::string_view, which StrCat does
// not convert from std::string_view.
absl::string_view ToAbsl(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

// Returns `text` with every ASCII control character replaced by a space, so
// that a message from the server cannot break a line or a table row.
std::string OnOneLine(std::string text) {
  for (char& c : text) {
    if (absl::ascii_iscntrl(static_cast<unsigned char>(c))) c = ' ';
  }
  return text;
}

// Returns `text`, or "-" when it is empty.
std::string OrNone(const std::string& text) {
  return text.empty() ? kNone : text;
}

// Returns `value`, or "-" when it is negative, as WorkerStatus sends -1 for an
// unknown offset or lag.
std::string KnownOrNone(int64_t value) {
  return value < 0 ? kNone : absl::StrCat(value);
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  // absl::Time covers any seconds value, where protobuf's TimeUtil has
  // undefined behavior outside years 1 to 9999.
  const absl::Time time = absl::FromUnixSeconds(timestamp.seconds()) +
                          absl::Nanoseconds(timestamp.nanos());
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", time, absl::UTCTimeZone());
}

std::string FormatRoundTrip(const google::protobuf::Duration& duration) {
  const absl::Duration round_trip =
      absl::Seconds(duration.seconds()) + absl::Nanoseconds(duration.nanos());
  if (round_trip < absl::Seconds(1)) {
    return absl::StrFormat("%.1fms", absl::ToDoubleMilliseconds(round_trip));
  }
  return absl::StrFormat("%.2fs", absl::ToDoubleSeconds(round_trip));
}

// Returns the enum value's name without `prefix`, in lower case, such as
// "active" for "ROLE_ACTIVE". `name` is empty for a value this build does not
// know, which prints as its number.
std::string EnumLabel(const std::string& name, std::string_view prefix,
                      int number) {
  if (name.empty()) return absl::StrCat(number);
  absl::string_view label = name;
  absl::ConsumePrefix(&label, ToAbsl(prefix));
  return absl::AsciiStrToLower(label);
}

std::string FormatLastError(const signup::admin::v1::WorkerStatus& worker) {
  if (worker.has_last_error()) {
    const signup::admin::v1::LastError& error = worker.last_error();
    if (error.operation().empty()) return OnOneLine(OrNone(error.message()));
    return OnOneLine(absl::StrCat(error.operation(), ": ", error.message()));
  }
  if (!worker.database().reachable() && !worker.database().error().empty()) {
    return OnOneLine(absl::StrCat("database: ", worker.database().error()));
  }
  return kNone;
}

std::vector<std::string> PartitionRow(
    const signup::v1::PartitionStatus& partition) {
  const std::string number = absl::StrCat(partition.partition());
  const std::string address = OrNone(partition.admin_address());
  if (!partition.reachable()) {
    return {number,
            kNone,  // ROLE
            "unreachable",
            "no",
            kNone,  // NEXT_OFFSET
            kNone,  // HIGH_WATERMARK
            kNone,  // LAG
            kNone,  // CREATED
            kNone,  // TAKEN
            kNone,  // REJECTED
            kNone,  // DB_RTT
            OnOneLine(OrNone(partition.error())),
            address};
  }

  const signup::admin::v1::WorkerStatus& worker = partition.worker();
  const signup::admin::v1::DecisionCounts& decisions = worker.decisions();
  return {
      number,
      EnumLabel(signup::admin::v1::Role_Name(worker.role()), "ROLE_",
                worker.role()),
      EnumLabel(signup::admin::v1::State_Name(worker.state()), "STATE_",
                worker.state()),
      worker.serving() ? "yes" : "no",
      KnownOrNone(worker.next_offset()),
      KnownOrNone(worker.high_watermark()),
      KnownOrNone(worker.lag()),
      absl::StrCat(decisions.created()),
      absl::StrCat(decisions.username_taken()),
      absl::StrCat(decisions.rejected()),
      worker.database().reachable()
          ? FormatRoundTrip(worker.database().round_trip())
          : "down",
      FormatLastError(worker),
      address,
  };
}

std::string FormatTotalLine(const signup::v1::ClusterStatus& cluster) {
  std::vector<int32_t> unknown_lag;
  for (const signup::v1::PartitionStatus& partition : cluster.partitions()) {
    if (!partition.reachable() || partition.worker().lag() < 0) {
      unknown_lag.push_back(partition.partition());
    }
  }

  std::string line = absl::StrCat("total lag ", cluster.total_lag());
  if (!unknown_lag.empty()) {
    absl::StrAppend(&line, " (lag of partition",
                    unknown_lag.size() == 1 ? " " : "s ",
                    absl::StrJoin(unknown_lag, ", "), " unknown)");
  }
  absl::StrAppend(&line, ", ", cluster.serving_partitions(), " of ",
                  cluster.partitions_size(), " partition",
                  cluster.partitions_size() == 1 ? "" : "s", " serving");
  return line;
}

}  // namespace

std::string FormatCheckText(const signup::v1::CheckUsernameResponse& response) {
  const std::string username = OrNone(response.username());
  if (response.valid()) {
    return absl::StrCat(
        username, " ", response.available() ? kAvailableMark : kNotAvailableMark,
        response.available() ? " available" : " taken", " (partition ",
        response.partition(), ")");
  }

  std::string line = absl::StrCat(username, " ", kNotAvailableMark);
  const std::string& reason = response.invalid_reason();
  const std::string message = OnOneLine(response.message());
  if (!reason.empty() && !message.empty()) {
    absl::StrAppend(&line, " ", reason, ": ", message);
  } else if (!reason.empty() || !message.empty()) {
    absl::StrAppend(&line, " ", reason, message);
  }
  return line;
}

std::string FormatAccountText(const signup::admin::v1::Account& account) {
  const std::string created_at =
      account.has_created_at() ? FormatTimestamp(account.created_at()) : kNone;
  return absl::StrCat(OrNone(account.account_id()), " ",
                      OrNone(account.username()), " ",
                      OrNone(account.display_name()), " ", created_at, " ",
                      OrNone(account.request_id()), " ",
                      account.request_partition(), ":",
                      account.request_offset());
}

std::string FormatNoAccountText(std::string_view username) {
  return absl::StrCat(ToAbsl(username), ": no account");
}

std::string FormatLookupInvalidText(std::string_view username,
                                    const absl::Status& status) {
  return absl::StrCat(ToAbsl(username), " ", kNotAvailableMark, " ",
                      OnOneLine(std::string(status.message())));
}

std::vector<std::string> FormatClusterStatusText(
    const signup::v1::ClusterStatus& cluster) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"PARTITION", "ROLE", "STATE", "SERVING", "NEXT_OFFSET",
                  "HIGH_WATERMARK", "LAG", "CREATED", "TAKEN", "REJECTED",
                  "DB_RTT", "LAST_ERROR", "ADDRESS"});
  for (const signup::v1::PartitionStatus& partition : cluster.partitions()) {
    rows.push_back(PartitionRow(partition));
  }

  // PARTITION, the offsets, the counts and DB_RTT are numbers, aligned right.
  const std::vector<bool> right_aligned = {true,  false, false, false, true,
                                           true,  true,  true,  true,  true,
                                           true,  false, false};
  std::vector<std::string> lines = FormatTextTable(rows, right_aligned);
  lines.push_back(FormatTotalLine(cluster));
  return lines;
}

}  // namespace signup::ctl
