// What an operator uses on a running system, for end-to-end tests: the
// grpcurl binary, an HTTP GET of a /metrics endpoint, and a reader of the
// Prometheus text format.
#ifndef SIGNUP_TESTS_SUPPORT_OPERATOR_TOOLS_H_
#define SIGNUP_TESTS_SUPPORT_OPERATOR_TOOLS_H_

#include <google/protobuf/message.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace signup::testing {

// The exit status and the combined stdout and stderr of a command.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// Runs `command` with /bin/sh and waits for it.
CommandResult RunCommand(const std::string& command);

// Calls `method` (such as "signup.admin.v1.WorkerAdmin/GetStatus") at
// `address` with grpcurl through server reflection, sending `json` as the
// request body. Arguments in `extra` come before the address, such as
// "-emit-defaults". grpcurl's path is $SIGNUP_TEST_GRPCURL.
CommandResult Grpcurl(const std::string& address, const std::string& method,
                      const std::string& json = "{}",
                      const std::vector<std::string>& extra = {});

// Parses grpcurl's JSON output into `message`; INVALID_ARGUMENT with the
// output when it does not parse.
absl::Status ParseJson(const std::string& json, google::protobuf::Message* message);

// Returns the body of GET http://127.0.0.1:`port``path`, or UNAVAILABLE.
absl::StatusOr<std::string> HttpGet(int port, const std::string& path);

// Returns the value of the sample whose name and labels are exactly
// `series`, as the text format writes them, such as
// `signup_worker_lag{partition="0"}`; nullopt when there is none.
std::optional<double> MetricValue(const std::string& exposition, const std::string& series);

}  // namespace signup::testing

#endif  // SIGNUP_TESTS_SUPPORT_OPERATOR_TOOLS_H_
