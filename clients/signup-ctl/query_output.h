// Text formatting of the responses of check, lookup and status. Every function
// here is pure, so unit tests can check its text without a gateway. The JSON
// forms come from FormatMessageJson and FormatStatusJson in output.h.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_QUERY_OUTPUT_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_QUERY_OUTPUT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "signup/admin/v1/admin.pb.h"
#include "signup/v1/signup.pb.h"

namespace signup::ctl {

// Formats a CheckUsername response as one line without the '\n':
//   "<username> ✅ available (partition <p>)" for a valid, free name,
//   "<username> ❌ taken (partition <p>)" for a valid name an account holds,
//   "<username> ❌ <invalid_reason>: <message>" for an invalid name.
// <username> is the canonical form, or "-" when the response has none, as for
// an invalid name. An invalid name without a reason or message prints only
// the part it has, and control characters in the message become spaces.
std::string FormatCheckText(const signup::v1::CheckUsernameResponse& response);

// Formats an account as one line without the '\n':
//   "<account_id> <username> <display_name> <created_at> <request_id>
//    <request_partition>:<request_offset>"
// created_at is RFC 3339 in UTC with as many fractional digits as it needs,
// such as "2026-01-01T00:00:00.5Z". An empty or unset field prints as "-".
std::string FormatAccountText(const signup::admin::v1::Account& account);

// Formats the output of a lookup that found no account as
// "<username>: no account".
std::string FormatNoAccountText(std::string_view username);

// Formats a lookup of a name that the gateway rejected with
// INVALID_ARGUMENT as "<username> ❌ <message>", where the message of a
// status from StatusFromGrpc starts with the BadRequest reason:
// "bob! ❌ DISALLOWED_CHARACTER: ...".
std::string FormatLookupInvalidText(std::string_view username,
                                    const absl::Status& status);

// Formats a cluster status as an aligned table without '\n's: a header line,
// one line per partition in the order given, and a total line.
//
// Columns: PARTITION ROLE STATE SERVING NEXT_OFFSET HIGH_WATERMARK LAG
// CREATED TAKEN REJECTED DB_RTT LAST_ERROR ADDRESS. ROLE and STATE are the
// enum value names without their ROLE_ or STATE_ prefix, in lower case, or
// the number of a value this build does not know. SERVING is yes or no. An
// offset, watermark or lag of -1 (unknown) prints as "-". DB_RTT is the
// database round trip, such as "1.2ms", or "down" when the database did not
// answer. LAST_ERROR is the worker's last error as "<operation>: <message>";
// without one, a database error as "database: <error>"; otherwise "-".
// An unreachable worker shows STATE "unreachable", SERVING "no", the
// gateway's error in LAST_ERROR and "-" in the other worker columns.
//
// The total line reads "total lag <total_lag>, <serving_partitions> of <n>
// partitions serving", with "(lag of partitions 1, 3 unknown)" after the
// lag when some partitions are unreachable or report a lag of -1, because
// the total then leaves them out.
std::vector<std::string> FormatClusterStatusText(
    const signup::v1::ClusterStatus& cluster);

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_QUERY_OUTPUT_H_
