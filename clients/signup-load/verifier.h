// The checks of `signup-load verify`: the record of a run against the rows
// of every partition's database.
#ifndef SIGNUP_CLIENTS_SIGNUP_LOAD_VERIFIER_H_
#define SIGNUP_CLIENTS_SIGNUP_LOAD_VERIFIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "clients/signup-load/database_snapshot.h"
#include "clients/signup-load/record_file.h"

namespace signup::load {

struct VerifyReport {
  int64_t requests = 0;      // claims in the workload, from the record header
  int64_t acknowledged = 0;  // distinct partition:offset pairs that Kafka acknowledged
  int64_t decisions = 0;     // rows of decisions, over all databases
  int64_t duplicates = 0;    // recorded claims of kind "duplicate"
  int64_t retries = 0;       // recorded claims of kind "retry"
  int64_t replays = 0;       // decisions with replay_of_offset set
  int64_t accounts = 0;      // rows of accounts, over all databases
  // One line per violation found, in the order the checks ran.
  std::vector<std::string> violations;

  // Returns "chaos: requests=… acknowledged=… … violations=N".
  std::string ClosingLine() const;
};

// Checks that, with database i holding partition i:
//   - each database belongs to its partition and stores only its decisions;
//   - (a) no username has two accounts, and each account is in the database
//     of its username's partition;
//   - (b) every acknowledged request has a decision with its request id
//     and username;
//   - (c) every attempt of one (request id, username) got the outcome and
//     account id of that pair's first decision, and every replay in the
//     databases repeats the decision it names;
//   - (d) each username's account was created by its first non-replay,
//     non-rejected decision, and every later one is username_taken;
//   - (e) every recorded outcome equals the decision at its offset, which
//     is the offset that the same attempt's `accepted` named;
//   - every claim of the workload got an outcome.
// The recorded usernames are compared with the stored ones byte for byte,
// so they must be canonical under the service's username policy, as the
// names of GenerateWorkload are.
VerifyReport Verify(const RecordFile& record, const DatabaseSnapshot& snapshot);

}  // namespace signup::load

#endif  // SIGNUP_CLIENTS_SIGNUP_LOAD_VERIFIER_H_
