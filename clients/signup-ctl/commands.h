// The subcommands of signup-ctl, each run to completion and turned into the
// process's exit status. main parses the command line and calls one of them.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_COMMANDS_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_COMMANDS_H_

#include <istream>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "clients/signup-ctl/console.h"
#include "clients/signup-ctl/dispatcher.h"
#include "clients/signup-ctl/watch.h"
#include "grpcpp/channel.h"
#include "signup/v1/signup.grpc.pb.h"

namespace signup::ctl {

// Exit statuses of signup-ctl, as its --help documents them. Abseil's flag
// parser exits with 1 itself for an unknown flag or a value that does not
// parse.
inline constexpr int kExitOk = 0;
// A call failed, the output could not be written or standard input could
// not be read.
inline constexpr int kExitFailed = 1;
// The command line or an environment variable is invalid.
inline constexpr int kExitUsage = 2;
// lookup: no account holds the name, or the name is invalid.
inline constexpr int kExitNoAccount = 3;

// Settings of check, lookup and status.
struct QueryOptions {
  // Deadline of the call, counted from the moment it is sent. Infinite
  // means no deadline.
  absl::Duration deadline = absl::Seconds(30);
  // Print the response as one JSON object instead of text.
  bool json = false;
};

// signup: claims each username read from `input`, one per line, through a
// SignupDispatcher and prints each decision as it arrives. Returns kExitOk
// when every call ended with a decision (a taken or invalid name is a
// decision), otherwise kExitFailed.
int RunSignupCommand(signup::v1::SignupService::StubInterface& stub,
                     Console& console, std::istream& input,
                     const DispatcherOptions& options);

// watch: runs a SignupWatch until it ends, cancelling it when SIGINT or
// SIGTERM arrives. The caller must have blocked those signals in every
// thread (see InterruptListener). Returns kExitOk when interrupted, and also
// when the gateway ended the stream with OK, which is then reported on the
// error stream. Otherwise prints "ERROR WatchSignups: CODE: MESSAGE" and
// returns kExitFailed.
int RunWatchCommand(std::shared_ptr<grpc::Channel> channel, Console& console,
                    const WatchOptions& options);

// check: calls CheckUsername for `username` and prints the response with
// FormatCheckText or as a CheckUsernameResponse in JSON. Returns kExitOk
// whenever the call returned a response, even for a taken or invalid name. A
// failed call prints "ERROR USERNAME: CODE: MESSAGE" to the error stream and
// returns kExitFailed.
int RunCheckCommand(signup::v1::SignupService::StubInterface& stub,
                    Console& console, const std::string& username,
                    const QueryOptions& options);

// lookup: calls GetAccount for `username` and prints the account with
// FormatAccountText or as a signup.admin.v1.Account in JSON, returning
// kExitOk. NOT_FOUND prints FormatNoAccountText and INVALID_ARGUMENT prints
// FormatLookupInvalidText (with --json: FormatStatusJson for both), and both
// return kExitNoAccount. Any other failure prints "ERROR USERNAME: CODE:
// MESSAGE" to the error stream and returns kExitFailed.
int RunLookupCommand(signup::v1::SignupService::StubInterface& stub,
                     Console& console, const std::string& username,
                     const QueryOptions& options);

// status: calls GetClusterStatus and prints FormatClusterStatusText or the
// ClusterStatus as one JSON object. Returns kExitOk when the call returned
// a response, even with unreachable workers. A failed call prints
// "ERROR GetClusterStatus: CODE: MESSAGE" and returns kExitFailed.
int RunStatusCommand(signup::v1::SignupService::StubInterface& stub,
                     Console& console, const QueryOptions& options);

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_COMMANDS_H_
