#include "clients/signup-load/claim_sender.h"

#include <algorithm>
#include <thread>

#include "absl/strings/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/support/sync_stream.h"
#include "services/common/backoff.h"

namespace signup::load {
namespace {

std::string OutcomeName(signup::v1::Outcome outcome) {
  switch (outcome) {
    case signup::v1::OUTCOME_CREATED:
      return "created";
    case signup::v1::OUTCOME_USERNAME_TAKEN:
      return "username_taken";
    case signup::v1::OUTCOME_REJECTED:
      return "rejected";
    default:
      return "unspecified";
  }
}

}  // namespace

std::vector<Gateway> ConnectGateways(const std::vector<std::string>& addresses) {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);

  std::vector<Gateway> gateways;
  for (const std::string& address : addresses) {
    Gateway gateway;
    gateway.address = address;
    gateway.stub = signup::v1::SignupService::NewStub(grpc::CreateCustomChannel(
        address, grpc::InsecureChannelCredentials(), arguments));
    gateways.push_back(std::move(gateway));
  }
  return gateways;
}

std::string StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK: return "OK";
    case grpc::StatusCode::CANCELLED: return "CANCELLED";
    case grpc::StatusCode::UNKNOWN: return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND: return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED: return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL: return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS: return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED: return "UNAUTHENTICATED";
    default: return absl::StrCat("CODE_", static_cast<int>(code));
  }
}

bool IsRetryableStatus(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::INTERNAL:
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::ABORTED:
      return true;
    default:
      return false;
  }
}

AttemptResult RunSignupAttempt(signup::v1::SignupService::StubInterface& stub,
                               const std::string& gateway_address,
                               const std::string& request_id,
                               const std::string& username, absl::Time deadline) {
  AttemptResult result;
  AttemptRecord& record = result.record;
  record.request_id = request_id;
  record.username = username;
  record.gateway = gateway_address;

  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(deadline));
  signup::v1::SignupRequest request;
  request.set_username(username);
  request.set_request_id(request_id);
  std::unique_ptr<grpc::ClientReaderInterface<signup::v1::SignupEvent>> reader =
      stub.Signup(&context, request);

  bool second_outcome = false;
  signup::v1::SignupEvent event;
  while (reader->Read(&event)) {
    if (event.has_accepted() && !record.accepted) {
      record.accepted = true;
      record.partition = event.accepted().partition();
      record.offset = event.accepted().offset();
    } else if (event.has_outcome()) {
      if (record.decided) {
        second_outcome = true;
        continue;
      }
      const signup::v1::Decision& decision = event.outcome();
      record.decided = true;
      record.outcome = OutcomeName(decision.outcome());
      record.account_id = decision.account_id();
      record.replay = decision.replay();
      record.original_offset = decision.original_offset();
      record.decision_partition = decision.partition();
      record.decision_offset = decision.offset();
    }
  }

  const grpc::Status status = reader->Finish();
  result.code = status.error_code();
  record.error_message = status.error_message();
  if (second_outcome) {
    result.code = grpc::StatusCode::INTERNAL;
    record.error_message = kSecondOutcomeMessage;
  } else if (status.ok() && !record.decided) {
    result.code = grpc::StatusCode::INTERNAL;
    record.error_message = "the gateway ended the stream with OK but without an outcome";
  }
  record.status = StatusCodeName(result.code);
  return result;
}

ClaimResult SendClaim(const Claim& claim, const std::vector<Gateway>& gateways,
                      size_t first_gateway, const RetryOptions& options,
                      RecordWriter& writer) {
  ClaimResult result;
  const absl::Time claim_end = absl::Now() + options.claim_deadline;
  Backoff backoff(options.initial_backoff, options.max_backoff);
  size_t gateway_index = first_gateway % gateways.size();

  while (true) {
    const Gateway& gateway = gateways[gateway_index];
    const absl::Time started = absl::Now();
    const absl::Time deadline = std::min(started + options.attempt_deadline, claim_end);
    AttemptResult attempt = RunSignupAttempt(*gateway.stub, gateway.address,
                                             claim.request_id, claim.username, deadline);
    AttemptRecord& record = attempt.record;
    record.claim = claim.index;
    record.kind = std::string(ClaimKindName(claim.kind));
    record.attempt = ++result.attempts;
    record.elapsed_ms = absl::ToInt64Milliseconds(absl::Now() - started);
    writer.Append(record);
    result.last_status = record.status;

    // An outcome is the decision even when the stream then broke.
    if (record.decided) {
      result.decided = true;
      return result;
    }
    if (!IsRetryableStatus(attempt.code)) return result;

    const absl::Duration delay = backoff.NextDelay();
    if (absl::Now() + delay >= claim_end) return result;
    absl::SleepFor(delay);
    gateway_index = (gateway_index + 1) % gateways.size();
  }
}

}  // namespace signup::load
