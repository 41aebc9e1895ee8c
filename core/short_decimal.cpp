// Out of line on purpose: see the header.

#include "sluice/detail/short_decimal.hpp"

#include <cstdint>
#include <cstring>

namespace sluice::detail {

char* write_short_decimal(double value, char* out) noexcept {
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
