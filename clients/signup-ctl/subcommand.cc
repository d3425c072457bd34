#include "clients/signup-ctl/subcommand.h"

#include <array>
#include <utility>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/unicode_text.h"

namespace signup::ctl {
namespace {

constexpr std::array<std::pair<std::string_view, Subcommand>, 5> kSubcommands = {{
    {"signup", Subcommand::kSignup},
    {"watch", Subcommand::kWatch},
    {"check", Subcommand::kCheck},
    {"lookup", Subcommand::kLookup},
    {"status", Subcommand::kStatus},
}};

// Returns the usage line of `subcommand`, such as "signup-ctl check NAME".
std::string UsageLine(Subcommand subcommand) {
  switch (subcommand) {
    case Subcommand::kSignup:
      return "signup-ctl signup < usernames.txt";
    case Subcommand::kWatch:
      return "signup-ctl watch [--from-beginning]";
    case Subcommand::kCheck:
      return "signup-ctl check NAME";
    case Subcommand::kLookup:
      return "signup-ctl lookup NAME";
    case Subcommand::kStatus:
      return "signup-ctl status";
  }
  return "signup-ctl --help";
}

// Returns the error for `argument`, which follows everything `subcommand`
// takes.
absl::Status ExtraArgumentError(Subcommand subcommand,
                                const std::string& argument) {
  const std::string name(SubcommandName(subcommand));
  std::string fix;
  switch (subcommand) {
    case Subcommand::kSignup:
      fix = "signup reads usernames from standard input, one per line, so "
            "pipe them in";
      break;
    case Subcommand::kCheck:
    case Subcommand::kLookup:
      fix = absl::StrCat(name, " takes exactly one username, so run it once "
                         "per name");
      break;
    case Subcommand::kWatch:
    case Subcommand::kStatus:
      fix = absl::StrCat(name, " takes no arguments");
      break;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unexpected argument ", signup::QuoteForMessage(argument),
                   " after ", name, ": ", fix, ". Usage: ",
                   UsageLine(subcommand)));
}

}  // namespace

std::string_view SubcommandName(Subcommand subcommand) {
  for (const auto& [name, value] : kSubcommands) {
    if (value == subcommand) return name;
  }
  return "unknown";
}

absl::StatusOr<Invocation> ParseInvocation(
    const std::vector<std::string>& arguments, bool from_beginning) {
  Invocation invocation;
  invocation.from_beginning = from_beginning;
  if (arguments.empty()) {
    if (from_beginning) {
      return absl::InvalidArgumentError(
          "--from-beginning applies only to the watch subcommand: run "
          "signup-ctl watch --from-beginning");
    }
    return invocation;
  }

  const std::string& name = arguments[0];
  bool known = false;
  for (const auto& [candidate, value] : kSubcommands) {
    if (name == candidate) {
      invocation.subcommand = value;
      known = true;
      break;
    }
  }
  if (!known) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown subcommand ", signup::QuoteForMessage(name),
        ": use signup, watch, check, lookup or status. To claim usernames, "
        "pipe them to signup-ctl signup on standard input, one per line. See "
        "signup-ctl --help"));
  }

  if (from_beginning && invocation.subcommand != Subcommand::kWatch) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--from-beginning applies only to the watch subcommand, not to ", name,
        ": remove it or run signup-ctl watch --from-beginning"));
  }

  size_t next = 1;
  if (invocation.subcommand == Subcommand::kCheck ||
      invocation.subcommand == Subcommand::kLookup) {
    if (arguments.size() < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("missing NAME: ", name, " needs the username to ",
                       name == "check" ? "check" : "look up",
                       ". Usage: ", UsageLine(invocation.subcommand)));
    }
    if (arguments[1].empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid NAME \"\": the username is empty. Usage: ",
                       UsageLine(invocation.subcommand)));
    }
    const std::variant<std::u32string, signup::Utf8Error> decoded =
        signup::DecodeUtf8(arguments[1]);
    if (const auto* error = std::get_if<signup::Utf8Error>(&decoded)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid NAME ", signup::QuoteForMessage(arguments[1]), ": byte ",
          error->byte_offset,
          " starts an ill-formed UTF-8 sequence. Give the username as UTF-8 "
          "text"));
    }
    invocation.username = arguments[1];
    next = 2;
  }

  if (arguments.size() > next) {
    return ExtraArgumentError(invocation.subcommand, arguments[next]);
  }
  return invocation;
}

}  // namespace signup::ctl
