#include "clients/signup-ctl/query_calls.h"

#include "clients/signup-ctl/rpc_status.h"
#include "grpcpp/client_context.h"

namespace signup::ctl {
namespace {

void SetDeadline(grpc::ClientContext& context, absl::Duration deadline) {
  if (deadline != absl::InfiniteDuration()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  }
}

}  // namespace

absl::StatusOr<signup::v1::CheckUsernameResponse> CallCheckUsername(
    signup::v1::SignupService::StubInterface& stub,
    const std::string& username, absl::Duration deadline) {
  grpc::ClientContext context;
  SetDeadline(context, deadline);
  signup::v1::CheckUsernameRequest request;
  request.set_username(username);

  signup::v1::CheckUsernameResponse response;
  const grpc::Status status = stub.CheckUsername(&context, request, &response);
  if (!status.ok()) return StatusFromGrpc(status);
  return response;
}

absl::StatusOr<signup::admin::v1::Account> CallGetAccount(
    signup::v1::SignupService::StubInterface& stub,
    const std::string& username, absl::Duration deadline) {
  grpc::ClientContext context;
  SetDeadline(context, deadline);
  signup::v1::GetAccountRequest request;
  request.set_username(username);

  signup::admin::v1::Account account;
  const grpc::Status status = stub.GetAccount(&context, request, &account);
  if (!status.ok()) return StatusFromGrpc(status);
  return account;
}

absl::StatusOr<signup::v1::ClusterStatus> CallGetClusterStatus(
    signup::v1::SignupService::StubInterface& stub, absl::Duration deadline) {
  grpc::ClientContext context;
  SetDeadline(context, deadline);

  signup::v1::ClusterStatus cluster;
  const grpc::Status status = stub.GetClusterStatus(
      &context, signup::v1::GetClusterStatusRequest(), &cluster);
  if (!status.ok()) return StatusFromGrpc(status);
  return cluster;
}

}  // namespace signup::ctl
