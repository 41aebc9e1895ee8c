#pragma once
// A fast path in front of fmt for the doubles logs are full of: values with
// a few decimal places (12.5 ms, 0.25, 1234). fmt's shortest round-trip
// formatting (dragonbox, then its general layout code) costs ~300
// instructions per double; these cost a few dozen. The output is fmt's "{}"
// output, byte for byte (tests/core/test_short_decimal.cpp holds them to it).

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
/// Defined in the library, not inline: its proof needs strict IEEE
/// arithmetic, which a caller's -ffast-math would break.
char* write_short_decimal(double value, char* out) noexcept;

}  // namespace sluice::detail
