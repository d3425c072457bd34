#include "services/gateway/worker_admin_clients.h"

#include <atomic>
#include <mutex>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace signup {

absl::StatusOr<std::unique_ptr<WorkerAdminClients>> WorkerAdminClients::Create(
    absl::string_view addresses, absl::Duration call_timeout) {
  std::vector<Worker> workers;
  int32_t partition = 0;
  for (absl::string_view entry : absl::StrSplit(addresses, ',')) {
    entry = absl::StripAsciiWhitespace(entry);
    const size_t colon = entry.rfind(':');
    if (entry.empty() || colon == absl::string_view::npos || colon + 1 == entry.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid --worker_admin_addresses entry ", partition, " \"", entry,
          "\": give one host:port per partition, in partition order, separated "
          "by commas, such as 127.0.0.1:50071,127.0.0.1:50072"));
    }
    Worker worker;
    worker.address = std::string(entry);
    worker.stub = admin::v1::WorkerAdmin::NewStub(
        grpc::CreateChannel(worker.address, grpc::InsecureChannelCredentials()));
    workers.push_back(std::move(worker));
    ++partition;
  }
  return std::unique_ptr<WorkerAdminClients>(
      new WorkerAdminClients(std::move(workers), call_timeout));
}

void WorkerAdminClients::LookupAccount(
    int32_t partition, const std::string& username,
    std::function<void(grpc::Status, const admin::v1::LookupAccountResponse&)> done) {
  // Owns what the asynchronous call refers to until its callback ran.
  struct Call {
    grpc::ClientContext context;
    admin::v1::LookupAccountRequest request;
    admin::v1::LookupAccountResponse response;
  };
  auto call = std::make_shared<Call>();
  call->context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
  call->request.set_username(username);
  workers_[partition].stub->async()->LookupAccount(
      &call->context, &call->request, &call->response,
      [call, done = std::move(done)](grpc::Status status) { done(status, call->response); });
}

void WorkerAdminClients::GetAllStatuses(
    std::function<void(std::vector<v1::PartitionStatus>)> done) {
  // Collects the responses; the last callback to arrive runs `done`.
  struct Gather {
    std::mutex mutex;
    std::vector<v1::PartitionStatus> partitions;
    std::atomic<size_t> remaining;
    std::function<void(std::vector<v1::PartitionStatus>)> done;
  };
  struct Call {
    grpc::ClientContext context;
    admin::v1::GetStatusRequest request;
    admin::v1::WorkerStatus response;
  };
  auto gather = std::make_shared<Gather>();
  gather->partitions.resize(workers_.size());
  gather->remaining = workers_.size();
  gather->done = std::move(done);
  if (workers_.empty()) {
    gather->done({});
    return;
  }

  for (size_t index = 0; index < workers_.size(); ++index) {
    const int32_t partition = static_cast<int32_t>(index);
    auto call = std::make_shared<Call>();
    call->context.set_deadline(absl::ToChronoTime(absl::Now() + call_timeout_));
    const std::string address = workers_[index].address;
    workers_[index].stub->async()->GetStatus(
        &call->context, &call->request, &call->response,
        [gather, call, partition, address](grpc::Status status) {
          {
            std::lock_guard lock(gather->mutex);
            v1::PartitionStatus& entry = gather->partitions[partition];
            entry.set_partition(partition);
            entry.set_admin_address(address);
            if (!status.ok()) {
              entry.set_error(absl::StrCat(
                  "GetStatus failed: ",
                  absl::StatusCodeToString(static_cast<absl::StatusCode>(status.error_code())),
                  ": ", status.error_message()));
            } else if (call->response.partition() != partition) {
              entry.set_error(absl::StrCat(
                  "the worker at ", address, " serves partition ",
                  call->response.partition(), ", not ", partition,
                  ": fix the order of --worker_admin_addresses"));
            } else {
              entry.set_reachable(true);
              *entry.mutable_worker() = std::move(call->response);
            }
          }
          if (gather->remaining.fetch_sub(1) == 1) {
            gather->done(std::move(gather->partitions));
          }
        });
  }
}

v1::ClusterStatus SummarizeCluster(std::vector<v1::PartitionStatus> partitions) {
  v1::ClusterStatus cluster;
  int64_t total_lag = 0;
  int32_t serving = 0;
  for (v1::PartitionStatus& partition : partitions) {
    if (partition.reachable()) {
      if (partition.worker().lag() > 0) total_lag += partition.worker().lag();
      if (partition.worker().serving()) ++serving;
    }
    *cluster.add_partitions() = std::move(partition);
  }
  cluster.set_total_lag(total_lag);
  cluster.set_serving_partitions(serving);
  return cluster;
}

}  // namespace signup
