// signup-ctl: the console client of the gateway's SignupService. It claims
// usernames read from standard input, watches decisions, checks and looks up
// single names, and shows the status of every partition's worker.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/signup-ctl/commands.h"
#include "clients/signup-ctl/console.h"
#include "clients/signup-ctl/dispatcher.h"
#include "clients/signup-ctl/subcommand.h"
#include "clients/signup-ctl/watch.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "services/common/env_flags.h"
#include "services/common/shutdown_signal.h"
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
          "Print one JSON object per line, in protobuf's JSON mapping with "
          "the .proto field names, instead of text. See the formats above. "
          "Environment variable: SIGNUP_JSON.");
ABSL_FLAG(int32_t, max_in_flight, 32,
          "signup only: maximum number of Signup calls in flight at once, "
          "from 1 to 1024. Environment variable: SIGNUP_MAX_IN_FLIGHT.");
ABSL_FLAG(double, deadline, 30,
          "Deadline of each call, in seconds from the moment the call is "
          "sent; must be positive. For watch it bounds only connecting to the "
          "gateway. Environment variable: SIGNUP_DEADLINE.");
ABSL_FLAG(bool, from_beginning, false,
          "watch only: start with every decision still kept in "
          "account.signup_response instead of the decisions published from "
          "now on. No environment variable.");

namespace {

constexpr char kUsage[] =
    "Claims, checks and looks up usernames through the Distributed Signup\n"
    "gateway, and shows the status of every partition's worker.\n"
    "\n"
    "Usage: signup-ctl [FLAGS] signup < usernames.txt\n"
    "       signup-ctl [FLAGS] watch [--from-beginning]\n"
    "       signup-ctl [FLAGS] check NAME\n"
    "       signup-ctl [FLAGS] lookup NAME\n"
    "       signup-ctl [FLAGS] status\n"
    "\n"
    "FLAGS are --gateway=HOST:PORT, --json, --deadline=SECONDS and, for\n"
    "signup, --max-in-flight=N; they may also follow the subcommand. Without\n"
    "a subcommand signup-ctl runs signup, as it did before subcommands\n"
    "existed. A NAME that starts with '-' must follow \"--\", as in\n"
    "signup-ctl check -- -bob.\n"
    "\n"
    "signup\n"
    "  Reads one username per line from standard input, from a terminal or\n"
    "  a pipe. A trailing carriage return is removed and blank lines are\n"
    "  skipped. Each name is sent as soon as Kafka accepted the previous one,\n"
    "  so claims of the same name are decided in input order. Each decision\n"
    "  is printed as it arrives:\n"
    "\n"
    "    PARTITION:OFFSET REQUEST_ID USERNAME ✅          account created\n"
    "    PARTITION:OFFSET REQUEST_ID USERNAME ❌          username taken\n"
    "    PARTITION:OFFSET REQUEST_ID USERNAME ❌ REASON   request rejected\n"
    "    - - USERNAME ❌ REASON: MESSAGE                 invalid username\n"
    "\n"
    "  A retry that repeated an earlier request's id and username gets that\n"
    "  request's decision, and the line ends with \"replay of PARTITION:OFFSET\",\n"
    "  the earlier request's place.\n"
    "\n"
    "  USERNAME is the canonical form the gateway decided on. An invalid\n"
    "  username never reaches Kafka; REASON is the gateway's machine-readable\n"
    "  reason, such as TOO_LONG or MIXED_SCRIPT.\n"
    "\n"
    "watch\n"
    "  Prints every decision of every partition as the gateway publishes it,\n"
    "  in the line format of signup, until interrupted (Ctrl-C, SIGINT or\n"
    "  SIGTERM) or until the gateway ends the stream. --from-beginning starts\n"
    "  with every decision still kept in account.signup_response. The stream\n"
    "  has no deadline; --deadline bounds connecting to the gateway.\n"
    "\n"
    "check NAME\n"
    "  Tells whether NAME is valid and whether an account holds it now, as\n"
    "  the worker of its partition sees it. A Signup that follows can still\n"
    "  find the name taken.\n"
    "\n"
    "    USERNAME ✅ available (partition P)\n"
    "    USERNAME ❌ taken (partition P)\n"
    "    - ❌ REASON: MESSAGE                 invalid name\n"
    "\n"
    "  USERNAME is the canonical form of NAME and P the partition that owns\n"
    "  it.\n"
    "\n"
    "lookup NAME\n"
    "  Prints the account that holds NAME on one line:\n"
    "\n"
    "    ACCOUNT_ID USERNAME DISPLAY_NAME CREATED_AT REQUEST_ID PARTITION:OFFSET\n"
    "    NAME: no account                    no account holds NAME\n"
    "    NAME ❌ REASON: MESSAGE              invalid name\n"
    "\n"
    "  CREATED_AT is RFC 3339 in UTC. REQUEST_ID and PARTITION:OFFSET locate\n"
    "  the request that created the account in account.signup_request.\n"
    "\n"
    "status\n"
    "  Prints a table with one row per partition: PARTITION ROLE STATE\n"
    "  SERVING NEXT_OFFSET HIGH_WATERMARK LAG CREATED TAKEN REJECTED DB_RTT\n"
    "  LAST_ERROR ADDRESS, then a line with the total lag and the number of\n"
    "  serving partitions. CREATED, TAKEN and REJECTED count the decisions of\n"
    "  each worker since it started. \"-\" marks an unknown value. A worker\n"
    "  the gateway cannot reach shows STATE unreachable and the error in\n"
    "  LAST_ERROR.\n"
    "\n"
    "With --json every subcommand prints one JSON object per line, in\n"
    "protobuf's JSON mapping with the .proto field names: signup and watch a\n"
    "signup.v1.Decision, check a signup.v1.CheckUsernameResponse, lookup a\n"
    "signup.admin.v1.Account and status a signup.v1.ClusterStatus. An invalid\n"
    "name in signup or lookup, and a lookup without an account, print\n"
    "{\"username\", \"outcome\": \"INVALID_ARGUMENT\" or \"NOT_FOUND\", \"reason\"}.\n"
    "\n"
    "A failed call prints \"ERROR SUBJECT: CODE: MESSAGE\" to standard error,\n"
    "where SUBJECT is the username, WatchSignups or GetClusterStatus.\n"
    "\n"
    "Exit status:\n"
    "  0  success: every signup call ended with a decision (a taken or\n"
    "     invalid name is a decision); watch was interrupted or the gateway\n"
    "     ended its stream; check or status got a response, whatever it says;\n"
    "     lookup found the account.\n"
    "  1  a call or the watch stream failed, a decision or response could\n"
    "     not be printed, standard input could not be read, or a command-line\n"
    "     flag is unknown or does not parse.\n"
    "  2  the subcommand is unknown, NAME is missing, empty or not UTF-8, an\n"
    "     argument is extra, --from-beginning is given to another subcommand\n"
    "     than watch, a value is out of range, or an environment variable\n"
    "     does not parse.\n"
    "  3  lookup: no account holds NAME, or NAME is invalid.\n"
    "\n"
    "--from-beginning has no environment variable. Every other flag has the\n"
    "one named in its description.";

// Returns --deadline, or INVALID_ARGUMENT naming the value when it is not
// positive.
absl::StatusOr<absl::Duration> DeadlineFromFlags() {
  const double deadline_seconds = absl::GetFlag(FLAGS_deadline);
  if (!(deadline_seconds > 0) || std::isnan(deadline_seconds)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid --deadline=", deadline_seconds,
                     ": it must be a positive number of seconds"));
  }
  // absl::Seconds saturates to an infinite duration for huge values, which
  // the calls treat as no deadline.
  return absl::Seconds(deadline_seconds);
}

// Reads and checks the flags of signup. Returns INVALID_ARGUMENT naming the
// flag when a value is out of range.
absl::StatusOr<signup::ctl::DispatcherOptions> DispatcherOptionsFromFlags(
    absl::Duration deadline) {
  signup::ctl::DispatcherOptions options;

  const int32_t max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  if (max_in_flight < 1 || max_in_flight > kMaxInFlightLimit) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid --max_in_flight=", max_in_flight,
                     ": it must be from 1 to ", kMaxInFlightLimit));
  }
  options.max_in_flight = max_in_flight;
  options.deadline = deadline;
  options.json = absl::GetFlag(FLAGS_json);
  return options;
}

int PrintUsageError(const absl::Status& status) {
  std::fprintf(stderr, "signup-ctl: %s\n", std::string(status.message()).c_str());
  return signup::ctl::kExitUsage;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<char*> arguments = signup::ParseFlagsWithEnvironment(
      argc, argv, kUsage, {"gateway", "json", "max_in_flight", "deadline"});
  const std::vector<std::string> positional(arguments.begin() + 1,
                                            arguments.end());

  const absl::StatusOr<signup::ctl::Invocation> invocation =
      signup::ctl::ParseInvocation(positional,
                                   absl::GetFlag(FLAGS_from_beginning));
  if (!invocation.ok()) return PrintUsageError(invocation.status());

  const absl::StatusOr<absl::Duration> deadline = DeadlineFromFlags();
  if (!deadline.ok()) return PrintUsageError(deadline.status());

  const std::string gateway = absl::GetFlag(FLAGS_gateway);
  if (gateway.empty()) {
    std::fprintf(stderr,
                 "signup-ctl: invalid --gateway: the address is empty. Give "
                 "HOST:PORT such as 127.0.0.1:50051.\n");
    return signup::ctl::kExitUsage;
  }

  absl::StatusOr<signup::ctl::DispatcherOptions> dispatcher_options;
  if (invocation->subcommand == signup::ctl::Subcommand::kSignup) {
    dispatcher_options = DispatcherOptionsFromFlags(*deadline);
    if (!dispatcher_options.ok()) {
      return PrintUsageError(dispatcher_options.status());
    }
  }

  if (invocation->subcommand == signup::ctl::Subcommand::kWatch) {
    // Before gRPC starts its threads, so that SIGINT and SIGTERM reach only
    // the watch's InterruptListener, which ends the stream cleanly.
    signup::BlockShutdownSignals();
  }

  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(gateway, grpc::InsecureChannelCredentials());
  std::unique_ptr<signup::v1::SignupService::Stub> stub =
      signup::v1::SignupService::NewStub(channel);
  signup::ctl::Console console(std::cout, std::cerr);

  signup::ctl::QueryOptions query_options;
  query_options.deadline = *deadline;
  query_options.json = absl::GetFlag(FLAGS_json);

  switch (invocation->subcommand) {
    case signup::ctl::Subcommand::kSignup:
      // By default reading std::cin flushes std::cout, which the workers
      // write under the Console's mutex. The Console flushes every line
      // itself.
      std::cin.tie(nullptr);
      return signup::ctl::RunSignupCommand(*stub, console, std::cin,
                                           *dispatcher_options);
    case signup::ctl::Subcommand::kWatch: {
      signup::ctl::WatchOptions watch_options;
      watch_options.from_beginning = invocation->from_beginning;
      watch_options.json = query_options.json;
      watch_options.connect_timeout = *deadline;
      watch_options.gateway = gateway;
      return signup::ctl::RunWatchCommand(channel, console, watch_options);
    }
    case signup::ctl::Subcommand::kCheck:
      return signup::ctl::RunCheckCommand(*stub, console, invocation->username,
                                          query_options);
    case signup::ctl::Subcommand::kLookup:
      return signup::ctl::RunLookupCommand(*stub, console, invocation->username,
                                           query_options);
    case signup::ctl::Subcommand::kStatus:
      return signup::ctl::RunStatusCommand(*stub, console, query_options);
  }
  return signup::ctl::kExitFailed;
}
