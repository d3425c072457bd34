#include "services/common/log_line.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "absl/strings/str_cat.h"

namespace signup {
namespace {

constexpr size_t kNone = std::string_view::npos;

bool IsKeyCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

size_t SkipSpaces(std::string_view text, size_t position) {
  while (position < text.size() && text[position] == ' ') ++position;
  return position;
}

// Whether `key=` starts at `position`.
bool StartsWithKey(std::string_view text, size_t position) {
  size_t end = position;
  while (end < text.size() && IsKeyCharacter(text[end])) ++end;
  return end > position && end < text.size() && text[end] == '=';
}

// Whether the `"` at `quote` ends a quoted value that started before it,
// under the rules of SplitLogFields. An odd number of backslashes before
// the quote escapes it. The backslashes cannot run past the opening quote,
// so the result does not depend on where the value started.
bool ClosesQuotedValue(std::string_view text, size_t quote) {
  size_t backslashes = 0;
  while (backslashes < quote && text[quote - 1 - backslashes] == '\\') ++backslashes;
  if (backslashes % 2 == 1) return false;

  const size_t after_quote = quote + 1;
  const size_t next = SkipSpaces(text, after_quote);
  if (next == text.size()) return true;
  return next > after_quote && StartsWithKey(text, next);
}

// Returns, for each position p from 0 to text.size(), the first position
// at or after p of a quote that ClosesQuotedValue, or kNone. Computing it
// once keeps SplitLogFields linear, because otherwise each candidate start
// of the pairs could scan to the end of the message for its closing quote.
std::vector<size_t> FindClosingQuotes(std::string_view text) {
  std::vector<size_t> closing(text.size() + 1, kNone);
  for (size_t p = text.size(); p-- > 0;) {
    const bool closes = text[p] == '"' && ClosesQuotedValue(text, p);
    closing[p] = closes ? p : closing[p + 1];
  }
  return closing;
}

// The bytes of one key=value pair in the message.
struct PairSpan {
  std::string_view key;
  // The value without its quotes, escapes not yet resolved.
  std::string_view raw_value;
  bool quoted = false;
  // Position after the value, which is a space or the end of the message.
  size_t end = 0;
};

// Parses the pair that starts at `begin`, or returns nullopt when none does.
std::optional<PairSpan> ParsePair(std::string_view text, size_t begin,
                                  const std::vector<size_t>& closing_quotes) {
  size_t key_end = begin;
  while (key_end < text.size() && IsKeyCharacter(text[key_end])) ++key_end;
  if (key_end == begin || key_end == text.size() || text[key_end] != '=') {
    return std::nullopt;
  }

  PairSpan pair;
  pair.key = text.substr(begin, key_end - begin);
  const size_t value_begin = key_end + 1;
  if (value_begin < text.size() && text[value_begin] == '"') {
    const size_t closing = closing_quotes[value_begin + 1];
    if (closing == kNone) return std::nullopt;
    pair.raw_value = text.substr(value_begin + 1, closing - value_begin - 1);
    pair.quoted = true;
    pair.end = closing + 1;
  } else {
    pair.end = std::min(text.find(' ', value_begin), text.size());
    pair.raw_value = text.substr(value_begin, pair.end - value_begin);
  }
  return pair;
}

bool StartsWord(std::string_view text, size_t position) {
  return text[position] != ' ' && (position == 0 || text[position - 1] == ' ');
}

std::string Unescape(std::string_view raw_value) {
  std::string value;
  value.reserve(raw_value.size());
  for (size_t i = 0; i < raw_value.size(); ++i) {
    const bool escape = raw_value[i] == '\\' && i + 1 < raw_value.size() &&
                        (raw_value[i + 1] == '"' || raw_value[i + 1] == '\\');
    if (escape) ++i;
    value.push_back(raw_value[i]);
  }
  return value;
}

// Appends `text` as a JSON string under the rules of FormatJsonLogLine.
// Written here because neither spdlog 1.10 nor fmt 9 writes JSON, and
// protobuf's JSON printer (3.21, on a google.protobuf.Struct) orders the
// members by hash and drops bytes that are not UTF-8.
void AppendJsonString(std::string_view text, std::string& out) {
  out.push_back('"');
  size_t i = 0;
  while (i < text.size()) {
    const size_t start = i;
    UChar32 c;
    // ICU advances `i` past one code point, or past the maximal ill-formed
    // subsequence with c < 0.
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, text.size(), c);
    if (c < 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
      absl::StrAppend(&out, "\\u", absl::Hex(c, absl::kZeroPad4));
    } else {
      out.append(text.data() + start, i - start);
    }
  }
  out.push_back('"');
}

void AppendJsonMember(std::string_view key, std::string_view value, std::string& out) {
  if (out.size() > 1) out.push_back(',');
  AppendJsonString(key, out);
  out.push_back(':');
  AppendJsonString(value, out);
}

// Returns the member name for a field with key `key` and records it in
// `used`. A key of one of the four fixed members becomes field_<key>, and a
// name already in `used` gets the first free suffix _2, _3, ... The map
// `next_suffix` stores the next suffix to try per name, so that many repeats
// of one key take linear time.
std::string ChooseJsonKey(const std::string& key, std::unordered_set<std::string>& used,
                          std::unordered_map<std::string, int>& next_suffix) {
  const bool fixed_member =
      key == "time" || key == "level" || key == "program" || key == "message";
  const std::string base = fixed_member ? absl::StrCat("field_", key) : key;
  if (used.insert(base).second) return base;

  int& suffix = next_suffix[base];
  if (suffix == 0) suffix = 2;
  while (true) {
    std::string candidate = absl::StrCat(base, "_", suffix++);
    if (used.insert(candidate).second) return candidate;
  }
}

}  // namespace

LogMessageParts SplitLogFields(std::string_view message) {
  const std::vector<size_t> closing_quotes = FindClosingQuotes(message);

  // tail_is_pairs[p]: message[p..] is only spaces and pairs, each pair
  // starting at p or after a space. Filled from the end, so that the pair
  // at p can look up the rest after it.
  const size_t size = message.size();
  std::vector<bool> tail_is_pairs(size + 1, false);
  tail_is_pairs[size] = true;
  for (size_t p = size; p-- > 0;) {
    if (message[p] == ' ') {
      tail_is_pairs[p] = tail_is_pairs[p + 1];
    } else if (StartsWord(message, p)) {
      const std::optional<PairSpan> pair = ParsePair(message, p, closing_quotes);
      tail_is_pairs[p] = pair.has_value() && tail_is_pairs[pair->end];
    }
  }

  size_t first_pair = kNone;
  for (size_t p = 0; p < size; ++p) {
    if (StartsWord(message, p) && tail_is_pairs[p]) {
      first_pair = p;
      break;
    }
  }
  LogMessageParts parts;
  if (first_pair == kNone) {
    parts.sentence = std::string(message);
    return parts;
  }

  size_t sentence_end = first_pair;
  while (sentence_end > 0 && message[sentence_end - 1] == ' ') --sentence_end;
  parts.sentence = std::string(message.substr(0, sentence_end));

  size_t p = first_pair;
  while (p < size) {
    if (message[p] == ' ') {
      ++p;
      continue;
    }
    // tail_is_pairs[first_pair] guarantees a pair at each word from here.
    const std::optional<PairSpan> pair = ParsePair(message, p, closing_quotes);
    parts.fields.push_back(LogField{
        .key = std::string(pair->key),
        .value = pair->quoted ? Unescape(pair->raw_value) : std::string(pair->raw_value),
    });
    p = pair->end;
  }
  return parts;
}

std::string FormatJsonLogLine(std::string_view time, std::string_view level,
                              std::string_view program, std::string_view message) {
  const LogMessageParts parts = SplitLogFields(message);

  std::string line = "{";
  line.reserve(message.size() + 96);
  AppendJsonMember("time", time, line);
  AppendJsonMember("level", level, line);
  AppendJsonMember("program", program, line);
  AppendJsonMember("message", parts.sentence, line);

  std::unordered_set<std::string> used = {"time", "level", "program", "message"};
  std::unordered_map<std::string, int> next_suffix;
  for (const LogField& field : parts.fields) {
    AppendJsonMember(ChooseJsonKey(field.key, used, next_suffix), field.value, line);
  }
  line.push_back('}');
  return line;
}

}  // namespace signup
