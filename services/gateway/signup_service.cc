#include "services/gateway/signup_service.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/common/invalid_argument.h"
#include "services/common/logging.h"
#include "services/common/partitioner.h"
#include "services/gateway/watch_reactor.h"

namespace signup {
namespace {

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

}  // namespace

SignupServiceImpl::SignupServiceImpl(SignupContext context,
                                     ConsumerOptions watch_options,
                                     std::string response_topic,
                                     WorkerAdminClients* workers)
    : context_(std::move(context)),
      watch_options_(std::move(watch_options)),
      response_topic_(std::move(response_topic)),
      workers_(workers) {}

grpc::ServerWriteReactor<v1::SignupEvent>* SignupServiceImpl::Signup(
    grpc::CallbackServerContext* /*call*/, const v1::SignupRequest* request) {
  return new SignupReactor(context_, *request);
}

grpc::ServerWriteReactor<v1::Decision>* SignupServiceImpl::WatchSignups(
    grpc::CallbackServerContext* /*call*/, const v1::WatchSignupsRequest* request) {
  context_.metrics->CountRequest("WatchSignups", "STARTED");
  const DecisionReader::StartFrom start_from =
      request->start_from() == v1::WatchSignupsRequest::START_FROM_BEGINNING
          ? DecisionReader::StartFrom::kBeginning
          : DecisionReader::StartFrom::kNow;
  return new WatchReactor(watch_options_, response_topic_, start_from);
}

void SignupServiceImpl::FinishQuery(grpc::ServerUnaryReactor* reactor,
                                    absl::string_view rpc, absl::Time started,
                                    const grpc::Status& status) {
  context_.metrics->CountRequest(rpc, CodeName(status.error_code()));
  context_.metrics->ObserveRpc(rpc, absl::Now() - started);
  reactor->Finish(status);
}

grpc::Status SignupServiceImpl::CheckWorkersConfigured() const {
  if (workers_ != nullptr) return grpc::Status::OK;
  return grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                      "this gateway was started without --worker_admin_addresses, so it "
                      "cannot ask the workers; restart it with one admin address per "
                      "partition");
}

grpc::Status SignupServiceImpl::LookupFailure(
    absl::string_view rpc, int32_t partition, absl::string_view username,
    const grpc::Status& status, const admin::v1::LookupAccountResponse& lookup) {
  if (status.ok() && lookup.owned_here()) return grpc::Status::OK;
  context_.metrics->CountAdminError(partition);
  if (status.ok()) {
    const std::string message = absl::StrCat(
        "the worker at ", workers_->address(partition), " says partition ",
        lookup.owning_partition(), " owns the name, not ", partition,
        ": check the order of --worker_admin_addresses");
    spdlog::error("{} failed partition={} username=\"{}\" error=\"{}\"", rpc, partition,
                  username, message);
    return grpc::Status(grpc::StatusCode::INTERNAL, message);
  }
  spdlog::warn("{} failed at the worker partition={} address={} username=\"{}\" "
               "code={} error=\"{}\"",
               rpc, partition, workers_->address(partition), username,
               CodeName(status.error_code()), status.error_message());
  // The worker's own INVALID_ARGUMENT cannot happen for a name the gateway
  // accepted under the same policy; anything else means the worker or its
  // database is not answering.
  if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT) return status;
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      absl::StrCat("the worker of partition ", partition, " at ",
                                   workers_->address(partition), " did not answer: ",
                                   CodeName(status.error_code()), ": ",
                                   status.error_message()));
}

void SignupServiceImpl::LookupOwnedName(
    grpc::ServerUnaryReactor* reactor, absl::string_view rpc, absl::Time started,
    const std::string& canonical, OwnedNameHandler on_answer) {
  const int32_t partition = PartitionForUsername(canonical, workers_->partition_count());
  workers_->LookupAccount(
      partition, canonical,
      [this, reactor, rpc, started, partition, canonical, on_answer = std::move(on_answer)](
          grpc::Status status, const admin::v1::LookupAccountResponse& lookup) {
        grpc::Status result = LookupFailure(rpc, partition, canonical, status, lookup);
        if (result.ok()) result = on_answer(partition, lookup);
        FinishQuery(reactor, rpc, started, result);
      });
}

grpc::ServerUnaryReactor* SignupServiceImpl::CheckUsername(
    grpc::CallbackServerContext* call, const v1::CheckUsernameRequest* request,
    v1::CheckUsernameResponse* response) {
  const absl::Time started = absl::Now();
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  if (grpc::Status configured = CheckWorkersConfigured(); !configured.ok()) {
    FinishQuery(reactor, "CheckUsername", started, configured);
    return reactor;
  }
  const CanonicalizeResult username =
      CanonicalizeUsername(request->username(), *context_.username_policy);
  if (username.error.has_value()) {
    response->set_valid(false);
    response->set_invalid_reason(
        std::string(UsernameRejectionReason(username.error->rejection)));
    response->set_message(username.error->message);
    response->set_partition(-1);
    FinishQuery(reactor, "CheckUsername", started, grpc::Status::OK);
    return reactor;
  }

  const std::string canonical = username.username->canonical;
  LookupOwnedName(reactor, "CheckUsername", started, canonical,
                  [response, canonical](int32_t partition,
                                        const admin::v1::LookupAccountResponse& lookup) {
                    response->set_username(canonical);
                    response->set_valid(true);
                    response->set_partition(partition);
                    response->set_available(!lookup.found());
                    return grpc::Status::OK;
                  });
  return reactor;
}

grpc::ServerUnaryReactor* SignupServiceImpl::GetAccount(
    grpc::CallbackServerContext* call, const v1::GetAccountRequest* request,
    admin::v1::Account* response) {
  const absl::Time started = absl::Now();
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  if (grpc::Status configured = CheckWorkersConfigured(); !configured.ok()) {
    FinishQuery(reactor, "GetAccount", started, configured);
    return reactor;
  }
  const CanonicalizeResult username =
      CanonicalizeUsername(request->username(), *context_.username_policy);
  if (username.error.has_value()) {
    FinishQuery(reactor, "GetAccount", started, InvalidUsernameStatus(*username.error));
    return reactor;
  }

  const std::string canonical = username.username->canonical;
  LookupOwnedName(
      reactor, "GetAccount", started, canonical,
      [response, canonical](int32_t partition, const admin::v1::LookupAccountResponse& lookup) {
        if (!lookup.found()) {
          return grpc::Status(grpc::StatusCode::NOT_FOUND,
                              absl::StrCat("no account holds the username \"", canonical,
                                           "\" (partition ", partition, ")"));
        }
        *response = lookup.account();
        return grpc::Status::OK;
      });
  return reactor;
}

grpc::ServerUnaryReactor* SignupServiceImpl::GetClusterStatus(
    grpc::CallbackServerContext* call, const v1::GetClusterStatusRequest* /*request*/,
    v1::ClusterStatus* response) {
  const absl::Time started = absl::Now();
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  if (grpc::Status configured = CheckWorkersConfigured(); !configured.ok()) {
    FinishQuery(reactor, "GetClusterStatus", started, configured);
    return reactor;
  }
  workers_->GetAllStatuses(
      [this, reactor, response, started](std::vector<v1::PartitionStatus> partitions) {
        for (const v1::PartitionStatus& partition : partitions) {
          if (partition.reachable()) continue;
          context_.metrics->CountAdminError(partition.partition());
          spdlog::warn("GetClusterStatus: worker not reachable partition={} address={} "
                       "error=\"{}\"",
                       partition.partition(), partition.admin_address(), partition.error());
        }
        *response = SummarizeCluster(std::move(partitions));
        FinishQuery(reactor, "GetClusterStatus", started, grpc::Status::OK);
      });
  return reactor;
}

}  // namespace signup
