// Starting a gRPC server the way every server of Distributed Signup runs:
// with server reflection, so that grpcurl works without .proto files, and
// with the standard grpc.health.v1.Health service.
#ifndef SIGNUP_SERVICES_COMMON_GRPC_SERVER_H_
#define SIGNUP_SERVICES_COMMON_GRPC_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace signup {

// A started server and the port it listens on.
struct StartedServer {
  std::unique_ptr<grpc::Server> server;
  // The bound port; differs from the requested one when that was 0.
  int port = 0;
};

// Starts a server on `listen_address` (host:port; port 0 picks a free one)
// serving `services`, reflection and health. Health reports NOT_SERVING
// until the caller sets it. Connections are plaintext: put TLS in front of
// the service. Returns UNAVAILABLE naming the address when it cannot bind.
absl::StatusOr<StartedServer> StartGrpcServer(
    const std::string& listen_address, const std::vector<grpc::Service*>& services);

// Sets the overall health status (service name "") and that of every
// service in `service_names`.
void SetServing(grpc::Server& server, bool serving,
                const std::vector<std::string>& service_names = {});

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_GRPC_SERVER_H_
