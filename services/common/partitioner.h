// The partition of account.signup_request that a username belongs to.
#ifndef SIGNUP_SERVICES_COMMON_PARTITIONER_H_
#define SIGNUP_SERVICES_COMMON_PARTITIONER_H_

#include <cstdint>
#include "absl/strings/string_view.h"

namespace signup {

// Returns the partition, in [0, partition_count), where a producer using
// Kafka's murmur2 partitioner stores a message keyed by `username`. The Java
// client's default partitioner and librdkafka's "murmur2_random" agree on it
// for every non-empty key, so producers in other languages route a username
// to the same worker. Requires a non-empty username and partition_count > 0.
int32_t PartitionForUsername(absl::string_view username, int32_t partition_count);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_PARTITIONER_H_
