// The JSON form of a log line (--log-format=json), built from a message of
// the form this project logs: a sentence saying what happened, then
// key=value pairs, as in
//   committing a batch failed, retrying in 200ms partition=0 error="timed out"
// which becomes
//   {"time":"...","level":"warning","program":"signup-worker",
//    "message":"committing a batch failed, retrying in 200ms",
//    "partition":"0","error":"timed out"}
// (one line in the output). These functions are pure, so logging.cc can
// install them in an spdlog formatter and the tests can call them directly.
#ifndef SIGNUP_SERVICES_COMMON_LOG_LINE_H_
#define SIGNUP_SERVICES_COMMON_LOG_LINE_H_

#include <string>
#include <string_view>
#include <vector>

namespace signup {

// One key=value pair from the end of a log message.
struct LogField {
  // Matches [a-z0-9_]+.
  std::string key;
  // The value with its quotes removed and its escapes resolved.
  std::string value;

  bool operator==(const LogField&) const = default;
};

// A log message split into its leading sentence and its trailing pairs.
struct LogMessageParts {
  // The text before the first pair, without the spaces that separate it
  // from the pairs. The whole message when it ends in no pairs.
  std::string sentence;
  // The pairs in the order of the message. Keys may repeat.
  std::vector<LogField> fields;
};

// Splits `message` into a sentence and the longest run of key=value pairs
// at its end. The rules, on bytes, with a space meaning U+0020 only:
//  - A pair starts at the beginning of the message or after a space, and is
//    a key of [a-z0-9_]+, then `=`, then a value. Pairs are separated by one
//    or more spaces, and spaces after the last pair are ignored.
//  - A value that does not start with `"` is bare: it runs to the next space
//    or the end, and may be empty or contain `=` and `"`.
//  - A value that starts with `"` is quoted. Inside it `\"` stands for `"`
//    and `\\` for `\`, and any other backslash is kept as is. It ends at the
//    first `"` that is not escaped and is followed either by spaces up to
//    the end of the message, or by spaces and another `key=`. Any other `"`
//    is part of the value, because call sites format error messages into
//    `error="{}"` without escaping the quotes those messages contain.
//  - When the message does not end in pairs under these rules, `sentence`
//    is the whole message, unchanged, and `fields` is empty. So a `=` inside
//    the sentence stays there, as in "lost partition=0, waiting error=...".
// Bytes that are not valid UTF-8 are passed through unchanged. Runs in time
// linear in the size of `message`.
LogMessageParts SplitLogFields(std::string_view message);

// Returns one JSON object, without a line break, with the string members
// "time", "level", "program" and "message" in that order, then one member
// per pair of SplitLogFields(message). "message" contains the sentence.
//  - Every value is a JSON string, numbers included.
//  - A pair whose key is time, level, program or message gets the key
//    field_<key>. A key that is already in the object (after that renaming)
//    gets the first free suffix _2, _3, ...: `a=1 a=2` becomes "a":"1",
//    "a_2":"2". So no key repeats and no value is dropped.
//  - Strings are escaped as JSON requires: `"` and `\` get a backslash, and
//    the control characters U+0000 to U+001F, U+007F and U+0080 to U+009F
//    become \b, \t, \n, \f, \r or \u00XX. Valid UTF-8 is kept as is, and
//    each maximal ill-formed UTF-8 subsequence becomes U+FFFD.
// `time`, `level` and `program` are written as given, escaped the same way.
std::string FormatJsonLogLine(std::string_view time, std::string_view level,
                              std::string_view program, std::string_view message);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_LOG_LINE_H_
