// Runs a fixed number of log calls inside one function so that callgrind can
// count the instructions of exactly those calls (tests/perf/CMakeLists.txt).
// Instruction counts are deterministic, unlike time on a shared machine.

#include <sluice/sluice.hpp>

#include <cstdio>
#include <string>

namespace {

constexpr int kCalls = 1000;

// The log calls under measurement; noinline so callgrind can toggle on it.
[[gnu::noinline]] void measured_int_int_double(const sluice::Logger& log) {
  for (int i = 0; i < kCalls; ++i) {
    SLUICE_INFO(log, "Logging int: {}, int: {}, double: {}", i, i * 2, i * 0.5);
  }
}

[[gnu::noinline]] void measured_string(const sluice::Logger& log, const std::string& text) {
  for (int i = 0; i < kCalls; ++i) {
    SLUICE_INFO(log, "Logging int: {}, int: {}, string: {}", i, i * 2, text);
  }
}

[[gnu::noinline]] void measured_c_string(const sluice::Logger& log, const char* text) {
  for (int i = 0; i < kCalls; ++i) {
    SLUICE_INFO(log, "Logging int: {}, int: {}, string: {}", i, i * 2, text);
  }
}

// A fixed-width field filled to 51 of its 64 bytes, as in a C struct.
[[gnu::noinline]] void measured_char_array(const sluice::Logger& log, const char (&text)[64]) {
  for (int i = 0; i < kCalls; ++i) {
    SLUICE_INFO(log, "Logging int: {}, int: {}, string: {}", i, i * 2, text);
  }
}

[[gnu::noinline]] void measured_disabled(const sluice::Logger& log) {
  for (int i = 0; i < kCalls; ++i) SLUICE_DEBUG(log, "disabled {}", i);
}

}  // namespace

int main() {
  sluice::Options options;
  options.queue_capacity = 1u << 22;  // never full: the slow path stays out
  sluice::start(options);
  const sluice::Logger& log = sluice::get_logger("bench");
  SLUICE_INFO(log, "warm-up: creates this thread's queue");
  const std::string text = "a string of more than forty characters, as in the bench";
  measured_int_int_double(log);
  measured_string(log, text);
  measured_c_string(log, text.c_str());
  char field[64] = {};
  text.copy(field, 51);
  measured_char_array(log, field);
  measured_disabled(log);
  sluice::stop();
  std::printf("%d calls per measured function\n", kCalls);
  return 0;
}
