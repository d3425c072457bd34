// Parsing of signup-ctl's subcommand and its positional arguments.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_SUBCOMMAND_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_SUBCOMMAND_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace signup::ctl {

// The action of signup-ctl, named by the first positional argument.
enum class Subcommand {
  kSignup,  // claim the usernames read from standard input
  kWatch,   // print every decision as the gateway publishes it
  kCheck,   // tell whether a username is valid and free
  kLookup,  // print the account that holds a username
  kStatus,  // print the status of every partition's worker
};

// A parsed command line, without the flags that every subcommand shares.
struct Invocation {
  Subcommand subcommand = Subcommand::kSignup;
  // The NAME argument of check and lookup, as typed; empty for the others.
  std::string username;
  // For watch: start at the beginning of the response topic, not now.
  bool from_beginning = false;
};

// Returns the name of `subcommand` as typed on the command line, such as
// "lookup".
std::string_view SubcommandName(Subcommand subcommand);

// Parses the positional arguments that follow the program name, after the
// flags were removed. No argument at all selects signup, so that scripts
// written before subcommands existed keep working. check and lookup take
// exactly one NAME, which must be non-empty, well-formed UTF-8; signup,
// watch and status take none. `from_beginning` is the value of
// --from-beginning, which only watch accepts. Returns INVALID_ARGUMENT
// naming the offending value and the fix for an unknown subcommand, a
// missing, empty or ill-formed NAME, an extra argument, or --from-beginning
// with another subcommand.
absl::StatusOr<Invocation> ParseInvocation(
    const std::vector<std::string>& arguments, bool from_beginning);

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_SUBCOMMAND_H_
