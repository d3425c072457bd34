// Topic metadata queries, shared by producers and consumers.
#ifndef SIGNUP_SERVICES_COMMON_KAFKA_METADATA_H_
#define SIGNUP_SERVICES_COMMON_KAFKA_METADATA_H_

#include <librdkafka/rdkafkacpp.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace signup {

// Returns the partition count of `topic` through `handle`'s connection.
// Returns NOT_FOUND when the broker does not know the topic, and
// UNAVAILABLE when no broker answered within `timeout`.
absl::StatusOr<int32_t> QueryPartitionCount(RdKafka::Handle& handle,
                                            const std::string& topic,
                                            absl::Duration timeout);

}  // namespace signup

#endif  // SIGNUP_SERVICES_COMMON_KAFKA_METADATA_H_
