// The gateway's clients of the workers' admin APIs: one channel per
// partition, to the address given for it in --worker-admin-addresses.
// Calls are asynchronous, so a query waits for a worker without holding a
// gRPC server thread.
#ifndef SIGNUP_SERVICES_GATEWAY_WORKER_ADMIN_CLIENTS_H_
#define SIGNUP_SERVICES_GATEWAY_WORKER_ADMIN_CLIENTS_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "signup/admin/v1/admin.grpc.pb.h"
#include "signup/v1/signup.pb.h"

namespace signup {

class WorkerAdminClients {
 public:
  // Parses a comma-separated list of host:port addresses, the one of
  // partition 0 first. Returns INVALID_ARGUMENT naming the entry when one
  // is empty or has no port. Nothing connects until the first call.
  static absl::StatusOr<std::unique_ptr<WorkerAdminClients>> Create(
      absl::string_view addresses, absl::Duration call_timeout);

  // The number of partitions, one per address.
  int32_t partition_count() const { return static_cast<int32_t>(workers_.size()); }
  const std::string& address(int32_t partition) const { return workers_[partition].address; }

  // Asks the worker of `partition` (from 0 to partition_count() - 1) to look
  // up `username`. `done` runs once, on a gRPC thread, with the status and
  // the answer.
  void LookupAccount(
      int32_t partition, const std::string& username,
      std::function<void(grpc::Status, const admin::v1::LookupAccountResponse&)> done);

  // Asks every worker for its status at once, and runs `done` once, on a
  // gRPC thread, with every partition's entry in partition order.
  void GetAllStatuses(std::function<void(std::vector<v1::PartitionStatus>)> done);

 private:
  struct Worker {
    std::string address;
    std::unique_ptr<admin::v1::WorkerAdmin::Stub> stub;
  };

  WorkerAdminClients(std::vector<Worker> workers, absl::Duration call_timeout)
      : workers_(std::move(workers)), call_timeout_(call_timeout) {}

  std::vector<Worker> workers_;
  absl::Duration call_timeout_;
};

// Builds the cluster view from every partition's entry: the entries in
// partition order, the total lag of the reachable workers, and how many
// serve. Pure.
v1::ClusterStatus SummarizeCluster(std::vector<v1::PartitionStatus> partitions);

}  // namespace signup

#endif  // SIGNUP_SERVICES_GATEWAY_WORKER_ADMIN_CLIENTS_H_
