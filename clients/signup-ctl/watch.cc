#include "clients/signup-ctl/watch.h"

#include <algorithm>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "clients/signup-ctl/output.h"
#include "clients/signup-ctl/rpc_status.h"
#include "grpcpp/support/sync_stream.h"

namespace signup::ctl {
namespace {

// How often the connection wait checks whether Cancel was called.
constexpr absl::Duration kCancelPollInterval = absl::Milliseconds(100);

// The subject of this subcommand's error lines.
constexpr char kRpcName[] = "WatchSignups";

}  // namespace

SignupWatch::SignupWatch(std::shared_ptr<grpc::Channel> channel,
                         Console& console, WatchOptions options)
    : channel_(std::move(channel)),
      stub_(signup::v1::SignupService::NewStub(channel_)),
      console_(console),
      options_(std::move(options)) {}

absl::Status SignupWatch::Run() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (started_) {
      return absl::FailedPreconditionError(
          "SignupWatch::Run was called a second time");
    }
    started_ = true;
  }

  const absl::Status connected = WaitUntilConnected();
  if (!connected.ok()) return connected;

  grpc::ClientContext context;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (cancelled_) return absl::OkStatus();
    context_ = &context;
  }

  signup::v1::WatchSignupsRequest request;
  request.set_start_from(options_.from_beginning
                             ? signup::v1::WatchSignupsRequest::START_FROM_BEGINNING
                             : signup::v1::WatchSignupsRequest::START_FROM_NOW);
  std::unique_ptr<grpc::ClientReaderInterface<signup::v1::Decision>> reader =
      stub_->WatchSignups(&context, request);

  int unformatted = 0;
  bool output_failed = false;
  signup::v1::Decision decision;
  while (reader->Read(&decision)) {
    const absl::Status printed = PrintDecision(decision);
    if (absl::IsAborted(printed)) {
      // Nothing can be printed any more, so stop the stream and discard what
      // is still buffered before calling Finish.
      output_failed = true;
      context.TryCancel();
      while (reader->Read(&decision)) {
      }
      break;
    }
    if (!printed.ok()) ++unformatted;
  }
  const grpc::Status status = reader->Finish();

  bool cancelled = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    context_ = nullptr;
    cancelled = cancelled_;
  }

  if (output_failed) {
    return absl::AbortedError(
        "writing a decision to the output failed, so the watch stopped");
  }
  if (!status.ok() && !cancelled) return StatusFromGrpc(status);
  if (unformatted > 0) {
    return absl::InternalError(absl::StrCat(
        unformatted,
        " decision(s) could not be printed as JSON, as reported above"));
  }
  return absl::OkStatus();
}

void SignupWatch::Cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
  if (context_ != nullptr) context_->TryCancel();
}

bool SignupWatch::cancelled() {
  std::lock_guard<std::mutex> lock(mutex_);
  return cancelled_;
}

absl::Status SignupWatch::WaitUntilConnected() {
  // absl::Now() plus an infinite duration is absl::InfiniteFuture(), so the
  // comparisons below never time out then.
  const absl::Time deadline = absl::Now() + options_.connect_timeout;

  grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/true);
  while (state != GRPC_CHANNEL_READY) {
    if (cancelled()) return absl::OkStatus();
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE ||
        state == GRPC_CHANNEL_SHUTDOWN) {
      // A call on a failed channel fails at once with UNAVAILABLE and gRPC's
      // reason, such as "Connection refused", which this state lacks.
      return absl::OkStatus();
    }

    const absl::Time now = absl::Now();
    if (now >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no connection to the gateway at ", options_.gateway, " within ",
          absl::FormatDuration(options_.connect_timeout),
          " (--deadline). Check --gateway, or raise --deadline"));
    }
    // Waking at least every kCancelPollInterval lets Cancel end the wait.
    const absl::Time wake_up = std::min(deadline, now + kCancelPollInterval);
    channel_->WaitForStateChange(state, absl::ToChronoTime(wake_up));
    state = channel_->GetState(/*try_to_connect=*/true);
  }
  return absl::OkStatus();
}

absl::Status SignupWatch::PrintDecision(const signup::v1::Decision& decision) {
  std::string line;
  if (options_.json) {
    absl::StatusOr<std::string> json = FormatDecisionJson(decision);
    if (!json.ok()) {
      console_.PrintError(FormatCallError(kRpcName, json.status()));
      return json.status();
    }
    line = *std::move(json);
  } else {
    line = FormatDecisionText(decision);
  }

  if (!console_.PrintOutput(line)) {
    return absl::AbortedError("writing to the output failed");
  }
  return absl::OkStatus();
}

}  // namespace signup::ctl
