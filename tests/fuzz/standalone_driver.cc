// A main() for fuzz targets built without libFuzzer (g++ builds). It runs
// the target on every file named on the command line or found in a folder
// named there. Then it runs pseudo-random inputs from a fixed seed, so that
// a ctest run is repeatable. Environment:
//   SIGNUP_FUZZ_RANDOM_INPUTS  number of pseudo-random inputs (default 2000)
//   SIGNUP_FUZZ_SEED           seed of the generator (default 1)
// A failing check in the target aborts the process; the last input is then
// in the file named by SIGNUP_FUZZ_CRASH_FILE when that is set.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr uint64_t kDefaultRandomInputs = 2000;
constexpr uint64_t kDefaultSeed = 1;
constexpr size_t kMaxRandomLength = 96;

uint64_t EnvironmentNumber(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long number = std::strtoull(value, &end, 10);
  if (*end != '\0') {
    std::fprintf(stderr, "standalone fuzz driver: %s=%s is not a number; using %llu\n", name,
                 value, static_cast<unsigned long long>(fallback));
    return fallback;
  }
  return number;
}

void Run(const std::string& input) {
  if (const char* crash_file = std::getenv("SIGNUP_FUZZ_CRASH_FILE")) {
    std::ofstream(crash_file, std::ios::binary | std::ios::trunc) << input;
  }
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

bool ReadFile(const std::filesystem::path& path, std::string* contents) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return false;
  contents->assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  return true;
}

void AppendUtf8(char32_t c, std::string* text) {
  if (c < 0x80) {
    text->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    text->push_back(static_cast<char>(0xc0 | (c >> 6)));
    text->push_back(static_cast<char>(0x80 | (c & 0x3f)));
  } else if (c < 0x10000) {
    text->push_back(static_cast<char>(0xe0 | (c >> 12)));
    text->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
    text->push_back(static_cast<char>(0x80 | (c & 0x3f)));
  } else {
    text->push_back(static_cast<char>(0xf0 | (c >> 18)));
    text->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
    text->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
    text->push_back(static_cast<char>(0x80 | (c & 0x3f)));
  }
}

// Generates inputs of three kinds: random bytes, random well-formed UTF-8
// (mostly ASCII and the BMP, where most scripts are), and mutations of the
// corpus files.
class InputGenerator {
 public:
  InputGenerator(uint64_t seed, std::vector<std::string> corpus)
      : random_(seed), corpus_(std::move(corpus)) {}

  std::string Next() {
    switch (Uniform(corpus_.empty() ? 2 : 3)) {
      case 0:
        return RandomBytes();
      case 1:
        return RandomText();
      default:
        return Mutate(corpus_[Uniform(corpus_.size())]);
    }
  }

 private:
  size_t Uniform(size_t bound) { return std::uniform_int_distribution<size_t>(0, bound - 1)(random_); }

  std::string RandomBytes() {
    std::string bytes(Uniform(kMaxRandomLength + 1), '\0');
    for (char& byte : bytes) byte = static_cast<char>(Uniform(256));
    return bytes;
  }

  char32_t RandomCodePoint() {
    char32_t c = 0;
    switch (Uniform(4)) {
      case 0:
        c = static_cast<char32_t>(Uniform(0x80));
        break;
      case 1:
        c = static_cast<char32_t>(0x80 + Uniform(0x800 - 0x80));
        break;
      case 2:
        c = static_cast<char32_t>(0x800 + Uniform(0x10000 - 0x800));
        break;
      default:
        c = static_cast<char32_t>(0x10000 + Uniform(0x110000 - 0x10000));
        break;
    }
    return c >= 0xd800 && c <= 0xdfff ? U'a' : c;
  }

  std::string RandomText() {
    std::string text;
    const size_t count = Uniform(24) + 1;
    for (size_t i = 0; i < count; ++i) AppendUtf8(RandomCodePoint(), &text);
    return text;
  }

  std::string Mutate(std::string input) {
    const size_t mutations = Uniform(4) + 1;
    for (size_t i = 0; i < mutations; ++i) {
      switch (Uniform(4)) {
        case 0:  // Flip one bit.
          if (!input.empty()) input[Uniform(input.size())] ^= static_cast<char>(1 << Uniform(8));
          break;
        case 1:  // Insert a random byte.
          input.insert(input.begin() + static_cast<std::ptrdiff_t>(Uniform(input.size() + 1)),
                       static_cast<char>(Uniform(256)));
          break;
        case 2:  // Delete one byte.
          if (!input.empty()) input.erase(Uniform(input.size()), 1);
          break;
        default: {  // Insert a random code point.
          std::string text;
          AppendUtf8(RandomCodePoint(), &text);
          input.insert(Uniform(input.size() + 1), text);
          break;
        }
      }
    }
    return input;
  }

  std::mt19937_64 random_;
  std::vector<std::string> corpus_;
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path path(argv[i]);
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (std::filesystem::is_regular_file(path, error)) {
      files.push_back(path);
    } else {
      std::fprintf(stderr, "standalone fuzz driver: %s is neither a file nor a folder\n", argv[i]);
      return 2;
    }
    if (error) {
      std::fprintf(stderr, "standalone fuzz driver: cannot read %s: %s\n", argv[i],
                   error.message().c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());

  std::vector<std::string> corpus;
  for (const std::filesystem::path& file : files) {
    std::string contents;
    if (!ReadFile(file, &contents)) {
      std::fprintf(stderr, "standalone fuzz driver: cannot read %s\n", file.c_str());
      return 2;
    }
    Run(contents);
    corpus.push_back(std::move(contents));
  }

  const uint64_t random_inputs = EnvironmentNumber("SIGNUP_FUZZ_RANDOM_INPUTS", kDefaultRandomInputs);
  const uint64_t seed = EnvironmentNumber("SIGNUP_FUZZ_SEED", kDefaultSeed);
  InputGenerator generator(seed, corpus);
  for (uint64_t i = 0; i < random_inputs; ++i) Run(generator.Next());

  std::fprintf(stderr, "standalone fuzz driver: ran %zu corpus files and %llu generated inputs (seed %llu)\n",
               files.size(), static_cast<unsigned long long>(random_inputs),
               static_cast<unsigned long long>(seed));
  return 0;
}
