#include "clients/signup-load/workload.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace signup::load {
namespace {

// Returns `value` in base 36 with digits and lowercase letters, which both
// username policies of the service (precis and ascii) keep unchanged.
std::string Base36(uint64_t value) {
  constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string text;
  do {
    text.insert(text.begin(), kDigits[value % 36]);
    value /= 36;
  } while (value != 0);
  return text;
}

// Returns a uniformly drawn element of `candidates`, which must not be empty.
int64_t PickFrom(const std::vector<int64_t>& candidates, std::mt19937_64& random) {
  std::uniform_int_distribution<size_t> pick(0, candidates.size() - 1);
  return candidates[pick(random)];
}

}  // namespace

absl::string_view ClaimKindName(ClaimKind kind) {
  switch (kind) {
    case ClaimKind::kFirst:
      return "first";
    case ClaimKind::kDuplicate:
      return "duplicate";
    case ClaimKind::kRetry:
      return "retry";
  }
  return "unknown";
}

absl::StatusOr<std::vector<Claim>> GenerateWorkload(const WorkloadOptions& options) {
  if (options.requests < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid request count ", options.requests, ": it must be at least 0"));
  }
  for (const double share : {options.duplicate_share, options.retry_share}) {
    if (!(share >= 0 && share <= 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid share ", share, ": it must be from 0 to 1"));
    }
  }
  const auto duplicates =
      static_cast<int64_t>(std::llround(options.requests * options.duplicate_share));
  const auto retries =
      static_cast<int64_t>(std::llround(options.requests * options.retry_share));
  const int64_t firsts = options.requests - duplicates - retries;
  if (options.requests > 0 && firsts < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--duplicate-share=", options.duplicate_share, " and --retry-share=",
        options.retry_share, " leave no claim of a new username out of ",
        options.requests, "; their sum must stay below 1"));
  }

  std::mt19937_64 random(options.seed);
  std::vector<ClaimKind> kinds;
  kinds.reserve(options.requests);
  kinds.insert(kinds.end(), firsts, ClaimKind::kFirst);
  kinds.insert(kinds.end(), duplicates, ClaimKind::kDuplicate);
  kinds.insert(kinds.end(), retries, ClaimKind::kRetry);
  std::shuffle(kinds.begin(), kinds.end(), random);
  // Duplicates and retries need an earlier claim to refer to.
  if (!kinds.empty() && kinds.front() != ClaimKind::kFirst) {
    std::iter_swap(kinds.begin(), std::find(kinds.begin(), kinds.end(), ClaimKind::kFirst));
  }

  const std::string tag = Base36(options.seed);
  std::vector<Claim> claims;
  claims.reserve(kinds.size());
  std::vector<int64_t> all_indexes;      // every claim so far
  std::vector<int64_t> original_indexes;  // every claim so far that is not a retry
  for (int64_t index = 0; index < static_cast<int64_t>(kinds.size()); ++index) {
    Claim claim;
    claim.index = index;
    claim.kind = kinds[index];
    switch (claim.kind) {
      case ClaimKind::kFirst:
        claim.request_id = absl::StrCat("load-", tag, "-", index);
        claim.username = absl::StrCat("u", tag, "n", index);
        break;
      case ClaimKind::kDuplicate: {
        claim.original = PickFrom(all_indexes, random);
        claim.request_id = absl::StrCat("load-", tag, "-", index);
        claim.username = claims[claim.original].username;
        break;
      }
      case ClaimKind::kRetry: {
        claim.original = PickFrom(original_indexes, random);
        claim.request_id = claims[claim.original].request_id;
        claim.username = claims[claim.original].username;
        break;
      }
    }
    all_indexes.push_back(index);
    if (claim.kind != ClaimKind::kRetry) original_indexes.push_back(index);
    claims.push_back(std::move(claim));
  }
  return claims;
}

}  // namespace signup::load
