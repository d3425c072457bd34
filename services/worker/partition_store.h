// The worker's durable state: accounts, decisions and the partition's next
// offset, kept in the partition's own database. An interface, so that the
// worker's loop does not depend on PostgreSQL.
#ifndef SIGNUP_SERVICES_WORKER_PARTITION_STORE_H_
#define SIGNUP_SERVICES_WORKER_PARTITION_STORE_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/worker/decision.h"

namespace signup {

class PartitionStore {
 public:
  virtual ~PartitionStore() = default;

  // Checks that the database has this build's schema and belongs to
  // `partition`, takes the partition's writer lock, and returns the offset
  // of the next request to read. The lock is held until Close, or until
  // the connection breaks; every later call first takes it again.
  // Returns ALREADY_EXISTS while another worker holds the lock (wait as a
  // standby), FAILED_PRECONDITION for a wrong schema or partition (fatal),
  // and UNAVAILABLE for a connection or SQL error (retry).
  virtual absl::StatusOr<int64_t> Open(int32_t partition) = 0;

  // Releases the writer lock and the connection.
  virtual void Close() = 0;

  // Decides `requests`, all read from the partition in offset order starting
  // at or after `next_offset`, in one transaction: each claim creates an
  // account unless the username exists, every request gets one decision,
  // and the next offset becomes the last request's offset + 1. A claim
  // whose request id and username match an earlier non-rejected decision
  // is a retry: it gets that decision again, with replay_of_offset set. The offset
  // update is a compare-and-set on `next_offset`, so a second writer's
  // batch fails instead of deciding requests twice.
  //
  // Returns the decisions in request order. When an earlier call committed
  // this very batch but its result was lost (the connection broke during
  // COMMIT), returns the stored decisions. Returns ABORTED when the stored
  // offset is neither `next_offset` nor the batch's end, or when the writer
  // lock was lost with a broken connection: another writer owns the
  // partition. Returns UNAVAILABLE for a connection or SQL error;
  // nothing was committed then, and the call may be retried.
  virtual absl::StatusOr<std::vector<Decision>> CommitBatch(
      int64_t next_offset, const std::vector<CheckedRequest>& requests) = 0;

  // Every call below returns ABORTED, like CommitBatch, when the writer
  // lock was lost to another worker.

  // Returns up to `limit` decisions not yet marked published, in offset
  // order.
  virtual absl::StatusOr<std::vector<Decision>> LoadUnpublished(int limit) = 0;

  // Marks the decisions at `offsets` as published to Kafka.
  virtual absl::Status MarkPublished(const std::vector<int64_t>& offsets) = 0;

  // Deletes up to `limit` published decisions made before `cutoff` and
  // returns how many it deleted. A retry of a deleted decision's request is
  // decided anew. Accounts are kept.
  virtual absl::StatusOr<int64_t> PruneDecisions(absl::Time cutoff, int limit) = 0;

  // Returns OK when the database returns the result of a trivial query.
  virtual absl::Status Ping() = 0;
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_WORKER_PARTITION_STORE_H_
