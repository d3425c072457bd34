#include "services/common/username_policy.h"

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "services/common/unicode_text.h"

namespace signup {
namespace {

UsernamePolicy Precis() { return UsernamePolicy{}; }

UsernamePolicy Ascii() {
  UsernamePolicy policy;
  policy.kind = UsernamePolicyKind::kAscii;
  return policy;
}

std::string Repeat(absl::string_view text, int count) {
  std::string result;
  for (int i = 0; i < count; ++i) result.append(text.data(), text.size());
  return result;
}

// One input and what canonicalizing it must produce: a canonical form, or a
// rejection reason with the index of the offending code point (-1 for none).
struct Case {
  std::string name;
  std::string input;
  std::string canonical;
  std::string reason;
  int index = -1;
};

Case Accepts(std::string name, std::string input, std::string canonical) {
  return {.name = std::move(name), .input = std::move(input), .canonical = std::move(canonical)};
}

Case Rejects(std::string name, std::string input, std::string reason, int index = -1) {
  return {.name = std::move(name), .input = std::move(input), .reason = std::move(reason),
          .index = index};
}

void ExpectCases(const std::vector<Case>& cases, const UsernamePolicy& policy) {
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name + ": " + QuoteForMessage(test.input));
    const CanonicalizeResult result = CanonicalizeUsername(test.input, policy);
    ASSERT_NE(result.username.has_value(), result.error.has_value());
    if (test.reason.empty()) {
      ASSERT_TRUE(result.username.has_value()) << result.error->message;
      EXPECT_EQ(result.username->canonical, test.canonical);

      // Canonicalization is idempotent.
      const CanonicalizeResult again = CanonicalizeUsername(result.username->canonical, policy);
      ASSERT_TRUE(again.username.has_value()) << again.error->message;
      EXPECT_EQ(again.username->canonical, test.canonical);
    } else {
      ASSERT_TRUE(result.error.has_value()) << "accepted as " << result.username->canonical;
      EXPECT_EQ(UsernameRejectionReason(result.error->rejection), test.reason)
          << result.error->message;
      EXPECT_EQ(result.error->code_point_index, test.index) << result.error->message;
      EXPECT_FALSE(result.error->message.empty());
    }
  }
}

TEST(CanonicalizeUsernameTest, Rfc8265Examples) {
  ExpectCases(
      {
          Accepts("at-sign", "juliet@example.com", "juliet@example.com"),
          Accepts("ASCII", "fussball", "fussball"),
          Accepts("sharp s", "fu\xc3\x9f" "ball", "fu\xc3\x9f" "ball"),
          Accepts("Greek pi", "\xcf\x80", "\xcf\x80"),
          Accepts("capital sigma", "\xce\xa3", "\xcf\x83"),
          Accepts("small sigma", "\xcf\x83", "\xcf\x83"),
          Accepts("final sigma", "\xcf\x82", "\xcf\x82"),
          Rejects("space", "foo bar", "DISALLOWED_CHARACTER", 3),
          Rejects("empty", "", "EMPTY"),
          Rejects("roman numeral", "henry\xe2\x85\xa3", "DISALLOWED_CHARACTER", 5),
          Rejects("chess king", "\xe2\x99\x9a", "DISALLOWED_CHARACTER", 0),
      },
      Precis());
}

TEST(CanonicalizeUsernameTest, CaseWidthAndNormalization) {
  ExpectCases(
      {
          Accepts("capital", "Bob", "bob"),
          Accepts("fullwidth", "\xef\xbd\x82\xef\xbd\x8f\xef\xbd\x82", "bob"),
          Accepts("fullwidth capital", "\xef\xbc\xa2\xef\xbd\x8f\xef\xbd\x82", "bob"),
          Accepts("halfwidth katakana", "\xef\xbd\xb6", "\xe3\x82\xab"),
          Accepts("sharp s stays", "Stra\xc3\x9f" "e", "stra\xc3\x9f" "e"),
          Accepts("double s", "STRASSE", "strasse"),
          Accepts("dotted capital I", "\xc4\xb0stanbul", "i\xcc\x87stanbul"),
          Accepts("dotless i stays", "\xc4\xb1rmak", "\xc4\xb1rmak"),
          Accepts("Greek word final sigma", "\xce\x9f\xce\x94\xce\x9f\xce\xa3",
                  "\xce\xbf\xce\xb4\xce\xbf\xcf\x82"),
          Accepts("decomposed e acute", "Jose\xcc\x81", "jos\xc3\xa9"),
          Accepts("Hangul syllables", "\xed\x95\x9c\xea\xb8\x80", "\xed\x95\x9c\xea\xb8\x80"),
          Accepts("Latin with Han", "bob\xe7\x94\xb0\xe4\xb8\xad", "bob\xe7\x94\xb0\xe4\xb8\xad"),
          Accepts("Catalan middle dot", "Col\xc2\xb7lecci\xc3\xb3", "col\xc2\xb7lecci\xc3\xb3"),
          // The middle dot's rule needs "l" on both sides, which "L" becomes.
          Accepts("Catalan in capitals", "COL\xc2\xb7LECCI\xc3\x93", "col\xc2\xb7lecci\xc3\xb3"),
          Accepts("ZWJ after virama", "\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8d\xe0\xa4\xb7",
                  "\xe0\xa4\x95\xe0\xa5\x8d\xe2\x80\x8d\xe0\xa4\xb7"),
      },
      Precis());
}

TEST(CanonicalizeUsernameTest, SharpSAndDoubleSAreDifferentNames) {
  const CanonicalizeResult sharp = CanonicalizeUsername("Stra\xc3\x9f" "e", Precis());
  const CanonicalizeResult double_s = CanonicalizeUsername("STRASSE", Precis());
  ASSERT_TRUE(sharp.username.has_value());
  ASSERT_TRUE(double_s.username.has_value());
  EXPECT_NE(sharp.username->canonical, double_s.username->canonical);
}

TEST(CanonicalizeUsernameTest, DisplayIsInputInNfc) {
  const CanonicalizeResult result = CanonicalizeUsername("Jose\xcc\x81", Precis());
  ASSERT_TRUE(result.username.has_value());
  EXPECT_EQ(result.username->display, "Jos\xc3\xa9");

  const CanonicalizeResult fullwidth =
      CanonicalizeUsername("\xef\xbc\xa2\xef\xbd\x8f\xef\xbd\x82", Precis());
  ASSERT_TRUE(fullwidth.username.has_value());
  EXPECT_EQ(fullwidth.username->display, "\xef\xbc\xa2\xef\xbd\x8f\xef\xbd\x82");
}

TEST(CanonicalizeUsernameTest, SuperscriptBigbirdRejected) {
  // ᴮᴵᴳᴮᴵᴿᴰ: modifier letters with compatibility decompositions. Mapping them
  // to "bigbird" would let them take over that account.
  const std::string input =
      "\xe1\xb4\xae\xe1\xb4\xb5\xe1\xb4\xb3\xe1\xb4\xae\xe1\xb4\xb5\xe1\xb4\xbf\xe1\xb4\xb0";
  const CanonicalizeResult result = CanonicalizeUsername(input, Precis());
  ASSERT_TRUE(result.error.has_value()) << "accepted as " << result.username->canonical;
  EXPECT_EQ(result.error->rejection, UsernameRejection::kDisallowedCharacter);
  EXPECT_EQ(result.error->code_point_index, 0);
  EXPECT_TRUE(absl::StrContains(result.error->message, "U+1D2E MODIFIER LETTER CAPITAL B"))
      << result.error->message;
  EXPECT_TRUE(absl::StrContains(result.error->message, "\"B\"")) << result.error->message;
}

TEST(CanonicalizeUsernameTest, DisallowedCharacters) {
  ExpectCases(
      {
          Rejects("ZWJ in Latin", "bo\xe2\x80\x8d" "b", "DISALLOWED_CHARACTER", 2),
          Rejects("ZWNJ in Latin", "bo\xe2\x80\x8c" "b", "DISALLOWED_CHARACTER", 2),
          Rejects("right-to-left override", "abc\xe2\x80\xae" "fed", "DISALLOWED_CHARACTER", 3),
          Rejects("embedded NUL", std::string("bo\0b", 4), "DISALLOWED_CHARACTER", 2),
          Rejects("emoji", "bob\xf0\x9f\x98\x80", "DISALLOWED_CHARACTER", 3),
          Rejects("whitespace only", "   ", "DISALLOWED_CHARACTER", 0),
          Rejects("tab", "a\tb", "DISALLOWED_CHARACTER", 1),
          Rejects("no-break space", "a\xc2\xa0" "b", "DISALLOWED_CHARACTER", 1),
          Rejects("kelvin sign", "\xe2\x84\xaa", "DISALLOWED_CHARACTER", 0),
          Rejects("old Hangul jamo", "\xe1\x84\x80\xe1\x85\xa1", "DISALLOWED_CHARACTER", 0),
          Rejects("unassigned", "a\xcd\xb8", "DISALLOWED_CHARACTER", 1),
          Rejects("private use", "\xee\x80\x80", "DISALLOWED_CHARACTER", 0),
          Rejects("noncharacter", "a\xef\xbf\xbf", "DISALLOWED_CHARACTER", 1),
          Rejects("soft hyphen", "a\xc2\xad" "b", "DISALLOWED_CHARACTER", 1),
          Rejects("middle dot outside l-l", "a\xc2\xb7" "b", "DISALLOWED_CHARACTER", 1),
          Rejects("tatweel", "\xd9\x85\xd9\x80\xd9\x85", "DISALLOWED_CHARACTER", 1),
          Rejects("repeated combining mark", "a\xcc\x81\xcc\x81", "DISALLOWED_CHARACTER"),
      },
      Precis());
}

TEST(CanonicalizeUsernameTest, DisallowedCharacterMessage) {
  const CanonicalizeResult result = CanonicalizeUsername("bo\xe2\x80\x8d" "b", Precis());
  ASSERT_TRUE(result.error.has_value());
  const std::string& message = result.error->message;
  EXPECT_TRUE(absl::StrContains(message, "\"bo\\u{200D}b\"")) << message;
  EXPECT_TRUE(absl::StrContains(message, "U+200D ZERO WIDTH JOINER")) << message;
  EXPECT_TRUE(absl::StrContains(message, "character 3")) << message;
  EXPECT_TRUE(absl::StrContains(message, "remove it")) << message;
}

TEST(CanonicalizeUsernameTest, InvalidUtf8) {
  ExpectCases(
      {
          Rejects("lone continuation byte", "\x80", "INVALID_UTF8", 0),
          Rejects("overlong slash", "a\xc0\xaf", "INVALID_UTF8", 1),
          Rejects("overlong three bytes", "\xe0\x80\xaf", "INVALID_UTF8", 0),
          Rejects("encoded surrogate", "ab\xed\xa0\x80", "INVALID_UTF8", 2),
          Rejects("truncated", "ab\xe2\x82", "INVALID_UTF8", 2),
          Rejects("above U+10FFFF", "\xf4\x90\x80\x80", "INVALID_UTF8", 0),
          Rejects("byte FF", "\xff", "INVALID_UTF8", 0),
          // Invalid UTF-8 is reported before any other problem.
          Rejects("after a space", " \xff", "INVALID_UTF8", 1),
      },
      Precis());
}

TEST(CanonicalizeUsernameTest, InvalidUtf8MessageEscapesBytes) {
  const CanonicalizeResult result = CanonicalizeUsername("ab\xff", Precis());
  ASSERT_TRUE(result.error.has_value());
  EXPECT_TRUE(absl::StrContains(result.error->message, "\"ab\\xFF\"")) << result.error->message;
  EXPECT_TRUE(absl::StrContains(result.error->message, "byte 2")) << result.error->message;
}

TEST(CanonicalizeUsernameTest, Lengths) {
  ExpectCases(
      {
          Accepts("maximum", Repeat("a", 40), Repeat("a", 40)),
          Rejects("one over", Repeat("a", 41), "TOO_LONG"),
          Rejects("10000 characters", Repeat("a", 10000), "TOO_LONG"),
          Accepts("40 four-byte characters", Repeat("\xf0\xa0\x80\x80", 40),
                  Repeat("\xf0\xa0\x80\x80", 40)),
          // 80 input code points compose into 40 canonical ones.
          Accepts("composed to the maximum", Repeat("e\xcc\x81", 40), Repeat("\xc3\xa9", 40)),
      },
      Precis());

  UsernamePolicy policy = Precis();
  policy.min_code_points = 3;
  policy.max_code_points = 10;
  policy.max_bytes = 12;
  ExpectCases(
      {
          Rejects("below minimum", "ab", "TOO_SHORT"),
          Accepts("minimum", "abc", "abc"),
          Rejects("over byte limit", Repeat("\xe7\x94\xb0", 5), "TOO_LONG"),
          Accepts("at byte limit", Repeat("\xe7\x94\xb0", 4), Repeat("\xe7\x94\xb0", 4)),
      },
      policy);
}

TEST(CanonicalizeUsernameTest, TooLongMessageQuotesAShortPrefix) {
  const CanonicalizeResult result = CanonicalizeUsername(Repeat("a", 10000), Precis());
  ASSERT_TRUE(result.error.has_value());
  EXPECT_TRUE(absl::StrContains(result.error->message, "10000")) << result.error->message;
  EXPECT_TRUE(absl::StrContains(result.error->message, "40")) << result.error->message;
  EXPECT_LT(result.error->message.size(), 300u) << result.error->message;
}

TEST(CanonicalizeUsernameTest, RightToLeftNames) {
  ExpectCases(
      {
          Accepts("Arabic", "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85", "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85"),
          Accepts("Hebrew", "\xd7\xa9\xd7\xa8\xd7\x94", "\xd7\xa9\xd7\xa8\xd7\x94"),
          Accepts("Arabic ending in a digit", "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85" "7",
                  "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85" "7"),
          Accepts("Persian with ZWNJ",
                  "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85",
                  "\xd9\x85\xdb\x8c\xe2\x80\x8c\xd8\xae\xd9\x88\xd8\xa7\xd9\x87\xd9\x85"),
          Rejects("Latin then Arabic", "bob\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85", "BIDI_RULE", 3),
          Rejects("Arabic then Latin", "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85" "bob", "BIDI_RULE", 4),
          Rejects("starts with a digit", "7\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85", "BIDI_RULE", 0),
          Rejects("mixed Arabic digit systems",
                  "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85\xd9\xa1\xdb\xb1", "DISALLOWED_CHARACTER", 4),
      },
      Precis());
}

TEST(CanonicalizeUsernameTest, MixedScripts) {
  ExpectCases(
      {
          Rejects("Cyrillic a in Latin", "p\xd0\xb0ypal", "MIXED_SCRIPT"),
          Rejects("Greek alpha in Latin", "abc\xce\xb1", "MIXED_SCRIPT"),
          Rejects("Latin with Devanagari", "x\xe0\xa4\x95", "MIXED_SCRIPT"),
          Rejects("mixed digit systems", "bob1\xe0\xa7\xa7", "MIXED_SCRIPT"),
          Accepts("all Cyrillic", "\xd0\x9f\xd1\x91\xd1\x82\xd1\x80",
                  "\xd0\xbf\xd1\x91\xd1\x82\xd1\x80"),
      },
      Precis());

  const CanonicalizeResult result = CanonicalizeUsername("p\xd0\xb0ypal", Precis());
  ASSERT_TRUE(result.error.has_value());
  EXPECT_TRUE(absl::StrContains(result.error->message, "Latin and Cyrillic"))
      << result.error->message;
}

TEST(CanonicalizeUsernameTest, ReservedNames) {
  UsernamePolicy policy = Precis();
  policy.reserved_names = {"admin", "root"};
  ExpectCases(
      {
          Rejects("capitalized", "Admin", "RESERVED"),
          Rejects("fullwidth", "\xef\xbc\xa1\xef\xbd\x84\xef\xbd\x8d\xef\xbd\x89\xef\xbd\x8e",
                  "RESERVED"),
          Rejects("exact", "root", "RESERVED"),
          Accepts("longer", "admin1", "admin1"),
      },
      policy);

  policy.kind = UsernamePolicyKind::kAscii;
  ExpectCases({Rejects("ascii capitalized", "ADMIN", "RESERVED")}, policy);
}

TEST(CanonicalizeUsernameTest, AsciiPolicy) {
  ExpectCases(
      {
          Accepts("lowercased", "Bob_O.Neil-7", "bob_o.neil-7"),
          Accepts("digits", "2024", "2024"),
          Rejects("space", "bob smith", "DISALLOWED_CHARACTER", 3),
          Rejects("at-sign", "a@b", "DISALLOWED_CHARACTER", 1),
          Rejects("u umlaut", "j\xc3\xbcrgen", "DISALLOWED_CHARACTER", 1),
          Rejects("fullwidth", "\xef\xbd\x82ob", "DISALLOWED_CHARACTER", 0),
          Rejects("embedded NUL", std::string("a\0b", 3), "DISALLOWED_CHARACTER", 1),
          Rejects("invalid UTF-8", "a\xc3", "INVALID_UTF8", 1),
          Rejects("empty", "", "EMPTY"),
          Rejects("too long", Repeat("a", 41), "TOO_LONG"),
          // The mixed-script check is PRECIS only, and ASCII cannot mix scripts.
          Accepts("ASCII digits and letters", "abc123", "abc123"),
      },
      Ascii());

  const CanonicalizeResult result = CanonicalizeUsername("bob smith", Ascii());
  ASSERT_TRUE(result.error.has_value());
  EXPECT_TRUE(absl::StrContains(result.error->message, "U+0020 SPACE")) << result.error->message;
  EXPECT_TRUE(absl::StrContains(result.error->message, "a-z")) << result.error->message;
}

TEST(UsernamePolicyKindTest, ParseAndName) {
  for (const UsernamePolicyKind kind : {UsernamePolicyKind::kPrecis, UsernamePolicyKind::kAscii}) {
    const absl::StatusOr<UsernamePolicyKind> parsed =
        ParseUsernamePolicyKind(UsernamePolicyKindName(kind));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, kind);
  }
  EXPECT_EQ(UsernamePolicyKindName(UsernamePolicyKind::kPrecis), "precis");
  EXPECT_EQ(UsernamePolicyKindName(UsernamePolicyKind::kAscii), "ascii");
}

TEST(UsernamePolicyKindTest, ParseRejectsUnknownName) {
  const absl::StatusOr<UsernamePolicyKind> parsed = ParseUsernamePolicyKind("PRECIS8265");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(parsed.status().message(), "\"PRECIS8265\"")) << parsed.status();
  EXPECT_TRUE(absl::StrContains(parsed.status().message(), "\"ascii\"")) << parsed.status();
}

TEST(UsernamePolicyKindTest, AbslFlagRoundTrip) {
  UsernamePolicyKind kind = UsernamePolicyKind::kPrecis;
  std::string error;
  EXPECT_TRUE(AbslParseFlag("ascii", &kind, &error));
  EXPECT_EQ(kind, UsernamePolicyKind::kAscii);
  EXPECT_EQ(AbslUnparseFlag(kind), "ascii");
  EXPECT_FALSE(AbslParseFlag("latin1", &kind, &error));
  EXPECT_TRUE(absl::StrContains(error, "latin1")) << error;
}

TEST(UsernameRejectionReasonTest, Names) {
  EXPECT_EQ(UsernameRejectionReason(UsernameRejection::kEmpty), "EMPTY");
  EXPECT_EQ(UsernameRejectionReason(UsernameRejection::kTooShort), "TOO_SHORT");
  EXPECT_EQ(UsernameRejectionReason(UsernameRejection::kTooLong), "TOO_LONG");
  EXPECT_EQ(UsernameRejectionReason(UsernameRejection::kDisallowedCharacter),
            "DISALLOWED_CHARACTER");
  EXPECT_EQ(UsernameRejectionReason(UsernameRejection::kMixedScript), "MIXED_SCRIPT");
  EXPECT_EQ(UsernameRejectionReason(UsernameRejection::kBidiRule), "BIDI_RULE");
  EXPECT_EQ(UsernameRejectionReason(UsernameRejection::kReserved), "RESERVED");
  EXPECT_EQ(UsernameRejectionReason(UsernameRejection::kInvalidUtf8), "INVALID_UTF8");
}

// Code points that exercise each step: case pairs, width variants,
// combining marks that compose or reorder, context-dependent lowercasing,
// joiners, right-to-left letters and digits, and characters of other
// scripts. Random strings of them must canonicalize idempotently.
const char32_t kInterestingCodePoints[] = {
    U'a', U'B', U'i', U'I', U'l', U'k', U'0', U'7', U'.', U'-', U'_', U'@', U' ',
    0x00b7, 0x00c5, 0x00df, 0x00e9, 0x0130, 0x0131, 0x01c4, 0x01c5, 0x01f0, 0x0300,
    0x0301, 0x0307, 0x0308, 0x0316, 0x031b, 0x0323, 0x0327, 0x0345, 0x0390, 0x0391,
    0x03a3, 0x03c2, 0x03c3, 0x03d3, 0x0375, 0x0399, 0x0430, 0x0410, 0x05d0, 0x05b0,
    0x05f3, 0x0627, 0x0645, 0x064b, 0x0660, 0x0661, 0x06cc, 0x06f1, 0x0915, 0x094d,
    0x093c, 0x0e33, 0x1100, 0x1161, 0x11a8, 0x1e9e, 0x1f80, 0x1f88, 0x1fbc, 0x200c,
    0x200d, 0x212a, 0x2126, 0x212b, 0x30ab, 0x3099, 0x30fb, 0xac00, 0xfb01, 0xff21,
    0xff41, 0xff76, 0xff9e, 0x1d2e, 0x1f600, 0x10400, 0x10428, 0x1e900, 0x1e922,
};

TEST(CanonicalizeUsernameTest, RandomStringsAreIdempotent) {
  std::mt19937 random(20240611);
  std::uniform_int_distribution<size_t> pick(0, std::size(kInterestingCodePoints) - 1);
  std::uniform_int_distribution<int> length(1, 8);
  int accepted = 0;
  for (int iteration = 0; iteration < 20000; ++iteration) {
    std::u32string code_points;
    const int count = length(random);
    for (int i = 0; i < count; ++i) code_points.push_back(kInterestingCodePoints[pick(random)]);
    const std::string input = EncodeUtf8(code_points);

    const CanonicalizeResult result = CanonicalizeUsername(input, Precis());
    ASSERT_NE(result.username.has_value(), result.error.has_value()) << QuoteForMessage(input);
    if (!result.username) continue;
    ++accepted;
    const CanonicalizeResult again = CanonicalizeUsername(result.username->canonical, Precis());
    ASSERT_TRUE(again.username.has_value())
        << QuoteForMessage(input) << " -> " << QuoteForMessage(result.username->canonical)
        << ": " << again.error->message;
    ASSERT_EQ(again.username->canonical, result.username->canonical) << QuoteForMessage(input);
  }
  // The alphabet is chosen so that a good share of strings is valid; if
  // nearly none are, the test checks nothing.
  EXPECT_GT(accepted, 500);
}

// Canonicalizes the same names from several threads at once, and every
// thread must get the results of a single-threaded run. When this test runs
// alone, its threads also race to create the process-wide ICU objects.
TEST(CanonicalizeUsernameTest, ConcurrentCallsAgree) {
  const std::vector<std::string> inputs = {
      "Bob", "\xef\xbd\x82\xef\xbd\x8f\xef\xbd\x82", "p\xd0\xb0ypal", "Stra\xc3\x9f" "e",
      "\xd9\x85\xd8\xb1\xd9\x8a\xd9\x85", "bo\xe2\x80\x8d" "b", "\xc4\xb0stanbul", "a\xff"};
  std::vector<std::vector<std::string>> outcomes(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < outcomes.size(); ++t) {
    threads.emplace_back([&inputs, &outcome = outcomes[t]] {
      for (int round = 0; round < 200; ++round) {
        for (const std::string& input : inputs) {
          const CanonicalizeResult result = CanonicalizeUsername(input, UsernamePolicy{});
          if (round == 0) {
            outcome.push_back(result.username ? result.username->canonical
                                              : result.error->message);
          }
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  for (size_t i = 0; i < inputs.size(); ++i) {
    const CanonicalizeResult expected = CanonicalizeUsername(inputs[i], UsernamePolicy{});
    const std::string expected_outcome =
        expected.username ? expected.username->canonical : expected.error->message;
    for (const std::vector<std::string>& outcome : outcomes) {
      EXPECT_EQ(outcome[i], expected_outcome) << QuoteForMessage(inputs[i]);
    }
  }
}

}  // namespace
}  // namespace signup
