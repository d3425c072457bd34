#include "services/common/env_flags.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace signup {

std::string EnvironmentVariableForFlag(absl::string_view flag_name) {
  std::string variable = absl::StrCat("SIGNUP_", flag_name);
  for (char& c : variable) {
    if (c == '-' || c == '.') c = '_';
  }
  return absl::AsciiStrToUpper(variable);
}

absl::Status ApplyEnvironmentToFlags(
    std::initializer_list<absl::string_view> flag_names) {
  for (absl::string_view name : flag_names) {
    absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) {
      return absl::InternalError(
          absl::StrCat("no flag named --", name, " is registered"));
    }
    const std::string variable = EnvironmentVariableForFlag(name);
    const char* value = std::getenv(variable.c_str());
    if (value == nullptr) continue;

    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid value \"", value, "\" in environment variable ",
                       variable, " (flag --", name, "): ", error));
    }
  }
  return absl::OkStatus();
}

std::vector<char*> ParseFlagsWithEnvironment(
    int argc, char** argv, absl::string_view usage,
    std::initializer_list<absl::string_view> flag_names) {
  absl::SetProgramUsageMessage(absl::StrCat(
      usage,
      "\n\nFlags may be written with hyphens or underscores (--log-level or "
      "--log_level). Each one can also be set by the SIGNUP_ environment "
      "variable named in its help; the command line wins."));

  // By default --help lists only flags defined in a file named after the
  // program. Ours are defined in main.cc files and in this project's shared
  // code, so list every flag whose file is part of this repository.
  absl::FlagsUsageConfig config;
  config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "services/") ||
           absl::StrContains(file, "clients/");
  };
  config.contains_helpshort_flags = config.contains_help_flags;
  absl::SetFlagsUsageConfig(config);

  if (absl::Status status = ApplyEnvironmentToFlags(flag_names); !status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    std::exit(2);
  }
  // Abseil names flags with underscores; accept the hyphenated spelling
  // that most command-line tools use as well. The rewritten arguments must
  // outlive the returned pointers, so they live for the whole process.
  static std::vector<std::string>* arguments = new std::vector<std::string>();
  static std::vector<char*>* pointers = new std::vector<char*>();
  bool after_terminator = false;
  for (int i = 0; i < argc; ++i) {
    std::string argument = argv[i];
    if (argument == "--") after_terminator = true;
    if (!after_terminator && i > 0 && absl::StartsWith(argument, "--")) {
      const size_t end = std::min(argument.find('='), argument.size());
      std::replace(argument.begin() + 2, argument.begin() + end, '-', '_');
    }
    arguments->push_back(std::move(argument));
  }
  for (std::string& argument : *arguments) pointers->push_back(argument.data());
  return absl::ParseCommandLine(argc, pointers->data());
}

}  // namespace signup
