// For the tests of signup-ctl: a gRPC server for a fake service on a free
// loopback port.
#ifndef SIGNUP_CLIENTS_SIGNUP_CTL_LOOPBACK_SERVER_H_
#define SIGNUP_CLIENTS_SIGNUP_CTL_LOOPBACK_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace signup::ctl {

struct LoopbackServer {
  // Null when the server could not start.
  std::unique_ptr<grpc::Server> server;
  // "127.0.0.1:PORT".
  std::string address;
};

// Starts `service`, which must outlive the server, on 127.0.0.1 and a port
// the kernel picks.
inline LoopbackServer StartLoopbackServer(grpc::Service& service) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  LoopbackServer started;
  started.server = builder.BuildAndStart();
  if (started.server == nullptr || port == 0) {
    started.server.reset();
    return started;
  }
  started.address = "127.0.0.1:" + std::to_string(port);
  return started;
}

}  // namespace signup::ctl

#endif  // SIGNUP_CLIENTS_SIGNUP_CTL_LOOPBACK_SERVER_H_
