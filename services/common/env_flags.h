// Environment variables as a second source of command-line flags.
//
// Every binary of Distributed Signup reads each of its flags from the
// environment as well, so that a container can be configured without a
// command line. The variable of flag `--request-topic` is
// `SIGNUP_REQUEST_TOPIC`: the prefix `SIGNUP_`, then the flag name in upper
// case with `-` and `.` replaced by `_`. A flag given on the command line
// wins over its variable. Flags are defined with underscores, as Abseil
// requires, and accepted with hyphens too: `--request-topic` and
// `--request_topic` set the same flag.
//
//   int main(int argc, char** argv) {
//     std::vector<char*> args = signup::ParseFlagsWithEnvironment(
//         argc, argv, "Usage: signup-worker --partition=N ...",
//         {"partition", "database", "brokers"});
//   }
#ifndef SIGNUP_SERVICES_COMMON_ENV_FLAGS_H_
#define SIGNUP_SERVICES_COMMON_ENV_FLAGS_H_

#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"

namespace signup {

// Returns the environment variable that configures `flag_name`, for example
// "SIGNUP_REQUEST_TOPIC" for "request-topic".
std::string EnvironmentVariableForFlag(absl::string_view flag_name);

// Sets each flag in `flag_names` that has its environment variable set to
// the variable's value. Returns INVALID_ARGUMENT naming the variable and the
// value when a value does not parse, and INTERNAL when a name is not a
// registered flag (a programming error).
absl::Status ApplyEnvironmentToFlags(
    std::initializer_list<absl::string_view> flag_names);

// Sets `usage` as the program's usage message, applies the environment to
// `flag_names`, then parses the command line, which overrides the
// environment. Prints the error and exits with status 2 when a value is
// invalid; `--help` prints every flag and exits. Returns the positional
// arguments, starting with argv[0].
std::vector<char*> ParseFlagsWithEnvironment(
    int argc, char** argv, absl::string_view usage,
    std::initializer_list<absl::string_view> flag_names);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_ENV_FLAGS_H_
