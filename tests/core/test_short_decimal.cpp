// detail::write_short_decimal against fmt's "{}", on the doubles it takes and
// on the ones it must leave to fmt.

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sluice/detail/short_decimal.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace {

// What the fast path writes, or "" when it declines.
std::string fast(double value) {
  char buffer[32];
  const char* end = sluice::detail::write_short_decimal(value, buffer);
  return end == nullptr ? std::string() : std::string(static_cast<const char*>(buffer), end);
}

// Every value the fast path takes must be rendered as fmt renders it.
void check_against_fmt(double value) {
  const std::string mine = fast(value);
  if (!mine.empty()) REQUIRE(mine == fmt::format("{}", value));
}

}  // namespace

TEST_CASE("short decimals are written as fmt writes them") {
  CHECK(fast(0.0) == "0");
  CHECK(fast(-0.0) == "-0");
  CHECK(fast(1.0) == "1");
  CHECK(fast(1234.5) == "1234.5");
  CHECK(fast(-1234.5) == "-1234.5");
  CHECK(fast(0.1) == "0.1");
  CHECK(fast(0.25) == "0.25");
  CHECK(fast(12.345) == "12.345");
  CHECK(fast(0.0001) == "0.0001");
  CHECK(fast(0.0045) == "0.0045");
  CHECK(fast(999999999999999.0) == "999999999999999");
  CHECK(fast(123456.789012) == "123456.789012");
  for (const double v : {0.0, -0.0, 1.0, 1234.5, 0.1, 0.25, 12.345, 0.0001, 0.0045,
                         999999999999999.0, 123456.789012}) {
    CHECK(fast(v) == fmt::format("{}", v));
  }
}

TEST_CASE("values outside the fast path are left to fmt") {
  CHECK(fast(0.1 + 0.2).empty());  // 0.30000000000000004
  CHECK(fast(1e15).empty());       // fmt: 1000000000000000, but past the proven range
  CHECK(fast(1e16).empty());       // exponent notation in fmt
  CHECK(fast(0.00009).empty());    // 9e-05 in fmt
  CHECK(fast(1.0 / 3.0).empty());
  CHECK(fast(0.1234567).empty());  // seven decimals
  CHECK(fast(std::numeric_limits<double>::quiet_NaN()).empty());
  CHECK(fast(std::numeric_limits<double>::infinity()).empty());
  CHECK(fast(-std::numeric_limits<double>::infinity()).empty());
  CHECK(fast(std::numeric_limits<double>::denorm_min()).empty());
}

TEST_CASE("a million decimals n / 10^k and a million random doubles agree with fmt") {
  std::mt19937_64 random(20261123);
  const double powers[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7};
  std::uniform_int_distribution<int> pick_k(0, 7);
  std::uniform_int_distribution<int> pick_digits(1, 16);
  int taken = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    const int digits = pick_digits(random);
    const auto n = random() % static_cast<std::uint64_t>(std::pow(10.0, digits));
    const double value = static_cast<double>(n) / powers[pick_k(random)];
    check_against_fmt(i % 2 == 0 ? value : -value);
    taken += !fast(value).empty();
  }
  CHECK(taken > 500'000);  // the fast path does take most of them
  for (int i = 0; i < 1'000'000; ++i) {
    const std::uint64_t bits = random();
    double value;
    std::memcpy(&value, &bits, sizeof value);
    check_against_fmt(value);
  }
  // Integers around the limit, and halves, where the product rounds.
  for (std::uint64_t n = 999'999'999'990'000; n < 1'000'000'000'010'000; n += 7) {
    check_against_fmt(static_cast<double>(n));
    check_against_fmt(static_cast<double>(n) / 10);
  }
}
