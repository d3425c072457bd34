#include "services/common/precis.h"

#include <string>

#include "gtest/gtest.h"
#include "services/common/bidi_rule.h"
#include "services/common/precis_identifier_class.h"
#include "services/common/unicode_text.h"

namespace signup {
namespace {

struct PropertyCase {
  char32_t code_point;
  PrecisProperty expected;
  const char* reason;
};

TEST(IdentifierClassPropertyTest, DerivedProperties) {
  const PropertyCase cases[] = {
      {U'a', PrecisProperty::kPvalid, "ASCII7"},
      {U'A', PrecisProperty::kPvalid, "ASCII7"},
      {U'@', PrecisProperty::kPvalid, "ASCII7 includes punctuation"},
      {U'~', PrecisProperty::kPvalid, "ASCII7, last printable"},
      {U' ', PrecisProperty::kDisallowed, "space is outside ASCII7 and Zs"},
      {0x0000, PrecisProperty::kDisallowed, "control"},
      {0x007f, PrecisProperty::kDisallowed, "DELETE is a control"},
      {0x00a0, PrecisProperty::kDisallowed, "NO-BREAK SPACE has a compatibility form"},
      {0x00ad, PrecisProperty::kDisallowed, "SOFT HYPHEN is default-ignorable"},
      {0x00c0, PrecisProperty::kPvalid, "Lu"},
      {0x00df, PrecisProperty::kPvalid, "exception: sharp s"},
      {0x00b7, PrecisProperty::kContextO, "exception: middle dot"},
      {0x0131, PrecisProperty::kPvalid, "dotless i is Ll"},
      {0x0130, PrecisProperty::kPvalid, "dotted capital I is Lu"},
      {0x01c5, PrecisProperty::kDisallowed, "Lt with a compatibility form"},
      {0x0301, PrecisProperty::kPvalid, "Mn"},
      {0x0375, PrecisProperty::kContextO, "exception: keraia"},
      {0x0378, PrecisProperty::kUnassigned, "unassigned"},
      {0x03c2, PrecisProperty::kPvalid, "exception: final sigma"},
      {0x05f3, PrecisProperty::kContextO, "exception: geresh"},
      {0x0640, PrecisProperty::kDisallowed, "exception: tatweel"},
      {0x0660, PrecisProperty::kContextO, "exception: Arabic-Indic digit"},
      {0x06f9, PrecisProperty::kContextO, "exception: extended Arabic-Indic digit"},
      {0x06fd, PrecisProperty::kPvalid, "exception: Sindhi ampersand (So)"},
      {0x07fa, PrecisProperty::kDisallowed, "exception: NKo lajanyalan"},
      {0x0f0b, PrecisProperty::kPvalid, "exception: tsheg (Po)"},
      {0x1100, PrecisProperty::kDisallowed, "old Hangul jamo"},
      {0x11a8, PrecisProperty::kDisallowed, "old Hangul jamo, trailing"},
      {0x1d2e, PrecisProperty::kDisallowed, "modifier letter capital B has a compatibility form"},
      {0x200c, PrecisProperty::kContextJ, "ZERO WIDTH NON-JOINER"},
      {0x200d, PrecisProperty::kContextJ, "ZERO WIDTH JOINER"},
      {0x202e, PrecisProperty::kDisallowed, "RIGHT-TO-LEFT OVERRIDE is default-ignorable Cf"},
      {0x2163, PrecisProperty::kDisallowed, "ROMAN NUMERAL FOUR has a compatibility form"},
      {0x212a, PrecisProperty::kDisallowed, "KELVIN SIGN has a compatibility form"},
      {0x265a, PrecisProperty::kDisallowed, "So"},
      {0x3007, PrecisProperty::kPvalid, "exception: ideographic zero (Nl)"},
      {0x302e, PrecisProperty::kDisallowed, "exception: Hangul dot tone mark"},
      {0x3033, PrecisProperty::kDisallowed, "exception: vertical kana repeat mark"},
      {0x303b, PrecisProperty::kDisallowed, "exception: vertical ideographic iteration mark"},
      {0x30fb, PrecisProperty::kContextO, "exception: katakana middle dot"},
      {0xac00, PrecisProperty::kPvalid, "Hangul syllable"},
      {0xe000, PrecisProperty::kDisallowed, "private use"},
      {0xfeff, PrecisProperty::kDisallowed, "BOM is default-ignorable"},
      {0xff21, PrecisProperty::kDisallowed, "fullwidth A has a compatibility form"},
      {0xfffd, PrecisProperty::kDisallowed, "replacement character is So"},
      {0xffff, PrecisProperty::kDisallowed, "noncharacter"},
      {0x1f600, PrecisProperty::kDisallowed, "emoji is So"},
      {0x10ffff, PrecisProperty::kDisallowed, "noncharacter"},
      {0x20000, PrecisProperty::kPvalid, "CJK extension B"},
      {0xe0001, PrecisProperty::kDisallowed, "LANGUAGE TAG is Cf"},
  };
  for (const PropertyCase& test : cases) {
    EXPECT_EQ(PrecisPropertyName(IdentifierClassProperty(test.code_point)),
              PrecisPropertyName(test.expected))
        << DescribeCodePoint(test.code_point) << ": " << test.reason;
  }
}

struct ContextCase {
  std::u32string text;
  size_t index;
  bool allowed;
};

TEST(ContextualRuleTest, RulesOfRfc5892AppendixA) {
  const ContextCase cases[] = {
      {U"ab\u200dc", 2, false},                       // ZWJ not after a virama
      {U"\u0915\u094d\u200d\u0937", 2, true},         // ZWJ after DEVANAGARI SIGN VIRAMA
      {U"\u0915\u094d\u200c\u0937", 2, true},         // ZWNJ after a virama
      {U"\u0645\u06cc\u200c\u062e", 2, true},         // ZWNJ between dual-joining letters
      {U"\u0645\u06cc\u064b\u200c\u062e", 3, true},   // with a transparent mark before
      {U"\u0627\u200c\u062e", 1, false},              // ALEF joins only to the right
      {U"a\u200cb", 1, false},                        // Latin letters do not join
      {U"\u200c", 0, false},
      {U"l\u00b7l", 1, true},                         // Catalan ela geminada
      {U"a\u00b7b", 1, false},
      {U"\u00b7l", 0, false},
      {U"\u0375\u03b1", 0, true},                     // keraia before Greek
      {U"\u0375a", 0, false},
      {U"\u05d0\u05f3", 1, true},                     // geresh after Hebrew
      {U"a\u05f4", 1, false},
      {U"\u30ab\u30fb\u30ab", 1, true},               // katakana middle dot with Katakana
      {U"a\u30fbb", 1, false},
      {U"\u30fb", 0, false},
      {U"\u0661\u0662", 0, true},                     // Arabic-Indic digits alone
      {U"\u0661\u06f2", 0, false},                    // mixed with extended digits
      {U"\u06f1\u06f2", 1, true},
      {U"\u06f1\u0662", 0, false},
  };
  for (const ContextCase& test : cases) {
    EXPECT_EQ(IdentifierClassAllows(test.text, test.index), test.allowed)
        << EncodeUtf8(test.text) << " at " << test.index;
  }
}

struct BidiCase {
  std::u32string text;
  bool satisfied;
  size_t violation_index;
};

TEST(BidiRuleTest, SixConditions) {
  const BidiCase cases[] = {
      {U"\u05d0\u05d1", true, 0},              // Hebrew
      {U"\u0645\u0631\u064a\u0645", true, 0},  // Arabic
      {U"\u0645\u0631\u064a\u06451", true, 0}, // ends with a European digit
      {U"\u05d0\u0661", true, 0},              // ends with an Arabic-Indic digit
      {U"\u05d0\u05b0", true, 0},              // ends with a nonspacing mark after a letter
      {U"1\u05d0", false, 0},                  // condition 1: starts with a digit
      {U"\u05d0a", false, 1},                  // condition 2: L in RTL
      {U"\u05d0-", false, 1},                  // condition 3: ends with a separator (ES)
      {U"\u05d01\u0661", false, 2},            // condition 4: EN and AN
      {U"a\u05d0b", false, 1},                 // condition 5: R in LTR
      {U"ab\u0661", false, 2},                 // condition 5: AN in LTR
  };
  for (const BidiCase& test : cases) {
    ASSERT_TRUE(HasRightToLeftCodePoint(test.text)) << EncodeUtf8(test.text);
    const std::optional<BidiRuleViolation> violation = CheckBidiRule(test.text);
    EXPECT_EQ(!violation.has_value(), test.satisfied) << EncodeUtf8(test.text);
    if (violation) {
      EXPECT_EQ(violation->index, test.violation_index) << EncodeUtf8(test.text);
      EXPECT_FALSE(violation->explanation.empty());
    }
  }
  EXPECT_FALSE(HasRightToLeftCodePoint(U"abc1"));
}

TEST(MapUsernameCaseMappedTest, WidthCaseAndNormalization) {
  EXPECT_EQ(MapUsernameCaseMapped(U"\uff22\uff4f\uff42"), U"bob");   // fullwidth
  EXPECT_EQ(MapUsernameCaseMapped(U"\uff76"), U"\u30ab");            // halfwidth katakana
  EXPECT_EQ(MapUsernameCaseMapped(U"e\u0301"), U"\u00e9");           // NFC composes
  EXPECT_EQ(MapUsernameCaseMapped(U"\u0130"), U"i\u0307");           // İ, full lowercase
  EXPECT_EQ(MapUsernameCaseMapped(U"\u039f\u0394\u039f\u03a3"),      // ΟΔΟΣ: final sigma
            U"\u03bf\u03b4\u03bf\u03c2");
  // Width mapping leaves other compatibility characters alone.
  EXPECT_EQ(MapUsernameCaseMapped(U"\u1d2e"), U"\u1d2e");
}

TEST(EnforceUsernameCaseMappedTest, PreparationRejectsBeforeCaseMapping) {
  // KELVIN SIGN lowercases to "k", but the prepared string must already be
  // in the IdentifierClass, so it is rejected instead of becoming "k".
  const PrecisResult result = EnforceUsernameCaseMapped(U"\u212a");
  ASSERT_TRUE(result.error.has_value());
  EXPECT_EQ(result.error->failure, PrecisFailure::kDisallowedCharacter);
  EXPECT_EQ(result.error->input_index, 0);
  EXPECT_EQ(result.error->code_point, U'\u212a');
}

TEST(EnforceUsernameCaseMappedTest, BidiViolationTracedToInput) {
  const PrecisResult result = EnforceUsernameCaseMapped(U"Bob\u0645");
  ASSERT_TRUE(result.error.has_value());
  EXPECT_EQ(result.error->failure, PrecisFailure::kBidiRule);
  EXPECT_EQ(result.error->input_index, 3);
}

TEST(EnforceUsernameCaseMappedTest, CanonicalFormIsStable) {
  const PrecisResult result = EnforceUsernameCaseMapped(U"\u0130STANBUL");
  ASSERT_TRUE(result.canonical.has_value());
  EXPECT_EQ(*result.canonical, U"i\u0307stanbul");
  const PrecisResult again = EnforceUsernameCaseMapped(*result.canonical);
  ASSERT_TRUE(again.canonical.has_value());
  EXPECT_EQ(*again.canonical, *result.canonical);
}

// Every single code point that the profile accepts must have a canonical
// form that maps to itself.
TEST(EnforceUsernameCaseMappedTest, EveryCodePointIsIdempotent) {
  int accepted = 0;
  for (char32_t c = 0; c <= 0x10ffff; ++c) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    const PrecisResult result = EnforceUsernameCaseMapped(std::u32string(1, c));
    ASSERT_NE(result.canonical.has_value(), result.error.has_value()) << DescribeCodePoint(c);
    if (!result.canonical) continue;
    ++accepted;
    const PrecisResult again = EnforceUsernameCaseMapped(*result.canonical);
    ASSERT_TRUE(again.canonical.has_value()) << DescribeCodePoint(c);
    ASSERT_EQ(*again.canonical, *result.canonical) << DescribeCodePoint(c);
  }
  // Unicode 15.0 has roughly 100,000 PVALID code points; a much smaller
  // count means the property derivation rejects too much.
  EXPECT_GT(accepted, 90000);
}

}  // namespace
}  // namespace signup
