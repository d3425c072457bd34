#include "services/common/partitioner.h"

#include <librdkafka/rdkafka.h>

namespace signup {

int32_t PartitionForUsername(absl::string_view username,
                             int32_t partition_count) {
  // librdkafka's murmur2 partitioner reads only the key and the partition
  // count (librdkafka 2.0, src/rdkafka_msg.c), so no topic handle is needed.
  return rd_kafka_msg_partitioner_murmur2(nullptr, username.data(),
                                          username.size(), partition_count,
                                          nullptr, nullptr);
}

}  // namespace signup
