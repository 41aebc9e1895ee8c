#pragma once
// The Luhn checksum and the issuer prefixes that tell a card number from any
// other long number.

#include <cstddef>
#include <string_view>

namespace sluice::detail {

/// True if `digits` (ASCII digits only) passes the Luhn check. Empty: false.
constexpr bool luhn_valid(std::string_view digits) noexcept {
  if (digits.empty()) return false;
  unsigned sum = 0;
  bool twice = false;  // every second digit from the right is doubled
  for (std::size_t i = digits.size(); i-- > 0;) {
    unsigned d = static_cast<unsigned>(digits[i] - '0');
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

/// True if `digits` starts like a payment card issued by a network: Visa 4,
/// Mastercard 51-55 and 2221-2720, Amex 34/37, Diners 30/36/38/39, JCB 35,
/// Maestro 50/56-59, Discover and UnionPay 6. Luhn alone passes one random
/// number in ten; this rejects the epoch timestamps, order ids and phone
/// numbers that start with 1, 7, 8, 9 or 0.
constexpr bool card_prefix_plausible(std::string_view digits) noexcept {
  if (digits.size() < 4) return false;
  const int two = (digits[0] - '0') * 10 + (digits[1] - '0');
  switch (digits[0]) {
    case '2': {
      const int four = two * 100 + (digits[2] - '0') * 10 + (digits[3] - '0');
      return four >= 2221 && four <= 2720;
    }
    case '3':
      return two == 30 || (two >= 34 && two <= 39);
    case '4':
    case '5':
    case '6':
      return true;
    default:
      return false;
  }
}

/// A card number by length, checksum and issuer prefix.
constexpr bool card_number_valid(std::string_view digits) noexcept {
  return digits.size() >= 13 && digits.size() <= 19 && card_prefix_plausible(digits) &&
         luhn_valid(digits);
}

}  // namespace sluice::detail
