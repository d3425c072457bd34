#include "clients/signup-load/verifier.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "clients/signup-load/claim_sender.h"
#include "services/common/partitioner.h"

namespace signup::load {
namespace {

using OffsetKey = std::pair<int32_t, int64_t>;  // (partition, offset)
using PairKey = std::pair<std::string, std::string>;  // (request id, username)

std::string Where(int32_t partition, int64_t offset) {
  return absl::StrCat(partition, ":", offset);
}

std::string Describe(const AttemptRecord& attempt) {
  return absl::StrCat("claim ", attempt.claim, " attempt ", attempt.attempt, " (request_id ",
                      attempt.request_id, ", username ", attempt.username, ", gateway ",
                      attempt.gateway, ")");
}

// The rows of all databases, indexed for the checks.
struct Index {
  std::map<OffsetKey, const DecisionRow*> by_offset;
  // The first decision of each (request id, username): not a replay and not
  // rejected. The schema's unique index allows one per pair and database.
  std::map<PairKey, const DecisionRow*> first_by_pair;
  // Non-replay, non-rejected decisions of each username, by offset.
  std::map<std::string, std::vector<const DecisionRow*>> claims_by_username;
  std::map<std::string, std::vector<const AccountRow*>> accounts_by_username;
};

class Checker {
 public:
  Checker(const RecordFile& record, const DatabaseSnapshot& snapshot, VerifyReport& report)
      : record_(record), snapshot_(snapshot), report_(report) {}

  void Run() {
    BuildIndex();
    CheckOwnership();
    CheckAccountsUnique();
    CheckAcknowledgedDecided();
    CheckIdempotency();
    CheckFirstClaimWins();
    CheckRecordedOutcomes();
    CheckEveryClaimDecided();
  }

 private:
  void Violation(std::string text) { report_.violations.push_back(std::move(text)); }

  void BuildIndex() {
    for (const DecisionRow& row : snapshot_.decisions) {
      if (!index_.by_offset.emplace(OffsetKey{row.partition, row.offset}, &row).second) {
        Violation(absl::StrCat("two databases store a decision for request ",
                               Where(row.partition, row.offset)));
      }
      if (row.replay_of_offset.has_value() || row.outcome == "rejected") continue;
      const auto [it, inserted] =
          index_.first_by_pair.emplace(PairKey{row.request_id, row.username}, &row);
      if (!inserted) {
        Violation(absl::StrCat("request_id ", row.request_id, " with username ", row.username,
                               " was decided anew twice: at ",
                               Where(it->second->partition, it->second->offset), " and at ",
                               Where(row.partition, row.offset), " (the second is no replay)"));
      }
      index_.claims_by_username[row.username].push_back(&row);
    }
    for (auto& [username, rows] : index_.claims_by_username) {
      std::sort(rows.begin(), rows.end(), [](const DecisionRow* a, const DecisionRow* b) {
        return std::tie(a->partition, a->offset) < std::tie(b->partition, b->offset);
      });
    }
    for (const AccountRow& account : snapshot_.accounts) {
      index_.accounts_by_username[account.username].push_back(&account);
    }
  }

  // Each database stores the decisions of its own partition only.
  void CheckOwnership() {
    for (size_t i = 0; i < snapshot_.owners.size(); ++i) {
      if (snapshot_.owners[i] != static_cast<int32_t>(i)) {
        Violation(absl::StrCat("database ", i, " belongs to partition ", snapshot_.owners[i],
                               ", not ", i, "; give the DSNs in partition order"));
      }
    }
    for (const DecisionRow& row : snapshot_.decisions) {
      if (row.partition != row.database) {
        Violation(absl::StrCat("database ", row.database, " stores a decision of partition ",
                               row.partition, " at ", Where(row.partition, row.offset)));
      }
    }
  }

  // (a) One account per username over all databases, in the right database.
  void CheckAccountsUnique() {
    const auto partitions = static_cast<int32_t>(snapshot_.owners.size());
    for (const auto& [username, accounts] : index_.accounts_by_username) {
      if (accounts.size() > 1) {
        std::vector<std::string> places;
        for (const AccountRow* account : accounts) {
          places.push_back(absl::StrCat(account->account_id, " in database ", account->database));
        }
        Violation(absl::StrCat("username ", username, " has ", accounts.size(),
                               " accounts: ", absl::StrJoin(places, ", ")));
      }
      for (const AccountRow* account : accounts) {
        const int32_t expected = PartitionForUsername(username, partitions);
        if (account->database != expected) {
          Violation(absl::StrCat("account ", account->account_id, " of username ", username,
                                 " is in database ", account->database,
                                 " but the username belongs to partition ", expected));
        }
      }
    }
  }

  // (b) Every acknowledged request has exactly one decision, for its id.
  void CheckAcknowledgedDecided() {
    std::set<OffsetKey> acknowledged;
    for (const AttemptRecord& attempt : record_.attempts) {
      if (!attempt.accepted) continue;
      const OffsetKey key{attempt.partition, attempt.offset};
      acknowledged.insert(key);
      const auto found = index_.by_offset.find(key);
      if (found == index_.by_offset.end()) {
        Violation(absl::StrCat("acknowledged request ", Where(key.first, key.second),
                               " of ", Describe(attempt), " has no decision"));
        continue;
      }
      const DecisionRow& row = *found->second;
      if (row.request_id != attempt.request_id || row.username != attempt.username) {
        Violation(absl::StrCat("the decision at ", Where(key.first, key.second),
                               " is for request_id ", row.request_id, " and username ",
                               row.username, ", but Kafka acknowledged that offset to ",
                               Describe(attempt)));
      }
    }
    report_.acknowledged = static_cast<int64_t>(acknowledged.size());
  }

  // (c) Every replay repeats the decision it names, and every recorded
  // outcome of a pair is the pair's first decision.
  void CheckIdempotency() {
    for (const DecisionRow& row : snapshot_.decisions) {
      if (!row.replay_of_offset.has_value()) continue;
      ++report_.replays;
      const auto original = index_.by_offset.find({row.partition, *row.replay_of_offset});
      if (original == index_.by_offset.end()) {
        Violation(absl::StrCat("the replay at ", Where(row.partition, row.offset),
                               " names offset ", *row.replay_of_offset,
                               ", which has no decision"));
        continue;
      }
      const DecisionRow& first = *original->second;
      if (first.request_id != row.request_id || first.username != row.username ||
          first.replay_of_offset.has_value() || first.offset >= row.offset ||
          first.outcome != row.outcome || first.account_id != row.account_id) {
        Violation(absl::StrCat("the replay at ", Where(row.partition, row.offset), " (",
                               row.request_id, ", ", row.username, ", ", row.outcome,
                               ") does not repeat the decision at ",
                               Where(first.partition, first.offset), " (", first.request_id,
                               ", ", first.username, ", ", first.outcome, ")"));
      }
    }

    for (const AttemptRecord& attempt : record_.attempts) {
      if (!attempt.decided) continue;
      const auto first = index_.first_by_pair.find({attempt.request_id, attempt.username});
      if (first == index_.first_by_pair.end()) {
        if (attempt.outcome != "rejected") {
          Violation(absl::StrCat(Describe(attempt), " got ", attempt.outcome,
                                 " but the databases have no first decision of the pair"));
        }
        continue;
      }
      const DecisionRow& row = *first->second;
      if (attempt.outcome != row.outcome || attempt.account_id != row.account_id ||
          attempt.original_offset != row.offset) {
        Violation(absl::StrCat(Describe(attempt), " got ", attempt.outcome, " account '",
                               attempt.account_id, "' original_offset ",
                               attempt.original_offset, ", but the first decision of the pair is ",
                               row.outcome, " account '", row.account_id, "' at ",
                               Where(row.partition, row.offset)));
      }
    }
  }

  // (d) The first claim of each username, in partition order, created its
  // account; every later claim found the name taken.
  void CheckFirstClaimWins() {
    for (const auto& [username, rows] : index_.claims_by_username) {
      const DecisionRow& first = *rows.front();
      const auto accounts = index_.accounts_by_username.find(username);
      if (accounts == index_.accounts_by_username.end()) {
        Violation(absl::StrCat("username ", username, " has decisions but no account"));
      } else {
        const AccountRow& account = *accounts->second.front();
        if (first.outcome != "created" || first.account_id != account.account_id ||
            account.request_offset != first.offset ||
            account.request_partition != first.partition ||
            account.request_id != first.request_id) {
          Violation(absl::StrCat("username ", username, ": the first claim at ",
                                 Where(first.partition, first.offset), " was decided ",
                                 first.outcome, ", but account ", account.account_id,
                                 " was created by request ",
                                 Where(account.request_partition, account.request_offset),
                                 " (request_id ", account.request_id, ")"));
        }
      }
      for (size_t i = 1; i < rows.size(); ++i) {
        if (rows[i]->outcome != "username_taken" || !rows[i]->account_id.empty()) {
          Violation(absl::StrCat("username ", username, ": the claim at ",
                                 Where(rows[i]->partition, rows[i]->offset),
                                 " came after the first one at ",
                                 Where(first.partition, first.offset), " but was decided ",
                                 rows[i]->outcome));
        }
      }
    }
    for (const auto& [username, accounts] : index_.accounts_by_username) {
      if (!index_.claims_by_username.contains(username)) {
        Violation(absl::StrCat("account ", accounts.front()->account_id, " of username ",
                               username, " has no decision that created it"));
      }
    }
  }

  // (e) Every recorded outcome is the decision at the attempt's own offset.
  void CheckRecordedOutcomes() {
    for (const AttemptRecord& attempt : record_.attempts) {
      if (!attempt.decided) continue;
      if (!attempt.accepted || attempt.decision_partition != attempt.partition ||
          attempt.decision_offset != attempt.offset) {
        Violation(absl::StrCat(Describe(attempt), " was accepted at ",
                               attempt.accepted ? Where(attempt.partition, attempt.offset)
                                                : std::string("(no accepted event)"),
                               " but its outcome is for ",
                               Where(attempt.decision_partition, attempt.decision_offset)));
      }
      // A gateway killed right after the outcome ends the stream with
      // UNAVAILABLE, which is no violation. A second outcome is one.
      if (attempt.error_message == kSecondOutcomeMessage) {
        Violation(absl::StrCat(Describe(attempt), ": ", attempt.error_message));
      }
      const auto found =
          index_.by_offset.find({attempt.decision_partition, attempt.decision_offset});
      if (found == index_.by_offset.end()) {
        Violation(absl::StrCat(Describe(attempt), " got an outcome for ",
                               Where(attempt.decision_partition, attempt.decision_offset),
                               ", which has no decision in the database"));
        continue;
      }
      const DecisionRow& row = *found->second;
      const int64_t original_offset = row.replay_of_offset.value_or(row.offset);
      if (attempt.outcome != row.outcome || attempt.account_id != row.account_id ||
          attempt.replay != row.replay_of_offset.has_value() ||
          attempt.original_offset != original_offset) {
        Violation(absl::StrCat(Describe(attempt), " got ", attempt.outcome, " account '",
                               attempt.account_id, "' replay ", attempt.replay,
                               " original_offset ", attempt.original_offset,
                               ", but the database stores ", row.outcome, " account '",
                               row.account_id, "' replay ", row.replay_of_offset.has_value(),
                               " original_offset ", original_offset, " at ",
                               Where(row.partition, row.offset)));
      }
    }
  }

  // Every claim of the workload got an outcome before its deadline.
  void CheckEveryClaimDecided() {
    std::map<int64_t, const AttemptRecord*> last_attempt;
    std::set<int64_t> decided;
    std::set<int64_t> duplicates;
    std::set<int64_t> retries;
    for (const AttemptRecord& attempt : record_.attempts) {
      last_attempt[attempt.claim] = &attempt;
      if (attempt.decided) decided.insert(attempt.claim);
      if (attempt.kind == "duplicate") duplicates.insert(attempt.claim);
      if (attempt.kind == "retry") retries.insert(attempt.claim);
    }
    report_.duplicates = static_cast<int64_t>(duplicates.size());
    report_.retries = static_cast<int64_t>(retries.size());

    for (int64_t claim = 0; claim < record_.header.requests; ++claim) {
      if (decided.contains(claim)) continue;
      const auto last = last_attempt.find(claim);
      if (last == last_attempt.end()) {
        Violation(absl::StrCat("claim ", claim, " has no recorded attempt"));
      } else {
        Violation(absl::StrCat(Describe(*last->second), " was the last attempt and ended with ",
                               last->second->status, ": ", last->second->error_message,
                               "; the claim got no outcome"));
      }
    }
  }

  const RecordFile& record_;
  const DatabaseSnapshot& snapshot_;
  VerifyReport& report_;
  Index index_;
};

}  // namespace

std::string VerifyReport::ClosingLine() const {
  return absl::StrCat("chaos: requests=", requests, " acknowledged=", acknowledged,
                      " decisions=", decisions, " duplicates=", duplicates,
                      " retries=", retries, " replays=", replays, " accounts=", accounts,
                      " violations=", violations.size());
}

VerifyReport Verify(const RecordFile& record, const DatabaseSnapshot& snapshot) {
  VerifyReport report;
  report.requests = record.header.requests;
  report.decisions = static_cast<int64_t>(snapshot.decisions.size());
  report.accounts = static_cast<int64_t>(snapshot.accounts.size());
  Checker(record, snapshot, report).Run();
  return report;
}

}  // namespace signup::load
