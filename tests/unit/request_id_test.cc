#include "services/common/request_id.h"

#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/common/ksuid.h"

namespace signup {
namespace {

TEST(ValidateRequestIdTest, AcceptsEveryAllowedCharacter) {
  for (const std::string id :
       {"a", "Z", "0", "order-17", "client_1.retry:2", "ABCxyz019._:-",
        "0ujtsYcgvSTl8PAuAdqWYSMnLOv"}) {
    EXPECT_TRUE(ValidateRequestId(id).ok()) << id;
  }
}

TEST(ValidateRequestIdTest, AcceptsMaxLength) {
  const std::string id(kMaxRequestIdLength, 'r');
  EXPECT_TRUE(ValidateRequestId(id).ok());
}

TEST(ValidateRequestIdTest, RejectsEmpty) {
  EXPECT_EQ(ValidateRequestId("").code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateRequestIdTest, RejectsOverMaxLength) {
  const std::string id(kMaxRequestIdLength + 1, 'r');
  const absl::Status status = ValidateRequestId(id);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), id)) << status;
}

TEST(ValidateRequestIdTest, RejectsCharactersOutsideSet) {
  for (const std::string id : {"a b", "a/b", "a+b", "a@b", "a#b", "a\tb", "a\"b", "a'b",
                               "a,b", "a;b", "a\\b", "a=b", "a~b"}) {
    EXPECT_EQ(ValidateRequestId(id).code(), absl::StatusCode::kInvalidArgument) << id;
  }
}

TEST(ValidateRequestIdTest, RejectsNonAscii) {
  EXPECT_EQ(ValidateRequestId("caf\xc3\xa9").code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateRequestIdTest, RejectsNulByte) {
  const std::string id("ab\0cd", 5);
  EXPECT_EQ(ValidateRequestId(id).code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateRequestIdTest, MessageNamesId) {
  const absl::Status status = ValidateRequestId("bad id");
  EXPECT_TRUE(absl::StrContains(status.message(), "\"bad id\"")) << status;
}

TEST(ValidateRequestIdTest, MessageEscapesBytes) {
  // The message goes back to a gRPC caller, so raw bytes are escaped.
  const absl::Status status = ValidateRequestId("a\xff\n");
  EXPECT_TRUE(absl::StrContains(status.message(), "a\\xff\\n")) << status;
}

TEST(GenerateRequestIdTest, IsValid) {
  const std::string id = GenerateRequestId();
  EXPECT_TRUE(ValidateRequestId(id).ok()) << id;
}

TEST(GenerateRequestIdTest, IsKsuid) {
  const std::string id = GenerateRequestId();
  EXPECT_TRUE(Ksuid::Parse(id).ok()) << id;
}

TEST(GenerateRequestIdTest, IsUnique) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(GenerateRequestId());
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace signup
