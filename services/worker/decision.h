// The worker's domain types: a request read from its partition, and the
// decision it records and publishes for it.
#ifndef SIGNUP_SERVICES_WORKER_DECISION_H_
#define SIGNUP_SERVICES_WORKER_DECISION_H_

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/time/time.h"
#include "services/common/username_policy.h"
#include "signup/kafka/v1/messages.pb.h"

namespace signup {

// A message as read from account.signup_request.
struct ConsumedRequest {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string payload;
  // When the producer wrote the message (Kafka's CreateTime); InfinitePast
  // when the message has no timestamp.
  absl::Time written_at = absl::InfinitePast();
};

// A request after CheckRequest, before the database decides it. A request that cannot be a claim carries `rejection_reason`.
struct CheckedRequest {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string request_id;
  // The canonical username, as the gateway sent it.
  std::string username;
  // The username as typed, in NFC.
  std::string display_name;
  // Empty for a valid claim; otherwise why the request is rejected.
  std::string rejection_reason;

  bool is_claim() const { return rejection_reason.empty(); }
};

enum class Outcome { kCreated, kUsernameTaken, kRejected };

// One decided request, exactly as stored in the decisions table.
struct Decision {
  int32_t partition = 0;
  int64_t offset = 0;
  std::string request_id;
  std::string username;
  std::string display_name;
  Outcome outcome = Outcome::kRejected;
  // KSUID of the created account; empty unless outcome is kCreated.
  std::string account_id;
  std::string reason;
  absl::Time decided_at;
  // Offset of the earlier request whose decision this one repeats, because
  // both have the same request id and username; -1 for a first decision.
  int64_t replay_of_offset = -1;

  bool is_replay() const { return replay_of_offset >= 0; }

  friend bool operator==(const Decision&, const Decision&) = default;
};

// Checks that CheckRequest applies beyond the message's structure.
struct RequestChecks {
  // When positive, a claim whose username belongs to another partition of
  // a topic with this many partitions under the murmur2 partitioner is
  // rejected, so that a producer that partitions differently can never
  // create an account in the wrong database.
  int32_t partition_count = 0;
  // When set, a claim is rejected unless it was canonicalized under this
  // policy and its username is valid and canonical under it, so that a
  // gateway with another Unicode version or policy can never create an
  // alias.
  const UsernamePolicy* username_policy = nullptr;
};

// Checks a consumed request: the payload must decode, its username must
// equal the message key, its request id must be valid, and `checks` must
// pass. Never fails: a request that is not a valid claim becomes a
// rejection, so that one bad message cannot stop the partition.
CheckedRequest CheckRequest(const ConsumedRequest& request,
                            const RequestChecks& checks = {});

// Names an outcome as the decisions table stores it: "created",
// "username_taken" or "rejected".
absl::string_view OutcomeName(Outcome outcome);

// Parses a name returned by OutcomeName; unknown names become kRejected.
Outcome OutcomeFromName(absl::string_view name);

// Encodes a decision as the payload of account.signup_response.
kafka::v1::SignupDecided ToKafkaMessage(const Decision& decision);

}  // namespace signup

#endif  // SIGNUP_SERVICES_WORKER_DECISION_H_
