#include "clients/signup-ctl/commands.h"

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/signup-ctl/input.h"
#include "clients/signup-ctl/interrupt.h"
#include "clients/signup-ctl/output.h"
#include "clients/signup-ctl/query_calls.h"
#include "clients/signup-ctl/query_output.h"

namespace signup::ctl {
namespace {

// Prints `lines` to the output stream. Returns kExitOk, or kExitFailed after
// reporting the failure under `subject` when the output cannot be written.
int PrintResult(Console& console, std::string_view subject,
                const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    if (!console.PrintOutput(line)) {
      console.PrintError(FormatCallError(
          subject, absl::AbortedError("writing to the output failed")));
      return kExitFailed;
    }
  }
  return kExitOk;
}

// Prints `message` as one JSON object, or the formatting error under
// `subject`.
int PrintJsonResult(Console& console, std::string_view subject,
                    const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = FormatMessageJson(message);
  if (!json.ok()) {
    console.PrintError(FormatCallError(subject, json.status()));
    return kExitFailed;
  }
  return PrintResult(console, subject, {*json});
}

}  // namespace

int RunSignupCommand(signup::v1::SignupService::StubInterface& stub,
                     Console& console, std::istream& input,
                     const DispatcherOptions& options) {
  bool failed = false;
  {
    SignupDispatcher dispatcher(stub, console, options);

    std::string line;
    while (std::getline(input, line)) {
      const std::optional<std::string_view> username = UsernameFromLine(line);
      if (!username.has_value()) continue;

      const absl::Status status = dispatcher.Submit(std::string(*username));
      if (!status.ok()) {
        console.PrintError(FormatCallError(*username, status));
        failed = true;
        break;
      }
    }

    if (input.bad()) {
      console.PrintError(
          "ERROR: reading standard input failed, so the lines after the last "
          "one sent were not claimed");
      failed = true;
    }
    if (dispatcher.Finish() > 0) failed = true;
  }

  return failed ? kExitFailed : kExitOk;
}

int RunWatchCommand(std::shared_ptr<grpc::Channel> channel, Console& console,
                    const WatchOptions& options) {
  SignupWatch watch(std::move(channel), console, options);
  absl::Status status;
  {
    InterruptListener listener([&watch] { watch.Cancel(); });
    status = watch.Run();
  }

  if (!status.ok()) {
    console.PrintError(FormatCallError("WatchSignups", status));
    return kExitFailed;
  }
  if (!watch.cancelled()) {
    console.PrintError(
        "signup-ctl: the gateway ended the WatchSignups stream, so the watch "
        "stopped");
  }
  return kExitOk;
}

int RunCheckCommand(signup::v1::SignupService::StubInterface& stub,
                    Console& console, const std::string& username,
                    const QueryOptions& options) {
  const absl::StatusOr<signup::v1::CheckUsernameResponse> response =
      CallCheckUsername(stub, username, options.deadline);
  if (!response.ok()) {
    console.PrintError(FormatCallError(username, response.status()));
    return kExitFailed;
  }

  if (options.json) return PrintJsonResult(console, username, *response);
  return PrintResult(console, username, {FormatCheckText(*response)});
}

int RunLookupCommand(signup::v1::SignupService::StubInterface& stub,
                     Console& console, const std::string& username,
                     const QueryOptions& options) {
  const absl::StatusOr<signup::admin::v1::Account> account =
      CallGetAccount(stub, username, options.deadline);
  if (account.ok()) {
    if (options.json) return PrintJsonResult(console, username, *account);
    return PrintResult(console, username, {FormatAccountText(*account)});
  }

  const absl::Status& status = account.status();
  if (!absl::IsNotFound(status) && !absl::IsInvalidArgument(status)) {
    console.PrintError(FormatCallError(username, status));
    return kExitFailed;
  }

  std::string line;
  if (options.json) {
    line = FormatStatusJson(username, status);
  } else if (absl::IsNotFound(status)) {
    line = FormatNoAccountText(username);
  } else {
    line = FormatLookupInvalidText(username, status);
  }
  const int printed = PrintResult(console, username, {line});
  return printed == kExitOk ? kExitNoAccount : printed;
}

int RunStatusCommand(signup::v1::SignupService::StubInterface& stub,
                     Console& console, const QueryOptions& options) {
  constexpr char kRpcName[] = "GetClusterStatus";
  const absl::StatusOr<signup::v1::ClusterStatus> cluster =
      CallGetClusterStatus(stub, options.deadline);
  if (!cluster.ok()) {
    console.PrintError(FormatCallError(kRpcName, cluster.status()));
    return kExitFailed;
  }

  if (options.json) return PrintJsonResult(console, kRpcName, *cluster);
  return PrintResult(console, kRpcName, FormatClusterStatusText(*cluster));
}

}  // namespace signup::ctl
