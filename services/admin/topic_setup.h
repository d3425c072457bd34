// Creation of the request and response topics with the partition count
// that matches the number of partition databases.
#ifndef SIGNUP_SERVICES_ADMIN_TOPIC_SETUP_H_
#define SIGNUP_SERVICES_ADMIN_TOPIC_SETUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace signup {

struct TopicSetupOptions {
  std::string brokers;
  std::vector<std::string> topics;
  int32_t partitions = 3;
  int16_t replication_factor = 1;
  absl::Duration timeout = absl::Seconds(30);
};

// Creates each topic that does not exist with `partitions` partitions.
// Returns FAILED_PRECONDITION naming the topic and both counts when an
// existing topic has another partition count, because each partition must
// map to exactly one database; UNAVAILABLE when the broker cannot be
// reached; and INVALID_ARGUMENT for a creation the broker rejects.
absl::Status EnsureTopics(const TopicSetupOptions& options);

}  // namespace signup

#endif  // SIGNUP_SERVICES_ADMIN_TOPIC_SETUP_H_
