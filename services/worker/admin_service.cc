#include "services/worker/admin_service.h"

#include <google/protobuf/util/time_util.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/invalid_argument.h"
#include "services/common/logging.h"
#include "services/common/partitioner.h"
#include "services/common/unicode_text.h"

namespace signup {
namespace {

using google::protobuf::util::TimeUtil;

constexpr absl::Duration kPauseWait = absl::Seconds(10);

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(time));
}

google::protobuf::Duration ToDurationProto(absl::Duration duration) {
  return TimeUtil::MicrosecondsToDuration(absl::ToInt64Microseconds(duration));
}

admin::v1::State ToProtoState(WorkerState state) {
  switch (state) {
    case WorkerState::kStarting: return admin::v1::STATE_STARTING;
    case WorkerState::kRunning: return admin::v1::STATE_RUNNING;
    case WorkerState::kStandby: return admin::v1::STATE_STANDBY;
    case WorkerState::kRetrying: return admin::v1::STATE_RETRYING;
    case WorkerState::kPausing: return admin::v1::STATE_PAUSING;
    case WorkerState::kPaused: return admin::v1::STATE_PAUSED;
    case WorkerState::kDraining: return admin::v1::STATE_DRAINING;
  }
  return admin::v1::STATE_UNSPECIFIED;
}

}  // namespace

admin::v1::WorkerStatus ToWorkerStatus(const WorkerIdentity& identity,
                                       const WorkerSnapshot& snapshot,
                                       const StatusProbe& probe, absl::Time now) {
  admin::v1::WorkerStatus status;
  status.set_partition(identity.partition);
  status.set_role(RoleOf(snapshot.conditions) == WorkerRole::kActive
                      ? admin::v1::ROLE_ACTIVE
                      : admin::v1::ROLE_STANDBY);
  status.set_state(ToProtoState(StateOf(snapshot.conditions)));
  status.set_serving(IsServing(snapshot.conditions));
  status.set_next_offset(snapshot.next_offset);
  status.set_high_watermark(probe.high_watermark);
  status.set_lag(snapshot.next_offset >= 0 && probe.high_watermark >= 0
                     ? std::max<int64_t>(0, probe.high_watermark - snapshot.next_offset)
                     : -1);

  admin::v1::DecisionCounts& decisions = *status.mutable_decisions();
  decisions.set_created(snapshot.decisions.created);
  decisions.set_username_taken(snapshot.decisions.username_taken);
  decisions.set_rejected(snapshot.decisions.rejected);
  decisions.set_replayed(snapshot.decisions.replayed);

  admin::v1::DatabaseStatus& database = *status.mutable_database();
  database.set_reachable(probe.database_round_trip.has_value());
  if (probe.database_round_trip.has_value()) {
    *database.mutable_round_trip() = ToDurationProto(*probe.database_round_trip);
  }
  database.set_error(probe.database_error);

  if (!snapshot.last_error.operation.empty()) {
    admin::v1::LastError& last_error = *status.mutable_last_error();
    last_error.set_operation(snapshot.last_error.operation);
    last_error.set_message(snapshot.last_error.message);
    *last_error.mutable_time() = ToTimestamp(snapshot.last_error.time);
  }
  status.set_version(identity.version);
  *status.mutable_started_at() = ToTimestamp(identity.started_at);
  *status.mutable_uptime() = ToDurationProto(now - identity.started_at);
  status.set_username_policy(identity.username_policy);
  status.set_partition_count(snapshot.partition_count);
  if (snapshot.conditions.pause_requested) {
    *status.mutable_paused_at() = ToTimestamp(snapshot.paused_at);
    status.set_pause_reason(snapshot.pause_reason);
  }
  return status;
}

WorkerAdminService::WorkerAdminService(WorkerIdentity identity, PartitionWorker* worker,
                                       AccountReader* accounts,
                                       HighWatermarkSource high_watermark,
                                       const UsernamePolicy* username_policy,
                                       WorkerMetrics* metrics)
    : identity_(std::move(identity)),
      worker_(worker),
      accounts_(accounts),
      high_watermark_(std::move(high_watermark)),
      username_policy_(username_policy),
      metrics_(metrics) {}

StatusProbe WorkerAdminService::Probe() {
  StatusProbe probe;
  const absl::StatusOr<int64_t> high_watermark = high_watermark_();
  if (high_watermark.ok()) {
    probe.high_watermark = *high_watermark;
    if (watermark_failing_.exchange(false)) {
      spdlog::info("reading the high watermark works again partition={}", identity_.partition);
    }
  } else {
    metrics_->CountError("kafka", "reading the high watermark");
    if (!watermark_failing_.exchange(true)) {
      spdlog::warn("reading the high watermark failed partition={} error=\"{}\"",
                   identity_.partition, high_watermark.status().message());
    }
  }

  // Logged when the result changes, because the probe runs every second.
  const absl::StatusOr<absl::Duration> round_trip = accounts_->Ping();
  if (round_trip.ok()) {
    probe.database_round_trip = *round_trip;
    if (database_failing_.exchange(false)) {
      spdlog::info("the database answers the admin connection again partition={}",
                   identity_.partition);
    }
  } else {
    probe.database_error = std::string(round_trip.status().message());
    metrics_->CountError("postgres", "pinging the database (admin)");
    if (!database_failing_.exchange(true)) {
      spdlog::warn("the database does not answer the admin connection partition={} "
                   "error=\"{}\"",
                   identity_.partition, probe.database_error);
    }
  }
  metrics_->SetHighWatermark(probe.high_watermark);
  metrics_->SetDatabaseRoundTrip(probe.database_round_trip);
  return probe;
}

grpc::Status WorkerAdminService::GetStatus(grpc::ServerContext*,
                                           const admin::v1::GetStatusRequest*,
                                           admin::v1::WorkerStatus* response) {
  const StatusProbe probe = Probe();
  *response = ToWorkerStatus(identity_, worker_->Snapshot(), probe, absl::Now());
  return grpc::Status::OK;
}

grpc::Status WorkerAdminService::LookupAccount(
    grpc::ServerContext*, const admin::v1::LookupAccountRequest* request,
    admin::v1::LookupAccountResponse* response) {
  const CanonicalizeResult username =
      CanonicalizeUsername(request->username(), *username_policy_);
  if (username.error.has_value()) return InvalidUsernameStatus(*username.error);

  const int32_t partition_count = worker_->Snapshot().partition_count;
  if (partition_count <= 0) {
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        "the worker has not read the request topic's partition count "
                        "yet; retry in a few seconds");
  }
  const int32_t owner = PartitionForUsername(username.username->canonical, partition_count);
  response->set_username(username.username->canonical);
  response->set_owning_partition(owner);
  response->set_owned_here(owner == identity_.partition);
  if (owner != identity_.partition) return grpc::Status::OK;

  const absl::StatusOr<std::optional<StoredAccount>> account =
      accounts_->Lookup(username.username->canonical);
  if (!account.ok()) {
    spdlog::warn("account lookup failed partition={} username=\"{}\" error=\"{}\"",
                 identity_.partition, username.username->canonical,
                 account.status().message());
    return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                        std::string(account.status().message()));
  }
  if (!account->has_value()) return grpc::Status::OK;

  const StoredAccount& stored = **account;
  response->set_found(true);
  admin::v1::Account& found = *response->mutable_account();
  found.set_account_id(stored.account_id);
  found.set_username(stored.username);
  found.set_display_name(stored.display_name);
  *found.mutable_created_at() = ToTimestamp(stored.created_at);
  found.set_request_id(stored.request_id);
  found.set_request_partition(stored.request_partition);
  found.set_request_offset(stored.request_offset);
  return grpc::Status::OK;
}

grpc::Status WorkerAdminService::Pause(grpc::ServerContext* context,
                                       const admin::v1::PauseRequest* request,
                                       admin::v1::WorkerStatus* response) {
  spdlog::info("Pause called partition={} peer={} reason={}", identity_.partition,
               context->peer(), QuoteForMessage(request->reason(), 200));
  worker_->Pause(request->reason());
  worker_->WaitUntilPaused(kPauseWait);
  return GetStatus(context, nullptr, response);
}

grpc::Status WorkerAdminService::Resume(grpc::ServerContext* context,
                                        const admin::v1::ResumeRequest*,
                                        admin::v1::WorkerStatus* response) {
  spdlog::info("Resume called partition={} peer={}", identity_.partition, context->peer());
  worker_->Resume();
  return GetStatus(context, nullptr, response);
}

}  // namespace signup
