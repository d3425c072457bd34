#include "services/common/log_line.h"

#include <spdlog/details/log_msg.h>
#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/flags/reflection.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/common/logging.h"
#include "services/common/unicode_text.h"

ABSL_DECLARE_FLAG(std::string, log_format);

namespace signup {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// ---------------------------------------------------------------------------
// SplitLogFields

struct SplitCase {
  std::string name;
  std::string message;
  std::string sentence;
  std::vector<LogField> fields;
};

std::string Describe(const std::vector<LogField>& fields) {
  std::string text;
  for (const LogField& field : fields) {
    text += "[" + field.key + "]=[" + field.value + "] ";
  }
  return text;
}

TEST(SplitLogFieldsTest, Table) {
  const std::vector<SplitCase> cases = {
      {"typical warning",
       "committing a batch failed, retrying in 200ms partition=0 attempt=3 "
       "error=\"connection refused\"",
       "committing a batch failed, retrying in 200ms",
       {{"partition", "0"}, {"attempt", "3"}, {"error", "connection refused"}}},
      {"escaped quotes in value",
       "lookup failed error=\"user \\\"x\\\" not found\"",
       "lookup failed",
       {{"error", "user \"x\" not found"}}},
      {"escaped backslashes in value",
       "opened path=\"C:\\\\dir\\\\\" mode=r",
       "opened",
       {{"path", "C:\\dir\\"}, {"mode", "r"}}},
      {"other backslash kept",
       "parsed pattern=\"a\\nb\\q\"",
       "parsed",
       {{"pattern", "a\\nb\\q"}}},
      {"unescaped quotes in last value",
       "signup not enqueued request_id=r1 error=\"invalid value \"x\" in SIGNUP_A\"",
       "signup not enqueued",
       {{"request_id", "r1"}, {"error", "invalid value \"x\" in SIGNUP_A"}}},
      {"unescaped quotes before another pair",
       "failed error=\"bad \"name\" given\" partition=2",
       "failed",
       {{"error", "bad \"name\" given"}, {"partition", "2"}}},
      {"value with spaces and equals signs",
       "worker starting partition=1 database=\"host=127.0.0.1 port=5433 dbname=signup\" "
       "grpc_port=50061",
       "worker starting",
       {{"partition", "1"},
        {"database", "host=127.0.0.1 port=5433 dbname=signup"},
        {"grpc_port", "50061"}}},
      {"no pairs",
       "ICU failed to load the nfc normalizer: U_FILE_ACCESS_ERROR",
       "ICU failed to load the nfc normalizer: U_FILE_ACCESS_ERROR",
       {}},
      {"equals sign inside sentence",
       "lost ownership of partition=0, waiting as standby error=\"lease lost\"",
       "lost ownership of partition=0, waiting as standby",
       {{"error", "lease lost"}}},
      {"equals sign only inside sentence",
       "set level=debug by request", "set level=debug by request", {}},
      {"only pairs", "partition=0 offset=42", "", {{"partition", "0"}, {"offset", "42"}}},
      {"trailing spaces after pairs",
       "offset committed partition=0   ",
       "offset committed",
       {{"partition", "0"}}},
      {"trailing spaces without pairs", "shutting down   ", "shutting down   ", {}},
      {"several spaces between pairs",
       "moved  from=a   to=\"b c\"  ",
       "moved",
       {{"from", "a"}, {"to", "b c"}}},
      {"leading spaces before pairs", "  a=1", "", {{"a", "1"}}},
      {"empty message", "", "", {}},
      {"only spaces", "   ", "   ", {}},
      {"empty values",
       "stopped reason= detail=\"\"",
       "stopped",
       {{"reason", ""}, {"detail", ""}}},
      {"bare value with equals and quote",
       "connected database=host=x note=a\"b",
       "connected",
       {{"database", "host=x"}, {"note", "a\"b"}}},
      {"uppercase key is not a key",
       "Kafka reachable again Partition=0", "Kafka reachable again Partition=0", {}},
      {"hyphen in key is not a key", "done retry-count=3", "done retry-count=3", {}},
      {"unterminated quote",
       "failed error=\"no closing quote", "failed error=\"no closing quote", {}},
      {"unterminated quote before pair",
       "failed error=\"oops partition=1",
       "failed error=\"oops",
       {{"partition", "1"}}},
      {"quote followed by text", "set a=\"x\"y", "set a=\"x\"y", {}},
      {"escaped final quote", "set a=\"x\\\"", "set a=\"x\\\"", {}},
      {"first closing quote wins",
       "failed error=\"x\" y=1 2\"",
       "failed error=\"x\" y=1 2\"",
       {}},
      {"repeated keys kept in order",
       "retried a=1 a=2",
       "retried",
       {{"a", "1"}, {"a", "2"}}},
      {"reserved keys not renamed here",
       "hello message=hi time=now",
       "hello",
       {{"message", "hi"}, {"time", "now"}}},
      {"unicode",
       "username taken username=\"Zo\xc3\xab \xe5\x90\x8d\xe5\x89\x8d\" emoji=\xf0\x9f\x98\x80",
       "username taken",
       {{"username", "Zo\xc3\xab \xe5\x90\x8d\xe5\x89\x8d"}, {"emoji", "\xf0\x9f\x98\x80"}}},
      {"invalid UTF-8 passed through",
       "bad \xff bytes name=\xfe\xc0 partition=1",
       "bad \xff bytes",
       {{"name", "\xfe\xc0"}, {"partition", "1"}}},
      {"control characters in values",
       "multi line error=\"first\nsecond\ttab\" code=a\x01z",
       "multi line",
       {{"error", "first\nsecond\ttab"}, {"code", "a\x01z"}}},
      {"tab is not a separator", "x\ta=1", "x\ta=1", {}},
      {"line break in sentence",
       "first\nsecond partition=3",
       "first\nsecond",
       {{"partition", "3"}}},
  };
  for (const SplitCase& c : cases) {
    SCOPED_TRACE(c.name);
    const LogMessageParts parts = SplitLogFields(c.message);
    EXPECT_EQ(parts.sentence, c.sentence);
    EXPECT_EQ(parts.fields, c.fields) << "got " << Describe(parts.fields);
  }
}

TEST(SplitLogFieldsTest, NulByteInValue) {
  const std::string message("sent payload=a\0b", 16);
  const LogMessageParts parts = SplitLogFields(message);
  EXPECT_EQ(parts.sentence, "sent");
  ASSERT_EQ(parts.fields.size(), 1u);
  EXPECT_EQ(parts.fields[0].value, std::string("a\0b", 3));
}

// With a closing-quote search per candidate start, this message would take
// time quadratic in its 400 KB and run past the test timeout.
TEST(SplitLogFieldsTest, LongUnclosedQuotesStayLinear) {
  std::string message;
  for (int i = 0; i < 100000; ++i) message += "k=\" ";
  message += "x";
  const LogMessageParts parts = SplitLogFields(message);
  EXPECT_EQ(parts.sentence, message);
  EXPECT_TRUE(parts.fields.empty());
}

TEST(SplitLogFieldsTest, ManyPairsAllSplit) {
  std::string message = "batch";
  for (int i = 0; i < 10000; ++i) {
    message += " k" + std::to_string(i) + "=\"v " + std::to_string(i) + "\"";
  }
  const LogMessageParts parts = SplitLogFields(message);
  EXPECT_EQ(parts.sentence, "batch");
  ASSERT_EQ(parts.fields.size(), 10000u);
  EXPECT_EQ(parts.fields.back().key, "k9999");
  EXPECT_EQ(parts.fields.back().value, "v 9999");
}

// ---------------------------------------------------------------------------
// FormatJsonLogLine

// Checks that `line` is one JSON object that a strict parser accepts, and
// parses it into `object`. Protobuf's parser (3.21) rejects invalid UTF-8
// and repeated keys but accepts raw control characters, so those are checked
// here first.
testing::AssertionResult ParseJsonLine(const std::string& line,
                                       google::protobuf::Struct* object) {
  if (!std::holds_alternative<std::u32string>(DecodeUtf8(line))) {
    return testing::AssertionFailure() << "not valid UTF-8: " << line;
  }
  for (const char c : line) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      return testing::AssertionFailure()
             << "raw control character " << static_cast<int>(byte) << " in " << line;
    }
  }
  if (!absl::StartsWith(line, "{\"") || !absl::EndsWith(line, "}")) {
    return testing::AssertionFailure() << "not one object: " << line;
  }
  const auto status = google::protobuf::util::JsonStringToMessage(line, object);
  if (!status.ok()) {
    return testing::AssertionFailure() << status.ToString() << " in " << line;
  }
  return testing::AssertionSuccess();
}

// The members of `object`, all of which must be strings.
std::map<std::string, std::string> StringMembers(const google::protobuf::Struct& object) {
  std::map<std::string, std::string> members;
  for (const auto& [key, value] : object.fields()) {
    EXPECT_EQ(value.kind_case(), google::protobuf::Value::kStringValue) << key;
    members[key] = value.string_value();
  }
  return members;
}

constexpr char kTime[] = "2026-12-04T19:54:41.123Z";

TEST(FormatJsonLogLineTest, ExampleLine) {
  const std::string line = FormatJsonLogLine(
      kTime, "warning", "signup-worker",
      "committing a batch failed, retrying in 200ms partition=0 attempt=3 "
      "error=\"connection refused\"");
  EXPECT_EQ(line,
            "{\"time\":\"2026-12-04T19:54:41.123Z\",\"level\":\"warning\","
            "\"program\":\"signup-worker\",\"message\":\"committing a batch failed, "
            "retrying in 200ms\",\"partition\":\"0\",\"attempt\":\"3\","
            "\"error\":\"connection refused\"}");
  google::protobuf::Struct object;
  EXPECT_TRUE(ParseJsonLine(line, &object));
}

struct JsonCase {
  std::string name;
  std::string message;
  // Every member of the parsed object besides time, level and program.
  std::map<std::string, std::string> members;
};

TEST(FormatJsonLogLineTest, Table) {
  const std::vector<JsonCase> cases = {
      {"no pairs", "gateway stopped", {{"message", "gateway stopped"}}},
      {"empty message", "", {{"message", ""}}},
      {"only pairs", "a=1", {{"message", ""}, {"a", "1"}}},
      {"numbers stay strings",
       "pruned count=12 ratio=0.5",
       {{"message", "pruned"}, {"count", "12"}, {"ratio", "0.5"}}},
      {"reserved keys prefixed",
       "m message=hi time=now level=x program=p",
       {{"message", "m"},
        {"field_message", "hi"},
        {"field_time", "now"},
        {"field_level", "x"},
        {"field_program", "p"}}},
      {"prefixed key collides",
       "m field_time=f time=t",
       {{"message", "m"}, {"field_time", "f"}, {"field_time_2", "t"}}},
      {"duplicate keys numbered",
       "m a=1 a=2 a=3 a_2=4",
       {{"message", "m"}, {"a", "1"}, {"a_2", "2"}, {"a_3", "3"}, {"a_2_2", "4"}}},
      {"duplicate reserved keys",
       "m message=1 message=2",
       {{"message", "m"}, {"field_message", "1"}, {"field_message_2", "2"}}},
      {"quotes and backslashes",
       "say \"hi\" \\ back path=\"C:\\\\x\" q=\"a \\\"b\\\"\"",
       {{"message", "say \"hi\" \\ back"}, {"path", "C:\\x"}, {"q", "a \"b\""}}},
      {"control characters",
       "line\nbreak\ttab\r\b\f bell=\a del=\x7f nel=\xc2\x85",
       {{"message", "line\nbreak\ttab\r\b\f"},
        {"bell", "\a"},
        {"del", "\x7f"},
        {"nel", "\xc2\x85"}}},
      {"valid unicode kept",
       "caf\xc3\xa9 name=\"\xe5\x90\x8d \xf0\x9f\x98\x80\" sep=\xe2\x80\xa8",
       {{"message", "caf\xc3\xa9"},
        {"name", "\xe5\x90\x8d \xf0\x9f\x98\x80"},
        {"sep", "\xe2\x80\xa8"}}},
      {"invalid UTF-8 replaced",
       "bad \xff lone=\x80 truncated=\xf0\x9f\x98 overlong=\xc0\x80 "
       "surrogate=\xed\xa0\x80 end=a\xe2\x82",
       {{"message", std::string("bad ") + kReplacement},
        {"lone", kReplacement},
        {"truncated", kReplacement},
        {"overlong", std::string(kReplacement) + kReplacement},
        {"surrogate", std::string(kReplacement) + kReplacement + kReplacement},
        {"end", std::string("a") + kReplacement}}},
      {"real replacement character kept",
       "got \xef\xbf\xbd", {{"message", "got \xef\xbf\xbd"}}},
  };
  for (const JsonCase& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string line = FormatJsonLogLine(kTime, "info", "signup-gateway", c.message);
    google::protobuf::Struct object;
    ASSERT_TRUE(ParseJsonLine(line, &object));
    std::map<std::string, std::string> members = StringMembers(object);
    EXPECT_EQ(members["time"], kTime);
    EXPECT_EQ(members["level"], "info");
    EXPECT_EQ(members["program"], "signup-gateway");
    members.erase("time");
    members.erase("level");
    members.erase("program");
    EXPECT_EQ(members, c.members) << line;
  }
}

TEST(FormatJsonLogLineTest, FixedMembersComeFirst) {
  const std::string line = FormatJsonLogLine(kTime, "error", "signup-admin", "x a=1");
  EXPECT_TRUE(absl::StartsWith(
      line, "{\"time\":\"2026-12-04T19:54:41.123Z\",\"level\":\"error\","
            "\"program\":\"signup-admin\",\"message\":\"x\","))
      << line;
}

TEST(FormatJsonLogLineTest, ControlCharactersEscaped) {
  const std::string line = FormatJsonLogLine(
      kTime, "info", "p", std::string("a\nb\tc\x01\x1f\x7f\xc2\x9f\0d", 12));
  EXPECT_TRUE(absl::StrContains(line, "\"a\\nb\\tc\\u0001\\u001f\\u007f\\u009f\\u0000d\""))
      << line;
}

TEST(FormatJsonLogLineTest, FixedMembersEscaped) {
  const std::string line =
      FormatJsonLogLine("t\"1", "le\\vel", std::string("pro\ngram\xff", 9), "m");
  google::protobuf::Struct object;
  ASSERT_TRUE(ParseJsonLine(line, &object));
  const std::map<std::string, std::string> members = StringMembers(object);
  EXPECT_EQ(members.at("time"), "t\"1");
  EXPECT_EQ(members.at("level"), "le\\vel");
  EXPECT_EQ(members.at("program"), std::string("pro\ngram") + kReplacement);
}

// Messages built from the characters that matter to the parser, in random
// order, must all give a JSON object that parses, with unique keys.
TEST(FormatJsonLogLineTest, RandomMessagesGiveValidJson) {
  const std::vector<std::string> pieces = {
      "a", "k", "_", "0", "=", "\"", "\\", " ", " ", "\n", "\t", std::string(1, '\0'),
      "\x7f", "\xff", "\xc3", "\xa9", "\xe2\x82\xac", "message", "time", "x="};
  std::mt19937 random(20261204);
  std::uniform_int_distribution<size_t> piece(0, pieces.size() - 1);
  std::uniform_int_distribution<int> length(0, 40);
  for (int i = 0; i < 5000; ++i) {
    std::string message;
    const int count = length(random);
    for (int j = 0; j < count; ++j) message += pieces[piece(random)];
    const std::string line = FormatJsonLogLine(kTime, "debug", "signup-worker", message);
    google::protobuf::Struct object;
    ASSERT_TRUE(ParseJsonLine(line, &object)) << "message: " << message;
    const size_t pairs = SplitLogFields(message).fields.size();
    ASSERT_EQ(static_cast<size_t>(object.fields_size()), 4 + pairs) << line;
  }
}

// ---------------------------------------------------------------------------
// NewLogFormatter and InitLogging

spdlog::details::log_msg ExampleEvent(spdlog::level::level_enum level,
                                      spdlog::string_view_t payload) {
  const absl::Time time =
      absl::FromCivil(absl::CivilSecond(2026, 12, 4, 19, 54, 41), absl::UTCTimeZone()) +
      absl::Milliseconds(123);
  return spdlog::details::log_msg(absl::ToChronoTime(time), spdlog::source_loc{},
                                  "signup-worker", level, payload);
}

std::string Format(spdlog::formatter& formatter, const spdlog::details::log_msg& event) {
  spdlog::memory_buf_t buffer;
  formatter.format(event, buffer);
  return std::string(buffer.data(), buffer.size());
}

TEST(NewLogFormatterTest, TextFormat) {
  absl::StatusOr<std::unique_ptr<spdlog::formatter>> formatter = NewLogFormatter("text");
  ASSERT_TRUE(formatter.ok()) << formatter.status();
  EXPECT_EQ(Format(**formatter, ExampleEvent(spdlog::level::info,
                                             "offset committed partition=0 next_offset=42")),
            "2026-12-04T19:54:41.123Z info signup-worker offset committed partition=0 "
            "next_offset=42\n");
}

TEST(NewLogFormatterTest, JsonFormat) {
  absl::StatusOr<std::unique_ptr<spdlog::formatter>> formatter = NewLogFormatter("json");
  ASSERT_TRUE(formatter.ok()) << formatter.status();
  const std::string line = Format(
      **formatter, ExampleEvent(spdlog::level::warn, "retrying in 200ms partition=0 "
                                                     "error=\"connection refused\""));
  EXPECT_EQ(line,
            "{\"time\":\"2026-12-04T19:54:41.123Z\",\"level\":\"warning\","
            "\"program\":\"signup-worker\",\"message\":\"retrying in 200ms\","
            "\"partition\":\"0\",\"error\":\"connection refused\"}\n");
}

TEST(NewLogFormatterTest, JsonCloneFormatsAlike) {
  absl::StatusOr<std::unique_ptr<spdlog::formatter>> formatter = NewLogFormatter("json");
  ASSERT_TRUE(formatter.ok()) << formatter.status();
  const std::unique_ptr<spdlog::formatter> clone = (*formatter)->clone();
  const spdlog::details::log_msg event = ExampleEvent(spdlog::level::err, "failed a=1");
  EXPECT_EQ(Format(*clone, event), Format(**formatter, event));
}

TEST(NewLogFormatterTest, UnknownFormatRejected) {
  const absl::StatusOr<std::unique_ptr<spdlog::formatter>> formatter =
      NewLogFormatter("yaml");
  ASSERT_FALSE(formatter.ok());
  EXPECT_EQ(formatter.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(formatter.status().message(), "invalid --log-format \"yaml\": use text or json");
}

TEST(InitLoggingTest, UnknownFormatRejected) {
  const absl::FlagSaver flag_saver;
  absl::SetFlag(&FLAGS_log_format, "yaml");
  const std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();

  const absl::Status status = InitLogging("log-line-test");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), "\"yaml\"")) << status;
  EXPECT_EQ(spdlog::default_logger()->name(), "log-line-test");

  // Setting the previous default logger back also unregisters this one.
  spdlog::set_default_logger(previous);
  EXPECT_EQ(spdlog::get("log-line-test"), nullptr);
}

}  // namespace
}  // namespace signup
