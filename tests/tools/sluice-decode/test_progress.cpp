// The progress line: drawn only when enabled, not before half a second, then
// at most twice a second, and erased at the end.

#include <catch2/catch.hpp>

#include <stdio.h>

#include <chrono>
#include <string>

#include "decode_test_support.hpp"
#include "progress.hpp"

using sluice::detail::decode::Progress;
using sluice::testing::read_back;

namespace {

struct FakeClock {
  Progress::Clock::time_point now{};
  void advance(int ms) { now += std::chrono::milliseconds(ms); }
};

void records(Progress& progress, int n) {
  for (int i = 0; i < n; ++i) progress.record();
}

}  // namespace

TEST_CASE("the progress line is drawn in place and erased") {
  FILE* err = std::tmpfile();
  REQUIRE(err != nullptr);
  FakeClock clock;
  {
    Progress progress(
        err, true, [] { return std::uint64_t{3'500'000}; }, [&] { return clock.now; });
    clock.advance(400);
    records(progress, 4096);  // too early: nothing
    clock.advance(600);
    records(progress, 4096);  // 8192 records in 1 s
    clock.advance(100);
    records(progress, 4096);  // within 0.5 s of the last line: nothing
    clock.advance(900);
    records(progress, 4096 * 4);  // drawn once more, at 16384 records
    progress.clear();
    progress.clear();  // nothing left to erase
  }
  const std::string first = "\rsluice-decode: 8192 records, 3.5 MB, 0.01 M records/s";
  const std::string second = "\rsluice-decode: 16384 records, 3.5 MB, 0.01 M records/s";
  CHECK(read_back(err) == first + second + "\r" + std::string(second.size() - 1, ' ') + "\r");
}

TEST_CASE("a disabled progress line writes nothing") {
  FILE* err = std::tmpfile();
  REQUIRE(err != nullptr);
  FakeClock clock;
  Progress progress(
      err, false, [] { return std::uint64_t{0}; }, [&] { return clock.now; });
  for (int i = 0; i < 10; ++i) {
    clock.advance(1000);
    records(progress, 4096);
  }
  progress.clear();
  CHECK(read_back(err).empty());
}
