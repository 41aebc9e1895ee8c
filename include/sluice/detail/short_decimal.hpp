#pragma once
// A fast path in front of fmt for the doubles logs are full of: values with
// a few decimal places (12.5 ms, 0.25, 1234). fmt's shortest round-trip
// formatting (dragonbox, then its general layout code) costs ~300
// instructions per double; these cost a few dozen. The output is fmt's "{}"
// output, byte for byte (tests/core/test_short_decimal.cpp holds them to it).

#include <cstdint>
#include <cstring>

namespace sluice::detail {

/// Writes `value` as fmt's "{}" would and returns the end, when `value` is
/// exactly the double nearest to n / 10^k for an integer n < 10^15 and
/// k <= 6 (and |value| >= 1e-4 or zero); otherwise writes nothing and returns
/// nullptr, and the caller asks fmt.
///
/// Why this is fmt's output: n / 10^k round-trips to `value` by construction,
/// and with its trailing zeros dropped n has no factor of 10. Any decimal
/// with fewer significant digits, or another one with as many, lies at least
/// 10^-k away from n / 10^k, while a decimal that round-trips lies within
/// half an ulp of `value`, which for n < 10^15 is below 0.12 * 10^-k. So
/// n * 10^-k is the unique shortest round-trip decimal, which is what
/// dragonbox finds; and 1e-4 <= |value| < 1e15 is the range where fmt lays
/// it out in fixed notation (decimal exponent in [-4, 16)).
/// @pre `out` has room for 24 bytes.
inline char* write_short_decimal(double value, char* out) noexcept {
  constexpr double kPowersOf10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
  constexpr double kLimit = 1e15;
  std::uint64_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  const bool negative = (bits >> 63) != 0;
  const double magnitude = negative ? -value : value;
  if (magnitude == 0) {  // fmt writes -0.0 as "-0"
    if (negative) *out++ = '-';
    *out++ = '0';
    return out;
  }
  // Also false for NaN; infinities fail the limit.
  if (!(magnitude >= 1e-4 && magnitude < kLimit)) return nullptr;
  for (int k = 0; k <= 6; ++k) {
    const double scaled = magnitude * kPowersOf10[k];
    if (scaled >= kLimit) return nullptr;
    const auto n = static_cast<std::uint64_t>(scaled);
    if (static_cast<double>(n) != scaled) continue;
    // The product may have rounded onto an integer: the quotient, exact
    // operands correctly rounded, says whether n / 10^k really is `value`.
    if (static_cast<double>(n) / kPowersOf10[k] != magnitude) continue;
    // A rounded product can also skip the smallest k (x * 100 just below an
    // integer, x * 1000 on one): drop the trailing zeros that leaves.
    std::uint64_t significand = n;
    int decimals = k;
    while (decimals > 0 && significand % 10 == 0) {
      significand /= 10;
      --decimals;
    }

    char digits[20];
    char* const digits_end = digits + sizeof digits;
    char* first = digits_end;
    std::uint64_t rest = significand;
    do {
      *--first = static_cast<char>('0' + rest % 10);
      rest /= 10;
    } while (rest != 0);
    const int count = static_cast<int>(digits_end - first);
    if (negative) *out++ = '-';
    if (count > decimals) {  // "123.45", or "12345" when there are no decimals
      const int whole = count - decimals;
      std::memcpy(out, first, static_cast<std::size_t>(whole));
      out += whole;
      if (decimals > 0) {
        *out++ = '.';
        std::memcpy(out, first + whole, static_cast<std::size_t>(decimals));
        out += decimals;
      }
    } else {  // "0.0045"
      *out++ = '0';
      *out++ = '.';
      for (int i = count; i < decimals; ++i) *out++ = '0';
      std::memcpy(out, first, static_cast<std::size_t>(count));
      out += count;
    }
    return out;
  }
  return nullptr;
}

}  // namespace sluice::detail
