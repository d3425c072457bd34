// signup-load: sends a mixed workload of username claims through one or
// more gateways, retrying through failures, records every attempt, and
// verifies the record against the partitions' databases afterwards.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/signup-load/claim_sender.h"
#include "clients/signup-load/database_snapshot.h"
#include "clients/signup-load/load_runner.h"
#include "clients/signup-load/record_file.h"
#include "clients/signup-load/verifier.h"
#include "clients/signup-load/workload.h"
#include "services/common/env_flags.h"

// One thread per claim in flight, so the limit keeps a mistyped value from
// starting thousands of threads.
constexpr int32_t kMaxConcurrency = 1024;
// Violation lines printed before the closing line; the count covers all.
constexpr size_t kMaxViolationsShown = 20;

ABSL_FLAG(std::string, gateways, "127.0.0.1:50051",
          "run: comma-separated HOST:PORT addresses of the gateways (plaintext). "
          "Environment variable: SIGNUP_GATEWAYS.");
ABSL_FLAG(int64_t, requests, 2000,
          "run: number of claims to send, at least 0. Environment variable: "
          "SIGNUP_REQUESTS.");
ABSL_FLAG(int32_t, concurrency, 16,
          "run: claims in flight at once, from 1 to 1024. Environment variable: "
          "SIGNUP_CONCURRENCY.");
ABSL_FLAG(double, duplicate_share, 0.3,
          "run: fraction of the claims, from 0 to 1, that claim the username of an "
          "earlier claim under a new request id. Environment variable: "
          "SIGNUP_DUPLICATE_SHARE.");
ABSL_FLAG(double, retry_share, 0.2,
          "run: fraction of the claims, from 0 to 1, that send an earlier claim's "
          "request id and username again after it completed, as a client retry "
          "does. Environment variable: SIGNUP_RETRY_SHARE.");
ABSL_FLAG(double, rate, 0,
          "run: claims started per second over all threads; 0 starts each claim "
          "as soon as a thread is free. Environment variable: SIGNUP_RATE.");
ABSL_FLAG(int64_t, deadline_ms, 30000,
          "run: deadline of one attempt, in milliseconds. Environment variable: "
          "SIGNUP_DEADLINE_MS.");
ABSL_FLAG(int64_t, claim_deadline_ms, 120000,
          "run: time in milliseconds after which a claim gets no new attempt, "
          "counted from its first attempt. Environment variable: "
          "SIGNUP_CLAIM_DEADLINE_MS.");
ABSL_FLAG(int64_t, max_backoff_ms, 2000,
          "run: maximum pause between two attempts of one claim, in milliseconds; "
          "the pause starts at 100 ms and doubles. Environment variable: "
          "SIGNUP_MAX_BACKOFF_MS.");
ABSL_FLAG(uint64_t, seed, 0,
          "run: seed of the workload; usernames and request ids contain it, so "
          "each run on one stack needs its own. 0 takes the current time in "
          "microseconds. Environment variable: SIGNUP_SEED.");
ABSL_FLAG(std::string, record, "",
          "run and verify: path of the record file, one line per attempt "
          "(required). Environment variable: SIGNUP_RECORD.");

namespace {

constexpr char kUsage[] =
    "Load generator and verifier for Distributed Signup.\n"
    "\n"
    "Usage:\n"
    "  signup-load run --record=FILE [--gateways=ADDR,ADDR] [--requests=N]\n"
    "      [--concurrency=C] [--duplicate-share=F] [--retry-share=F] [--rate=R]\n"
    "      [--deadline-ms=MS] [--claim-deadline-ms=MS] [--max-backoff-ms=MS]\n"
    "      [--seed=S]\n"
    "  signup-load verify --record=FILE DSN0 DSN1 ...\n"
    "\n"
    "run sends N claims: new usernames, duplicates (an earlier username under\n"
    "a new request id) and retries (an earlier claim's request id and\n"
    "username, sent again after it completed). An attempt that fails with\n"
    "UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, INTERNAL, UNKNOWN or ABORTED\n"
    "is sent again with the same request id and username to the next gateway,\n"
    "until the claim deadline. Every finished attempt is appended to FILE as\n"
    "one tab-separated line (see clients/signup-load/record_file.h). Exits 0\n"
    "when every claim got an outcome, 1 otherwise.\n"
    "\n"
    "verify reads FILE and every partition's database (DSN i is the libpq\n"
    "connection string of partition i) and checks: no username has two\n"
    "accounts; every request that Kafka acknowledged has one decision with its\n"
    "request id; every attempt of one request id and username got that pair's\n"
    "first decision; each username's first claim in partition order created\n"
    "its account; every recorded outcome equals the stored decision at its\n"
    "offset; every claim got an outcome. Prints one line per violation (at\n"
    "most 20), then\n"
    "  chaos: requests=N acknowledged=N decisions=N duplicates=N retries=N\n"
    "         replays=N accounts=N violations=N\n"
    "and exits 0 without violations, 1 with any, 2 when it could not check.\n"
    "\n"
    "Flag names may be written with '-' or '_'. Every flag can also be set by\n"
    "the environment variable named in its description; the command line\n"
    "wins.";

void PrintError(const std::string& message) {
  std::fprintf(stderr, "signup-load: %s\n", message.c_str());
}

// Returns INVALID_ARGUMENT naming the flag when a value is out of range.
absl::Status CheckPositive(const char* flag, int64_t value) {
  if (value > 0) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("invalid --", flag, "=", value, ": it must be a positive number"));
}

absl::StatusOr<signup::load::LoadOptions> LoadOptionsFromFlags() {
  signup::load::LoadOptions options;
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  if (options.concurrency < 1 || options.concurrency > kMaxConcurrency) {
    return absl::InvalidArgumentError(absl::StrCat("invalid --concurrency=",
                                                   options.concurrency,
                                                   ": it must be from 1 to ", kMaxConcurrency));
  }
  options.rate = absl::GetFlag(FLAGS_rate);
  if (!(options.rate >= 0) || std::isinf(options.rate)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid --rate=", options.rate, ": it must be 0 or a positive number"));
  }

  const int64_t deadline_ms = absl::GetFlag(FLAGS_deadline_ms);
  const int64_t claim_deadline_ms = absl::GetFlag(FLAGS_claim_deadline_ms);
  const int64_t max_backoff_ms = absl::GetFlag(FLAGS_max_backoff_ms);
  for (const absl::Status& status :
       {CheckPositive("deadline_ms", deadline_ms),
        CheckPositive("claim_deadline_ms", claim_deadline_ms),
        CheckPositive("max_backoff_ms", max_backoff_ms)}) {
    if (!status.ok()) return status;
  }
  options.retry.attempt_deadline = absl::Milliseconds(deadline_ms);
  options.retry.claim_deadline = absl::Milliseconds(claim_deadline_ms);
  options.retry.max_backoff = absl::Milliseconds(max_backoff_ms);
  options.retry.initial_backoff = std::min(absl::Milliseconds(100), options.retry.max_backoff);
  return options;
}

int RunCommand(const std::string& record_path) {
  const absl::StatusOr<signup::load::LoadOptions> options = LoadOptionsFromFlags();
  if (!options.ok()) {
    PrintError(std::string(options.status().message()));
    return 2;
  }
  const std::vector<std::string> addresses =
      absl::StrSplit(absl::GetFlag(FLAGS_gateways), ',', absl::SkipWhitespace());
  if (addresses.empty()) {
    PrintError("invalid --gateways: no address given; pass HOST:PORT[,HOST:PORT...]");
    return 2;
  }

  signup::load::WorkloadOptions workload_options;
  workload_options.requests = absl::GetFlag(FLAGS_requests);
  workload_options.duplicate_share = absl::GetFlag(FLAGS_duplicate_share);
  workload_options.retry_share = absl::GetFlag(FLAGS_retry_share);
  workload_options.seed = absl::GetFlag(FLAGS_seed);
  if (workload_options.seed == 0) {
    workload_options.seed = static_cast<uint64_t>(absl::ToUnixMicros(absl::Now()));
  }
  const absl::StatusOr<std::vector<signup::load::Claim>> claims =
      signup::load::GenerateWorkload(workload_options);
  if (!claims.ok()) {
    PrintError(std::string(claims.status().message()));
    return 2;
  }

  signup::load::RecordHeader header;
  header.requests = workload_options.requests;
  header.seed = workload_options.seed;
  absl::StatusOr<std::unique_ptr<signup::load::RecordWriter>> writer =
      signup::load::RecordWriter::Create(record_path, header);
  if (!writer.ok()) {
    PrintError(std::string(writer.status().message()));
    return 1;
  }

  std::fprintf(stderr, "signup-load: sending %lld claims through %s, seed %llu, record %s\n",
               static_cast<long long>(claims->size()), absl::GetFlag(FLAGS_gateways).c_str(),
               static_cast<unsigned long long>(workload_options.seed), record_path.c_str());
  const std::vector<signup::load::Gateway> gateways = signup::load::ConnectGateways(addresses);
  const signup::load::LoadSummary summary =
      signup::load::RunLoad(*claims, gateways, *options, **writer);

  const absl::Status closed = (*writer)->Close();
  if (!closed.ok()) {
    PrintError(std::string(closed.message()));
    return 1;
  }
  if (summary.undecided > 0) {
    PrintError(absl::StrCat(summary.undecided, " of ", summary.claims,
                            " claims got no outcome; their attempts are in ", record_path));
    return 1;
  }
  return 0;
}

int VerifyCommand(const std::string& record_path, const std::vector<std::string>& dsns) {
  if (dsns.empty()) {
    PrintError("verify needs the DSN of every partition's database, partition 0 first");
    return 2;
  }
  const absl::StatusOr<signup::load::RecordFile> record =
      signup::load::ReadRecordFile(record_path);
  if (!record.ok()) {
    PrintError(std::string(record.status().message()));
    return 2;
  }
  const absl::StatusOr<signup::load::DatabaseSnapshot> snapshot =
      signup::load::ReadDatabases(dsns);
  if (!snapshot.ok()) {
    PrintError(std::string(snapshot.status().message()));
    return 2;
  }

  const signup::load::VerifyReport report = signup::load::Verify(*record, *snapshot);
  for (size_t i = 0; i < report.violations.size() && i < kMaxViolationsShown; ++i) {
    std::printf("violation: %s\n", report.violations[i].c_str());
  }
  if (report.violations.size() > kMaxViolationsShown) {
    std::printf("violation: ... and %zu more\n",
                report.violations.size() - kMaxViolationsShown);
  }
  std::printf("%s\n", report.ClosingLine().c_str());
  return report.violations.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<char*> arguments = signup::ParseFlagsWithEnvironment(
      argc, argv, kUsage,
      {"gateways", "requests", "concurrency", "duplicate_share", "retry_share", "rate",
       "deadline_ms", "claim_deadline_ms", "max_backoff_ms", "seed", "record"});
  if (arguments.size() < 2) {
    PrintError("missing command: run or verify. See --help.");
    return 2;
  }
  const std::string command = arguments[1];
  const std::string record_path = absl::GetFlag(FLAGS_record);
  if (record_path.empty()) {
    PrintError("missing --record=FILE: the path of the record file");
    return 2;
  }

  if (command == "run") {
    if (arguments.size() > 2) {
      PrintError(absl::StrCat("unexpected argument \"", arguments[2], "\" for run"));
      return 2;
    }
    return RunCommand(record_path);
  }
  if (command == "verify") {
    return VerifyCommand(record_path,
                         std::vector<std::string>(arguments.begin() + 2, arguments.end()));
  }
  PrintError(absl::StrCat("unknown command \"", command, "\": use run or verify"));
  return 2;
}
