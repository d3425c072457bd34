// Runs SignupWatch against a fake SignupService on a loopback port.

#include "clients/signup-ctl/loopback_server.h"
#include "clients/signup-ctl/watch.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <ostream>
#include <sstream>
#include <streambuf>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/signup-ctl/commands.h"
#include "clients/signup-ctl/console.h"
#include "clients/signup-ctl/output.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "signup/v1/signup.grpc.pb.h"

namespace signup::ctl {
namespace {

using std::chrono_literals::operator""ms;

// What the fake gateway does after sending its decisions.
enum class StreamEnd {
  kWaitForCancel,  // keep the stream open until the caller cancels it
  kOk,             // end the stream with OK
  kUnavailable,    // end the stream with UNAVAILABLE
};

signup::v1::Decision MakeDecision(int offset, signup::v1::Outcome outcome) {
  signup::v1::Decision decision;
  decision.set_request_id("req-" + std::to_string(offset));
  decision.set_username("user" + std::to_string(offset));
  decision.set_partition(1);
  decision.set_offset(offset);
  decision.set_outcome(outcome);
  return decision;
}

// A SignupService whose WatchSignups sends `decisions`, then ends the stream
// as `end` selects. It records the start_from of each request.
class FakeWatchService final : public signup::v1::SignupService::Service {
 public:
  std::vector<signup::v1::Decision> decisions;
  StreamEnd end = StreamEnd::kWaitForCancel;

  grpc::Status WatchSignups(grpc::ServerContext* context,
                            const signup::v1::WatchSignupsRequest* request,
                            grpc::ServerWriter<signup::v1::Decision>* writer)
      override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      start_froms_.push_back(request->start_from());
    }
    for (const signup::v1::Decision& decision : decisions) {
      writer->Write(decision);
    }
    switch (end) {
      case StreamEnd::kOk:
        return grpc::Status::OK;
      case StreamEnd::kUnavailable:
        return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                            "the gateway lost the response topic");
      case StreamEnd::kWaitForCancel:
        break;
    }
    while (!context->IsCancelled()) std::this_thread::sleep_for(5ms);
    return grpc::Status(grpc::StatusCode::CANCELLED, "caller gave up");
  }

  std::vector<signup::v1::WatchSignupsRequest::StartFrom> StartFroms() {
    std::lock_guard<std::mutex> lock(mutex_);
    return start_froms_;
  }

 private:
  std::mutex mutex_;
  std::vector<signup::v1::WatchSignupsRequest::StartFrom> start_froms_;
};

// A stream buffer that another thread can wait on until a number of lines
// were written to it.
class LineBuffer final : public std::streambuf {
 public:
  // Returns the text written so far.
  std::string Text() {
    std::lock_guard<std::mutex> lock(mutex_);
    return text_;
  }

  // Waits up to `timeout` until `count` lines were written. Returns whether
  // they were.
  bool WaitForLines(size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    return line_written_.wait_for(lock, timeout, [&] {
      return static_cast<size_t>(
                 std::count(text_.begin(), text_.end(), '\n')) >= count;
    });
  }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return 0;
    const char character = traits_type::to_char_type(c);
    xsputn(&character, 1);
    return c;
  }

  std::streamsize xsputn(const char* data, std::streamsize size) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      text_.append(data, static_cast<size_t>(size));
    }
    line_written_.notify_all();
    return size;
  }

 private:
  std::mutex mutex_;
  std::condition_variable line_written_;
  std::string text_;
};

// A loopback TCP port that accepts connections into its backlog but never
// sends a byte, so a gRPC channel to it stays CONNECTING.
class SilentPort {
 public:
  SilentPort() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (fd_ < 0 ||
        bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        listen(fd_, 4) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      return;
    }
    port_ = ntohs(address.sin_port);
  }

  ~SilentPort() {
    if (fd_ >= 0) close(fd_);
  }

  // The port, or 0 when the socket could not be set up.
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

class WatchTest : public testing::Test {
 protected:
  void StartServer() {
    LoopbackServer started = StartLoopbackServer(service_);
    server_ = std::move(started.server);
    ASSERT_NE(server_, nullptr);
    address_ = started.address;
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  // A watch on a new channel to `address_`.
  std::unique_ptr<SignupWatch> MakeWatch(WatchOptions options) {
    options.gateway = address_;
    return std::make_unique<SignupWatch>(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()),
        console_, options);
  }

  std::vector<std::string> OutputLines() {
    return absl::StrSplit(output_buffer_.Text(), '\n', absl::SkipEmpty());
  }

  FakeWatchService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  LineBuffer output_buffer_;
  std::ostream output_{&output_buffer_};
  std::ostringstream error_;
  Console console_{output_, error_};
};

TEST_F(WatchTest, PrintsTextUntilCancelled) {
  service_.decisions = {MakeDecision(7, signup::v1::OUTCOME_CREATED),
                        MakeDecision(8, signup::v1::OUTCOME_USERNAME_TAKEN)};
  StartServer();
  std::unique_ptr<SignupWatch> watch = MakeWatch(WatchOptions{});

  absl::Status status;
  std::thread runner([&] { status = watch->Run(); });
  const bool printed = output_buffer_.WaitForLines(2, std::chrono::seconds(10));
  watch->Cancel();
  runner.join();

  ASSERT_TRUE(printed) << output_buffer_.Text();
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_TRUE(watch->cancelled());
  const std::vector<std::string> expected = {
      FormatDecisionText(service_.decisions[0]),
      FormatDecisionText(service_.decisions[1]),
  };
  EXPECT_EQ(OutputLines(), expected);
  EXPECT_EQ(expected[0], "1:7 req-7 user7 ✅");
  EXPECT_EQ(service_.StartFroms(),
            std::vector<signup::v1::WatchSignupsRequest::StartFrom>{
                signup::v1::WatchSignupsRequest::START_FROM_NOW});
  EXPECT_EQ(error_.str(), "");
}

TEST_F(WatchTest, FromBeginningAndGatewayEnd) {
  service_.decisions = {MakeDecision(0, signup::v1::OUTCOME_CREATED)};
  service_.end = StreamEnd::kOk;
  StartServer();
  WatchOptions options;
  options.from_beginning = true;
  std::unique_ptr<SignupWatch> watch = MakeWatch(options);

  const absl::Status status = watch->Run();

  EXPECT_TRUE(status.ok()) << status;
  EXPECT_FALSE(watch->cancelled());
  EXPECT_EQ(OutputLines(), std::vector<std::string>{"1:0 req-0 user0 ✅"});
  EXPECT_EQ(service_.StartFroms(),
            std::vector<signup::v1::WatchSignupsRequest::StartFrom>{
                signup::v1::WatchSignupsRequest::START_FROM_BEGINNING});
}

TEST_F(WatchTest, PrintsJsonLines) {
  service_.decisions = {MakeDecision(3, signup::v1::OUTCOME_REJECTED)};
  service_.decisions[0].set_reason("payload could not be decoded");
  service_.end = StreamEnd::kOk;
  StartServer();
  WatchOptions options;
  options.json = true;

  EXPECT_TRUE(MakeWatch(options)->Run().ok());

  const std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 1u) << output_buffer_.Text();
  signup::v1::Decision printed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(lines[0], &printed).ok())
      << lines[0];
  EXPECT_EQ(printed.SerializeAsString(),
            service_.decisions[0].SerializeAsString());
}

TEST_F(WatchTest, StreamErrorReturned) {
  service_.decisions = {MakeDecision(1, signup::v1::OUTCOME_CREATED)};
  service_.end = StreamEnd::kUnavailable;
  StartServer();

  const absl::Status status = MakeWatch(WatchOptions{})->Run();

  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_EQ(status.message(), "the gateway lost the response topic");
  EXPECT_EQ(OutputLines().size(), 1u);
}

TEST_F(WatchTest, SkipsUnprintableDecision) {
  signup::v1::Decision unprintable =
      MakeDecision(1, signup::v1::OUTCOME_CREATED);
  unprintable.mutable_decided_at()->set_seconds(253402300800);  // year 10000
  service_.decisions = {unprintable,
                        MakeDecision(2, signup::v1::OUTCOME_CREATED)};
  service_.end = StreamEnd::kOk;
  StartServer();
  WatchOptions options;
  options.json = true;

  const absl::Status status = MakeWatch(options)->Run();

  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  const std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 1u) << output_buffer_.Text();
  EXPECT_NE(lines[0].find(R"("offset":"2")"), std::string::npos) << lines[0];
  EXPECT_EQ(error_.str().rfind(
                "ERROR WatchSignups: INTERNAL: cannot print signup.v1.Decision "
                "as JSON: ",
                0),
            0u)
      << error_.str();
}

TEST_F(WatchTest, OutputFailureStops) {
  service_.decisions = {MakeDecision(1, signup::v1::OUTCOME_CREATED)};
  StartServer();
  std::ostringstream broken_output;
  broken_output.setstate(std::ios::badbit);
  Console broken_console(broken_output, error_);
  WatchOptions options;
  options.gateway = address_;
  SignupWatch watch(
      grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()),
      broken_console, options);

  // The fake keeps the stream open, so only the failed write can end Run.
  const absl::Status status = watch.Run();

  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
}

TEST_F(WatchTest, CancelBeforeRun) {
  StartServer();
  std::unique_ptr<SignupWatch> watch = MakeWatch(WatchOptions{});

  watch->Cancel();
  const absl::Status status = watch->Run();

  EXPECT_TRUE(status.ok()) << status;
  EXPECT_TRUE(service_.StartFroms().empty());
}

TEST_F(WatchTest, SecondRunRejected) {
  service_.end = StreamEnd::kOk;
  StartServer();
  std::unique_ptr<SignupWatch> watch = MakeWatch(WatchOptions{});

  EXPECT_TRUE(watch->Run().ok());
  const absl::Status second = watch->Run();

  EXPECT_EQ(second.code(), absl::StatusCode::kFailedPrecondition) << second;
  EXPECT_EQ(service_.StartFroms().size(), 1u);
}

TEST_F(WatchTest, UnreachableGateway) {
  // Nothing listens on the port of a server that was started and stopped.
  StartServer();
  server_->Shutdown();
  server_.reset();

  const absl::Status status = MakeWatch(WatchOptions{})->Run();

  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
}

TEST_F(WatchTest, ConnectTimeout) {
  SilentPort silent;
  ASSERT_NE(silent.port(), 0);
  address_ = "127.0.0.1:" + std::to_string(silent.port());
  WatchOptions options;
  options.connect_timeout = absl::Milliseconds(300);

  const absl::Time start = absl::Now();
  const absl::Status status = MakeWatch(options)->Run();
  const absl::Duration elapsed = absl::Now() - start;

  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_NE(status.message().find("within 300ms (--deadline)"),
            std::string::npos)
      << status;
  EXPECT_GE(elapsed, absl::Milliseconds(300));
  EXPECT_LT(elapsed, absl::Seconds(5));
}

TEST_F(WatchTest, CancelEndsConnectWait) {
  SilentPort silent;
  ASSERT_NE(silent.port(), 0);
  address_ = "127.0.0.1:" + std::to_string(silent.port());
  WatchOptions options;
  options.connect_timeout = absl::InfiniteDuration();
  std::unique_ptr<SignupWatch> watch = MakeWatch(options);

  absl::Status status = absl::UnknownError("Run did not return");
  std::thread runner([&] { status = watch->Run(); });
  std::this_thread::sleep_for(200ms);
  const absl::Time cancelled_at = absl::Now();
  watch->Cancel();
  runner.join();

  EXPECT_TRUE(status.ok()) << status;
  EXPECT_LT(absl::Now() - cancelled_at, absl::Seconds(2));
}

TEST_F(WatchTest, CommandExitsOneOnError) {
  service_.end = StreamEnd::kUnavailable;
  StartServer();
  WatchOptions options;
  options.gateway = address_;

  EXPECT_EQ(RunWatchCommand(grpc::CreateChannel(
                                address_, grpc::InsecureChannelCredentials()),
                            console_, options),
            kExitFailed);

  EXPECT_EQ(error_.str(),
            "ERROR WatchSignups: UNAVAILABLE: the gateway lost the response "
            "topic\n");
}

TEST_F(WatchTest, CommandReportsGatewayEnd) {
  service_.end = StreamEnd::kOk;
  StartServer();
  WatchOptions options;
  options.gateway = address_;

  EXPECT_EQ(RunWatchCommand(grpc::CreateChannel(
                                address_, grpc::InsecureChannelCredentials()),
                            console_, options),
            kExitOk);

  EXPECT_EQ(error_.str(),
            "signup-ctl: the gateway ended the WatchSignups stream, so the "
            "watch stopped\n");
}

}  // namespace
}  // namespace signup::ctl
