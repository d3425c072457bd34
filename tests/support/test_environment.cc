#include "tests/support/test_environment.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <filesystem>
#include <pqxx/pqxx>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/admin/topic_setup.h"
#include "services/common/ksuid.h"

namespace signup::testing {

std::string RequireEnvironment(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    ADD_FAILURE() << "environment variable " << name
                  << " is not set; run the suite through scripts/test, which "
                     "starts Kafka and PostgreSQL and sets it";
    return "";
  }
  return value;
}

std::string Brokers() { return RequireEnvironment("SIGNUP_TEST_BROKERS"); }

std::string PostgresAdminDsn(int server) {
  return RequireEnvironment(absl::StrCat("SIGNUP_TEST_POSTGRES_", server).c_str());
}

std::string UniqueName(absl::string_view prefix) {
  return absl::StrCat(prefix, "_", absl::AsciiStrToLower(Ksuid::Generate().ToString()));
}

std::string ScratchDirectory(absl::string_view name) {
  const char* root = std::getenv("TMPDIR");
  std::filesystem::path path = std::filesystem::path(root != nullptr ? root : "/tmp") /
                               "signup-tests" / UniqueName(name);
  std::filesystem::create_directories(path);
  return path.string();
}

namespace {

// True when a TCP socket can bind 127.0.0.1:`port` right now.
bool PortBindable(int port) {
  const int socket_fd = socket(AF_INET, SOCK_STREAM, 0);
  if (socket_fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  const bool bound =
      bind(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(socket_fd);
  return bound;
}

}  // namespace

int FreePort() {
  // Ports below the kernel's ephemeral range, so that the source port of
  // an outgoing connection (a Kafka or PostgreSQL client's) cannot take a
  // port between this call and the server's bind. Each port is handed out
  // once per test process.
  static std::mutex mutex;
  static std::set<int> handed_out;
  static std::mt19937 random(std::random_device{}());
  int ephemeral_low = 32768;
  if (std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range"); range) {
    range >> ephemeral_low;
  }
  const int low = 20000;
  const int high = std::max(low + 1000, ephemeral_low) - 1;
  std::uniform_int_distribution<int> pick(low, high);

  std::lock_guard lock(mutex);
  for (int attempt = 0; attempt < 10000; ++attempt) {
    const int port = pick(random);
    if (handed_out.contains(port) || !PortBindable(port)) continue;
    handed_out.insert(port);
    return port;
  }
  ADD_FAILURE() << "no free port in " << low << "-" << high;
  return 0;
}

TemporaryDatabase::TemporaryDatabase(int server)
    : server_(server), name_(UniqueName("signup_test")) {
  const std::string admin_dsn = PostgresAdminDsn(server);
  pqxx::connection connection(admin_dsn);
  pqxx::nontransaction(connection).exec("CREATE DATABASE " + name_);
  dsn_ = absl::StrCat(admin_dsn, " dbname=", name_);
}

TemporaryDatabase::~TemporaryDatabase() {
  try {
    pqxx::connection connection(PostgresAdminDsn(server_));
    pqxx::nontransaction(connection).exec("DROP DATABASE IF EXISTS " + name_ +
                                          " WITH (FORCE)");
  } catch (const std::exception& error) {
    ADD_FAILURE() << "cannot drop test database " << name_ << ": " << error.what();
  }
}

TestTopics CreateTestTopics(int32_t partitions) {
  TestTopics topics{UniqueName("signup_request"), UniqueName("signup_response")};
  const absl::Status created = EnsureTopics({
      .brokers = Brokers(),
      .topics = {topics.request, topics.response},
      .partitions = partitions,
  });
  EXPECT_TRUE(created.ok()) << created;
  return topics;
}

}  // namespace signup::testing
