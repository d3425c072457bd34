// Runs SignupDispatcher against a fake SignupService on a loopback port.

#include "clients/signup-ctl/loopback_server.h"
#include "clients/signup-ctl/dispatcher.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "clients/signup-ctl/console.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "signup/v1/signup.grpc.pb.h"

namespace signup::ctl {
namespace {

using std::chrono_literals::operator""ms;
using std::chrono_literals::operator""s;

// What the fake gateway does with a username.
enum class Script {
  kCreate,            // accepted, then OUTCOME_CREATED
  kTaken,             // accepted, then OUTCOME_USERNAME_TAKEN
  kRejected,          // accepted, then OUTCOME_REJECTED with a reason
  kUnavailable,       // UNAVAILABLE before accepting
  kNoOutcome,         // accepted, then OK without an outcome
  kTwoOutcomes,       // accepted, then two outcomes
  kHangAfterAccept,   // accepted, then waits until the caller gives up
};

// A SignupService that follows a script per username, records the order in
// which requests arrive and the highest number of concurrent calls.
class FakeSignupService final : public signup::v1::SignupService::Service {
 public:
  // Script of each username. Names without an entry get kCreate.
  std::map<std::string, Script> scripts;
  // Delay before sending `accepted`, to give a client that does not wait for
  // it a chance to send the next request first.
  std::chrono::milliseconds accept_delay{0};
  // Number of requests that must have arrived before any outcome is sent.
  int hold_outcomes_until_arrivals = 0;
  // Delay between `accepted` and the outcome.
  std::chrono::milliseconds outcome_delay{0};

  grpc::Status Signup(grpc::ServerContext* context,
                      const signup::v1::SignupRequest* request,
                      grpc::ServerWriter<signup::v1::SignupEvent>* writer)
      override {
    const std::string& username = request->username();
    int sequence = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      sequence = static_cast<int>(arrivals_.size());
      arrivals_.push_back(username);
      accepted_before_arrival_.push_back(accepted_sent_);
      ++active_calls_;
      max_active_calls_ = std::max(max_active_calls_, active_calls_);
    }
    changed_.notify_all();
    const grpc::Status status = Respond(context, username, sequence, writer);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --active_calls_;
    }
    return status;
  }

  // Usernames in the order their requests arrived.
  std::vector<std::string> Arrivals() {
    std::lock_guard<std::mutex> lock(mutex_);
    return arrivals_;
  }

  // For each request in arrival order, the number of `accepted` events the
  // service had sent when the request arrived.
  std::vector<int> AcceptedBeforeArrival() {
    std::lock_guard<std::mutex> lock(mutex_);
    return accepted_before_arrival_;
  }

  // Highest number of calls the service ran at the same time.
  int MaxActiveCalls() {
    std::lock_guard<std::mutex> lock(mutex_);
    return max_active_calls_;
  }

 private:
  grpc::Status Respond(grpc::ServerContext* context,
                       const std::string& username, int sequence,
                       grpc::ServerWriter<signup::v1::SignupEvent>* writer) {
    const auto found = scripts.find(username);
    const Script script = found == scripts.end() ? Script::kCreate
                                                 : found->second;
    if (script == Script::kUnavailable) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                          "Kafka did not acknowledge");
    }

    std::this_thread::sleep_for(accept_delay);
    const std::string request_id = "req-" + std::to_string(sequence);
    signup::v1::SignupEvent accepted;
    accepted.mutable_accepted()->set_request_id(request_id);
    accepted.mutable_accepted()->set_partition(1);
    accepted.mutable_accepted()->set_offset(100 + sequence);
    writer->Write(accepted);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++accepted_sent_;
    }

    if (script == Script::kHangAfterAccept) {
      while (!context->IsCancelled()) std::this_thread::sleep_for(5ms);
      return grpc::Status(grpc::StatusCode::CANCELLED, "caller gave up");
    }
    if (script == Script::kNoOutcome) return grpc::Status::OK;

    {
      // The wait is bounded so that a client that waits for outcomes makes
      // the test fail instead of hang.
      std::unique_lock<std::mutex> lock(mutex_);
      const bool all_arrived = changed_.wait_for(lock, 5s, [&] {
        return static_cast<int>(arrivals_.size()) >=
               hold_outcomes_until_arrivals;
      });
      if (!all_arrived) {
        return grpc::Status(grpc::StatusCode::ABORTED,
                            "the held requests did not all arrive");
      }
    }
    std::this_thread::sleep_for(outcome_delay);

    signup::v1::SignupEvent outcome;
    signup::v1::Decision* decision = outcome.mutable_outcome();
    decision->set_request_id(request_id);
    decision->set_username(username);
    decision->set_partition(1);
    decision->set_offset(100 + sequence);
    switch (script) {
      case Script::kTaken:
        decision->set_outcome(signup::v1::OUTCOME_USERNAME_TAKEN);
        break;
      case Script::kRejected:
        decision->set_outcome(signup::v1::OUTCOME_REJECTED);
        decision->set_reason("test rejection");
        break;
      default:
        decision->set_outcome(signup::v1::OUTCOME_CREATED);
        decision->set_account_id("acct-" + std::to_string(sequence));
        break;
    }
    writer->Write(outcome);
    if (script == Script::kTwoOutcomes) writer->Write(outcome);
    return grpc::Status::OK;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> arrivals_;
  std::vector<int> accepted_before_arrival_;
  int accepted_sent_ = 0;
  int active_calls_ = 0;
  int max_active_calls_ = 0;
};

// Starts `service` on a free loopback port and connects a stub to it.
class DispatcherTest : public testing::Test {
 protected:
  void StartServer() {
    LoopbackServer started = StartLoopbackServer(service_);
    server_ = std::move(started.server);
    ASSERT_NE(server_, nullptr);

    channel_ = grpc::CreateChannel(started.address,
                                   grpc::InsecureChannelCredentials());
    stub_ = signup::v1::SignupService::NewStub(channel_);
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  // Submits every name, finishes and returns the number of failed calls.
  int RunAll(const std::vector<std::string>& usernames,
             DispatcherOptions options) {
    SignupDispatcher dispatcher(*stub_, console_, options);
    for (const std::string& username : usernames) {
      EXPECT_TRUE(dispatcher.Submit(username).ok()) << username;
    }
    return dispatcher.Finish();
  }

  std::vector<std::string> OutputLines() {
    return absl::StrSplit(output_.str(), '\n', absl::SkipEmpty());
  }

  std::vector<std::string> ErrorLines() {
    return absl::StrSplit(error_.str(), '\n', absl::SkipEmpty());
  }

  FakeSignupService service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<signup::v1::SignupService::Stub> stub_;
  std::ostringstream output_;
  std::ostringstream error_;
  Console console_{output_, error_};
};

TEST_F(DispatcherTest, KeepsInputOrderAcrossSlowAccepts) {
  service_.accept_delay = 20ms;
  StartServer();
  const std::vector<std::string> names = {"n0", "n1", "n2", "n3", "n4", "n5"};

  EXPECT_EQ(RunAll(names, DispatcherOptions{}), 0);

  EXPECT_EQ(service_.Arrivals(), names);
  // Request k may arrive only after the k earlier ones were accepted.
  const std::vector<int> accepted_before = service_.AcceptedBeforeArrival();
  ASSERT_EQ(accepted_before.size(), names.size());
  for (size_t k = 0; k < accepted_before.size(); ++k) {
    EXPECT_EQ(accepted_before[k], static_cast<int>(k)) << "request " << k;
  }
  EXPECT_EQ(OutputLines().size(), names.size()) << output_.str();
  EXPECT_EQ(error_.str(), "");
}

TEST_F(DispatcherTest, SendsNextBeforeOutcome) {
  // No outcome is sent before all four requests arrived, so every call would
  // fail with ABORTED if Submit waited for the outcome instead of `accepted`.
  service_.hold_outcomes_until_arrivals = 4;
  StartServer();

  EXPECT_EQ(RunAll({"a", "b", "c", "d"}, DispatcherOptions{}), 0);

  EXPECT_EQ(service_.MaxActiveCalls(), 4);
  EXPECT_EQ(OutputLines().size(), 4u);
}

TEST_F(DispatcherTest, BoundsCallsInFlight) {
  service_.outcome_delay = 30ms;
  StartServer();
  DispatcherOptions options;
  options.max_in_flight = 2;

  EXPECT_EQ(RunAll({"a", "b", "c", "d", "e", "f"}, options), 0);

  EXPECT_EQ(service_.MaxActiveCalls(), 2);
  EXPECT_EQ(OutputLines().size(), 6u);
}

TEST_F(DispatcherTest, PrintsEachOutcomeAsText) {
  service_.scripts = {{"taken", Script::kTaken},
                      {"rejected", Script::kRejected}};
  StartServer();

  EXPECT_EQ(RunAll({"alice", "taken", "rejected"}, DispatcherOptions{}), 0);

  std::vector<std::string> lines = OutputLines();
  std::sort(lines.begin(), lines.end());
  const std::vector<std::string> expected = {
      "1:100 req-0 alice ✅",
      "1:101 req-1 taken ❌",
      "1:102 req-2 rejected ❌ test rejection",
  };
  EXPECT_EQ(lines, expected);
}

TEST_F(DispatcherTest, PrintsJsonLines) {
  StartServer();
  DispatcherOptions options;
  options.json = true;

  EXPECT_EQ(RunAll({"alice"}, options), 0);

  const std::vector<std::string> lines = OutputLines();
  ASSERT_EQ(lines.size(), 1u) << output_.str();
  signup::v1::Decision printed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(lines[0], &printed).ok())
      << lines[0];
  EXPECT_EQ(printed.request_id(), "req-0");
  EXPECT_EQ(printed.username(), "alice");
  EXPECT_EQ(printed.partition(), 1);
  EXPECT_EQ(printed.offset(), 100);
  EXPECT_EQ(printed.outcome(), signup::v1::OUTCOME_CREATED);
  EXPECT_EQ(printed.account_id(), "acct-0");
}

TEST_F(DispatcherTest, ReportsErrorAndContinues) {
  service_.scripts = {{"down", Script::kUnavailable}};
  StartServer();

  EXPECT_EQ(RunAll({"down", "bob"}, DispatcherOptions{}), 1);

  EXPECT_EQ(error_.str(), "ERROR down: UNAVAILABLE: Kafka did not acknowledge\n");
  EXPECT_EQ(OutputLines(), std::vector<std::string>{"1:101 req-1 bob ✅"});
}

TEST_F(DispatcherTest, MissingOutcomeIsError) {
  service_.scripts = {{"silent", Script::kNoOutcome}};
  StartServer();

  EXPECT_EQ(RunAll({"silent"}, DispatcherOptions{}), 1);

  EXPECT_EQ(error_.str(),
            "ERROR silent: INTERNAL: the gateway ended the stream with OK but "
            "without an outcome\n");
  EXPECT_EQ(output_.str(), "");
}

TEST_F(DispatcherTest, SecondOutcomeIsError) {
  service_.scripts = {{"twice", Script::kTwoOutcomes}};
  StartServer();

  EXPECT_EQ(RunAll({"twice"}, DispatcherOptions{}), 1);

  EXPECT_EQ(OutputLines().size(), 1u) << output_.str();
  EXPECT_EQ(error_.str(),
            "ERROR twice: INTERNAL: the gateway sent a second outcome for the "
            "same request\n");
}

TEST_F(DispatcherTest, DeadlineEndsHungCall) {
  service_.scripts = {{"hang", Script::kHangAfterAccept}};
  StartServer();
  DispatcherOptions options;
  options.deadline = absl::Milliseconds(200);

  EXPECT_EQ(RunAll({"hang", "bob"}, options), 1);

  const std::vector<std::string> errors = ErrorLines();
  ASSERT_EQ(errors.size(), 1u) << error_.str();
  EXPECT_EQ(errors[0].rfind("ERROR hang: DEADLINE_EXCEEDED: ", 0), 0u)
      << errors[0];
  EXPECT_EQ(OutputLines(), std::vector<std::string>{"1:101 req-1 bob ✅"});
}

TEST_F(DispatcherTest, UnreachableGatewayIsError) {
  // Nothing listens on the port of a server that was started and stopped.
  StartServer();
  server_->Shutdown();
  server_.reset();
  DispatcherOptions options;
  options.deadline = absl::Seconds(5);

  EXPECT_EQ(RunAll({"alice"}, options), 1);

  EXPECT_EQ(error_.str().rfind("ERROR alice: UNAVAILABLE: ", 0), 0u)
      << error_.str();
}

}  // namespace
}  // namespace signup::ctl
