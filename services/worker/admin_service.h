// signup.admin.v1.WorkerAdmin: the operator API of one partition worker.
// See proto/signup/admin/v1/admin.proto for the contract of each RPC.
#ifndef SIGNUP_SERVICES_WORKER_ADMIN_SERVICE_H_
#define SIGNUP_SERVICES_WORKER_ADMIN_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/username_policy.h"
#include "services/worker/account_reader.h"
#include "services/worker/partition_worker.h"
#include "services/worker/worker_metrics.h"
#include "signup/admin/v1/admin.grpc.pb.h"

namespace signup {

// The values GetStatus measures outside the worker's loop during the call.
struct StatusProbe {
  // -1 when Kafka did not respond.
  int64_t high_watermark = -1;
  // Set when the database responded; otherwise `database_error` holds the
  // reason.
  std::optional<absl::Duration> database_round_trip;
  std::string database_error;
};

// The parts of a WorkerStatus that do not change while the process runs.
struct WorkerIdentity {
  int32_t partition = 0;
  std::string version;
  std::string username_policy;
  absl::Time started_at;
};

// Builds the GetStatus response; pure.
admin::v1::WorkerStatus ToWorkerStatus(const WorkerIdentity& identity,
                                       const WorkerSnapshot& snapshot,
                                       const StatusProbe& probe, absl::Time now);

class WorkerAdminService final : public admin::v1::WorkerAdmin::Service {
 public:
  // Reads the partition's high watermark, or fails; called from gRPC
  // threads, so it must be thread-safe.
  using HighWatermarkSource = std::function<absl::StatusOr<int64_t>()>;

  // Every pointer must outlive the service.
  WorkerAdminService(WorkerIdentity identity, PartitionWorker* worker,
                     AccountReader* accounts, HighWatermarkSource high_watermark,
                     const UsernamePolicy* username_policy, WorkerMetrics* metrics);

  // Measures the high watermark and the database's round trip, and records
  // them in the metrics. Thread-safe.
  StatusProbe Probe();

  grpc::Status GetStatus(grpc::ServerContext* context,
                         const admin::v1::GetStatusRequest* request,
                         admin::v1::WorkerStatus* response) override;
  grpc::Status LookupAccount(grpc::ServerContext* context,
                             const admin::v1::LookupAccountRequest* request,
                             admin::v1::LookupAccountResponse* response) override;
  grpc::Status Pause(grpc::ServerContext* context, const admin::v1::PauseRequest* request,
                     admin::v1::WorkerStatus* response) override;
  grpc::Status Resume(grpc::ServerContext* context,
                      const admin::v1::ResumeRequest* request,
                      admin::v1::WorkerStatus* response) override;

 private:
  WorkerIdentity identity_;
  PartitionWorker* worker_;
  AccountReader* accounts_;
  HighWatermarkSource high_watermark_;
  const UsernamePolicy* username_policy_;
  WorkerMetrics* metrics_;
  // Whether the last probe of each failed, so that a change is logged once.
  std::atomic<bool> watermark_failing_{false};
  std::atomic<bool> database_failing_{false};
};

}  // namespace signup

#endif  // SIGNUP_SERVICES_WORKER_ADMIN_SERVICE_H_
