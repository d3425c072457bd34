#include "services/common/grpc_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"

namespace signup {

absl::StatusOr<StartedServer> StartGrpcServer(
    const std::string& listen_address, const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  // gRPC serves health from its own internal code; referencing the generated
  // descriptor links it in, so that reflection can describe the service.
  grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  StartedServer started;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen_address, grpc::InsecureServerCredentials(),
                           &started.port);
  for (grpc::Service* service : services) builder.RegisterService(service);
  started.server = builder.BuildAndStart();
  if (started.server == nullptr || started.port == 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", listen_address,
        ": the address is invalid or in use; choose another address"));
  }
  SetServing(*started.server, false);
  return started;
}

void SetServing(grpc::Server& server, bool serving,
                const std::vector<std::string>& service_names) {
  grpc::HealthCheckServiceInterface* health = server.GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus(serving);
  for (const std::string& name : service_names) {
    health->SetServingStatus(name, serving);
  }
}

}  // namespace signup
