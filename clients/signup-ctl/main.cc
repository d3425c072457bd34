// signup-ctl: claims each username read from standard input through the
// gateway's SignupService and prints every decision as it arrives.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/signup-ctl/console.h"
#include "clients/signup-ctl/dispatcher.h"
#include "clients/signup-ctl/input.h"
#include "clients/signup-ctl/output.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/common/env_flags.h"
#include "signup/v1/signup.grpc.pb.h"

// Each in-flight call occupies one thread, so the limit keeps a mistyped
// value from starting thousands of threads.
constexpr int32_t kMaxInFlightLimit = 1024;

ABSL_FLAG(std::string, gateway, "127.0.0.1:50051",
          "Address HOST:PORT of the gateway that serves "
          "signup.v1.SignupService. The connection uses insecure channel "
          "credentials: no TLS and no authentication. "
          "Environment variable: SIGNUP_GATEWAY.");
ABSL_FLAG(bool, json, false,
          "Print each decision as one JSON object per line, in protobuf's "
          "JSON mapping of signup.v1.Decision with the .proto field names, "
          "instead of a text line. Environment variable: SIGNUP_JSON.");
ABSL_FLAG(int32_t, max_in_flight, 32,
          "Maximum number of Signup calls in flight at once, from 1 to 1024. "
          "Environment variable: SIGNUP_MAX_IN_FLIGHT.");
ABSL_FLAG(double, deadline, 30,
          "Deadline of each Signup call, in seconds from the moment the call "
          "is sent; must be positive. Environment variable: SIGNUP_DEADLINE.");

namespace {

constexpr char kUsage[] =
    "Claims usernames through the Distributed Signup gateway.\n"
    "\n"
    "Usage: signup-ctl [--gateway=HOST:PORT] [--json] [--max-in-flight=N]\n"
    "                  [--deadline=SECONDS] < usernames.txt\n"
    "\n"
    "Reads one username per line from standard input, from a terminal or a\n"
    "pipe. A trailing carriage return is removed and blank lines are\n"
    "skipped. Each name is sent as soon as Kafka accepted the previous one,\n"
    "so claims of the same name are decided in input order. Each decision is\n"
    "printed as it arrives:\n"
    "\n"
    "  PARTITION:OFFSET REQUEST_ID USERNAME ✅          account created\n"
    "  PARTITION:OFFSET REQUEST_ID USERNAME ❌          username taken\n"
    "  PARTITION:OFFSET REQUEST_ID USERNAME ❌ REASON   request rejected\n"
    "  - - USERNAME ❌ REASON: MESSAGE                 invalid username\n"
    "\n"
    "USERNAME is the canonical form the gateway decided on. An invalid\n"
    "username never reaches Kafka; REASON is the gateway's machine-readable\n"
    "reason, such as TOO_LONG or MIXED_SCRIPT.\n"
    "\n"
    "A failed call prints \"ERROR USERNAME: CODE: MESSAGE\" to standard\n"
    "error. Exit status: 0 when every call ended with a decision (a taken\n"
    "or invalid name is a decision). 1 when a call failed, standard input could not be\n"
    "read, or a command-line flag is unknown or does not parse. 2 when an\n"
    "environment variable does not parse, a value is out of range, or a\n"
    "positional argument is given.\n"
    "\n"
    "Flag names may be written with '-' or '_'. Every flag can also be set\n"
    "by the environment variable named in its description. A flag on the\n"
    "command line wins over its variable.";

// Reads and checks the flags. Returns INVALID_ARGUMENT naming the flag when
// a value is out of range.
absl::StatusOr<signup::ctl::DispatcherOptions> DispatcherOptionsFromFlags() {
  signup::ctl::DispatcherOptions options;

  const int32_t max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  if (max_in_flight < 1 || max_in_flight > kMaxInFlightLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid --max_in_flight=", max_in_flight,
                     ": it must be from 1 to ", kMaxInFlightLimit));
  }
  options.max_in_flight = max_in_flight;

  const double deadline_seconds = absl::GetFlag(FLAGS_deadline);
  if (!(deadline_seconds > 0) || std::isnan(deadline_seconds)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid --deadline=", deadline_seconds,
                     ": it must be a positive number of seconds"));
  }
  // absl::Seconds saturates to an infinite duration for huge values, which
  // the call treats as no deadline.
  options.deadline = absl::Seconds(deadline_seconds);

  options.json = absl::GetFlag(FLAGS_json);
  return options;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<char*> arguments = signup::ParseFlagsWithEnvironment(
      argc, argv, kUsage, {"gateway", "json", "max_in_flight", "deadline"});
  if (arguments.size() > 1) {
    std::fprintf(stderr,
                 "signup-ctl: unexpected argument \"%s\": usernames are read "
                 "from standard input, one per line. See --help.\n",
                 arguments[1]);
    return 2;
  }

  const absl::StatusOr<signup::ctl::DispatcherOptions> options =
      DispatcherOptionsFromFlags();
  if (!options.ok()) {
    std::fprintf(stderr, "signup-ctl: %s\n",
                 std::string(options.status().message()).c_str());
    return 2;
  }

  const std::string gateway = absl::GetFlag(FLAGS_gateway);
  if (gateway.empty()) {
    std::fprintf(stderr,
                 "signup-ctl: invalid --gateway: the address is empty. Give "
                 "HOST:PORT such as 127.0.0.1:50051.\n");
    return 2;
  }

  // By default reading std::cin flushes std::cout, which the workers write
  // under the Console's mutex. The Console flushes every line itself.
  std::cin.tie(nullptr);

  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(gateway, grpc::InsecureChannelCredentials());
  std::unique_ptr<signup::v1::SignupService::Stub> stub =
      signup::v1::SignupService::NewStub(channel);
  signup::ctl::Console console(std::cout, std::cerr);

  bool failed = false;
  {
    signup::ctl::SignupDispatcher dispatcher(*stub, console, *options);

    std::string line;
    while (std::getline(std::cin, line)) {
      const std::optional<std::string_view> username =
          signup::ctl::UsernameFromLine(line);
      if (!username.has_value()) continue;

      const absl::Status status = dispatcher.Submit(std::string(*username));
      if (!status.ok()) {
        console.PrintError(signup::ctl::FormatCallError(*username, status));
        failed = true;
        break;
      }
    }

    if (std::cin.bad()) {
      console.PrintError(
          "ERROR: reading standard input failed, so the lines after the last "
          "one sent were not claimed");
      failed = true;
    }
    if (dispatcher.Finish() > 0) failed = true;
  }

  return failed ? 1 : 0;
}
