#include "clients/signup-load/record_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace signup::load {
namespace {

constexpr absl::string_view kHeaderPrefix = "# signup-load record v1";
constexpr absl::string_view kColumns =
    "# claim\tkind\trequest_id\tusername\tattempt\tgateway\tstatus\t"
    "error_message\taccepted\tpartition\toffset\tdecided\toutcome\taccount_id\t"
    "replay\toriginal_offset\tdecision_partition\tdecision_offset\telapsed_ms";
constexpr size_t kFieldCount = 19;

std::string Escape(absl::string_view text) { return absl::CEscape(text); }

// Parses field `index` of `fields` into one of the record's members.
class FieldReader {
 public:
  explicit FieldReader(const std::vector<absl::string_view>& fields) : fields_(fields) {}

  void Text(const char* name, std::string* out) {
    if (!status_.ok()) return;
    std::string error;
    if (!absl::CUnescape(fields_[next_], out, &error)) {
      Fail(name, error);
    }
    ++next_;
  }

  template <typename Integer>
  void Number(const char* name, Integer* out) {
    if (!status_.ok()) return;
    if (!absl::SimpleAtoi(fields_[next_], out)) Fail(name, "not an integer");
    ++next_;
  }

  void Flag(const char* name, bool* out) {
    if (!status_.ok()) return;
    if (fields_[next_] == "1") {
      *out = true;
    } else if (fields_[next_] == "0") {
      *out = false;
    } else {
      Fail(name, "not 0 or 1");
    }
    ++next_;
  }

  const absl::Status& status() const { return status_; }

 private:
  void Fail(const char* name, absl::string_view reason) {
    status_ = absl::InvalidArgumentError(absl::StrCat(
        "invalid field ", name, " \"", absl::CHexEscape(fields_[next_]), "\": ", reason));
  }

  const std::vector<absl::string_view>& fields_;
  size_t next_ = 0;
  absl::Status status_;
};

}  // namespace

std::string FormatRecordLine(const AttemptRecord& record) {
  return absl::StrJoin(
      {absl::StrCat(record.claim), Escape(record.kind), Escape(record.request_id),
       Escape(record.username), absl::StrCat(record.attempt), Escape(record.gateway),
       Escape(record.status), Escape(record.error_message),
       std::string(record.accepted ? "1" : "0"), absl::StrCat(record.partition),
       absl::StrCat(record.offset), std::string(record.decided ? "1" : "0"),
       Escape(record.outcome), Escape(record.account_id),
       std::string(record.replay ? "1" : "0"), absl::StrCat(record.original_offset),
       absl::StrCat(record.decision_partition), absl::StrCat(record.decision_offset),
       absl::StrCat(record.elapsed_ms)},
      "\t");
}

absl::StatusOr<AttemptRecord> ParseRecordLine(absl::string_view line) {
  const std::vector<absl::string_view> fields = absl::StrSplit(line, '\t');
  if (fields.size() != kFieldCount) {
    return absl::InvalidArgumentError(absl::StrCat(
        "expected ", kFieldCount, " tab-separated fields, found ", fields.size()));
  }

  AttemptRecord record;
  FieldReader reader(fields);
  reader.Number("claim", &record.claim);
  reader.Text("kind", &record.kind);
  reader.Text("request_id", &record.request_id);
  reader.Text("username", &record.username);
  reader.Number("attempt", &record.attempt);
  reader.Text("gateway", &record.gateway);
  reader.Text("status", &record.status);
  reader.Text("error_message", &record.error_message);
  reader.Flag("accepted", &record.accepted);
  reader.Number("partition", &record.partition);
  reader.Number("offset", &record.offset);
  reader.Flag("decided", &record.decided);
  reader.Text("outcome", &record.outcome);
  reader.Text("account_id", &record.account_id);
  reader.Flag("replay", &record.replay);
  reader.Number("original_offset", &record.original_offset);
  reader.Number("decision_partition", &record.decision_partition);
  reader.Number("decision_offset", &record.decision_offset);
  reader.Number("elapsed_ms", &record.elapsed_ms);
  if (!reader.status().ok()) return reader.status();
  return record;
}

absl::StatusOr<std::unique_ptr<RecordWriter>> RecordWriter::Create(
    const std::string& path, const RecordHeader& header) {
  std::FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot create the record file ", path,
                                               ": ", std::strerror(errno)));
  }
  std::unique_ptr<RecordWriter> writer(new RecordWriter(file, path));
  const std::string lines = absl::StrCat(kHeaderPrefix, " requests=", header.requests,
                                         " seed=", header.seed, "\n", kColumns, "\n");
  if (std::fputs(lines.c_str(), file) < 0 || std::fflush(file) != 0) {
    writer->write_failed_ = true;
  }
  return writer;
}

RecordWriter::~RecordWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void RecordWriter::Append(const AttemptRecord& record) {
  const std::string line = absl::StrCat(FormatRecordLine(record), "\n");
  std::lock_guard<std::mutex> lock(mutex_);
  if (file_ == nullptr) return;
  if (std::fputs(line.c_str(), file_) < 0 || std::fflush(file_) != 0) {
    write_failed_ = true;
  }
}

absl::Status RecordWriter::Close() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (file_ == nullptr) return absl::OkStatus();
  const bool close_failed = std::fclose(file_) != 0;
  file_ = nullptr;
  if (write_failed_ || close_failed) {
    return absl::UnavailableError(
        absl::StrCat("writing the record file ", path_, " failed; it is incomplete"));
  }
  return absl::OkStatus();
}

absl::StatusOr<RecordFile> ReadRecordFile(const std::string& path) {
  std::ifstream input(path);
  if (!input) {
    return absl::NotFoundError(absl::StrCat("cannot open the record file ", path));
  }

  RecordFile file;
  bool header_seen = false;
  std::string line;
  int64_t line_number = 0;
  while (std::getline(input, line)) {
    ++line_number;
    absl::string_view text = line;
    if (!header_seen) {
      if (!absl::ConsumePrefix(&text, kHeaderPrefix)) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ":1: not a signup-load record file: the first line must start with \"",
            kHeaderPrefix, "\""));
      }
      for (absl::string_view item : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
        const std::pair<absl::string_view, absl::string_view> key_value =
            absl::StrSplit(item, absl::MaxSplits('=', 1));
        bool parsed = true;
        if (key_value.first == "requests") {
          parsed = absl::SimpleAtoi(key_value.second, &file.header.requests);
        } else if (key_value.first == "seed") {
          parsed = absl::SimpleAtoi(key_value.second, &file.header.seed);
        }
        if (!parsed) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ":1: invalid header value \"", item, "\""));
        }
      }
      header_seen = true;
      continue;
    }
    if (text.empty() || absl::StartsWith(text, "#")) continue;

    absl::StatusOr<AttemptRecord> record = ParseRecordLine(text);
    if (!record.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_number, ": ", record.status().message()));
    }
    file.attempts.push_back(*std::move(record));
  }
  if (input.bad()) {
    return absl::UnavailableError(absl::StrCat("reading the record file ", path, " failed"));
  }
  if (!header_seen) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is empty: no header line"));
  }
  return file;
}

}  // namespace signup::load
