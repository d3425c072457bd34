// The record file of signup-load: one line per completed Signup attempt,
// written by `signup-load run` and read back by `signup-load verify`.
//
// Format: UTF-8 text. The first line is a header,
//   # signup-load record v1 requests=N seed=S
// followed by a line naming the columns, starting with "#". Every other line
// is one attempt: the fields of AttemptRecord in declaration order, separated
// by tabs. Text fields are escaped with absl::CEscape, so they never contain
// a tab or a newline. Absent numbers are -1, booleans are 0 or 1.
#ifndef SIGNUP_CLIENTS_SIGNUP_LOAD_RECORD_FILE_H_
#define SIGNUP_CLIENTS_SIGNUP_LOAD_RECORD_FILE_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace signup::load {

// One completed attempt of one claim: the call's final status and whatever
// the stream delivered before it ended.
struct AttemptRecord {
  int64_t claim = -1;   // index of the claim in the workload
  std::string kind;     // "first", "duplicate" or "retry" (see workload.h)
  std::string request_id;
  std::string username;
  int32_t attempt = 0;  // 1 for the first attempt of the claim
  std::string gateway;  // address the attempt was sent to
  std::string status;   // gRPC status code name, such as OK or UNAVAILABLE
  std::string error_message;
  bool accepted = false;  // the stream carried `accepted`
  int32_t partition = -1;
  int64_t offset = -1;
  bool decided = false;  // the stream carried `outcome`
  std::string outcome;   // "created", "username_taken", "rejected", "unspecified"
  std::string account_id;
  bool replay = false;
  int64_t original_offset = -1;
  int32_t decision_partition = -1;  // partition and offset in the outcome
  int64_t decision_offset = -1;
  int64_t elapsed_ms = 0;  // duration of this attempt
};

// Header values of a record file.
struct RecordHeader {
  int64_t requests = 0;  // number of claims in the workload
  uint64_t seed = 0;
};

// Formats `record` as one line without the trailing newline.
std::string FormatRecordLine(const AttemptRecord& record);

// Parses one attempt line. Returns INVALID_ARGUMENT naming the bad field.
absl::StatusOr<AttemptRecord> ParseRecordLine(absl::string_view line);

// Appends attempt lines to a record file. Thread-safe. Each line is flushed
// at once, so a file cut short by a crash still contains every finished line.
class RecordWriter {
 public:
  // Creates or truncates `path` and writes the header. Returns UNAVAILABLE
  // when the file cannot be written.
  static absl::StatusOr<std::unique_ptr<RecordWriter>> Create(
      const std::string& path, const RecordHeader& header);
  ~RecordWriter();
  RecordWriter(const RecordWriter&) = delete;
  RecordWriter& operator=(const RecordWriter&) = delete;

  void Append(const AttemptRecord& record);

  // Closes the file. Returns UNAVAILABLE when a write or the close failed.
  absl::Status Close();

 private:
  RecordWriter(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}

  std::mutex mutex_;
  std::FILE* file_;
  std::string path_;
  bool write_failed_ = false;
};

struct RecordFile {
  RecordHeader header;
  std::vector<AttemptRecord> attempts;
};

// Reads a whole record file. Returns NOT_FOUND when it cannot be opened and
// INVALID_ARGUMENT, with the line number, when a line does not parse.
absl::StatusOr<RecordFile> ReadRecordFile(const std::string& path);

}  // namespace signup::load

#endif  // SIGNUP_CLIENTS_SIGNUP_LOAD_RECORD_FILE_H_
