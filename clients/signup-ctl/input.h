// Reading usernames from the lines of signup-ctl's standard input.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_INPUT_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_INPUT_H_

#include <optional>
#include <string_view>

namespace signup::ctl {

// Returns the username on one input line, which std::getline delivered
// without its '\n'. Removes one trailing '\r', so that files with CRLF line
// ends work. Returns nullopt when the line is empty or contains only ASCII
// white space. White space around or inside a non-blank name is kept and
// sent, so the gateway rejects the name with INVALID_ARGUMENT and the error
// shows the line as it was typed.
std::optional<std::string_view> UsernameFromLine(std::string_view line);

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_INPUT_H_
