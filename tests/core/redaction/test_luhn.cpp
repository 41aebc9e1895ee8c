#include <catch2/catch.hpp>

#include "redaction/luhn.hpp"

using sluice::detail::card_number_valid;
using sluice::detail::card_prefix_plausible;
using sluice::detail::luhn_valid;

TEST_CASE("luhn: known valid and invalid numbers") {
  CHECK(luhn_valid("4111111111111111"));
  CHECK(luhn_valid("5555555555554444"));
  CHECK(luhn_valid("378282246310005"));   // Amex, 15 digits
  CHECK(luhn_valid("4222222222222"));     // Visa, 13 digits
  CHECK(luhn_valid("6011111111111117"));  // Discover
  CHECK_FALSE(luhn_valid("4111111111111112"));
  CHECK_FALSE(luhn_valid("1234567812345678"));
}

TEST_CASE("luhn: edge cases") {
  CHECK_FALSE(luhn_valid(""));
  CHECK(luhn_valid("0"));  // sum 0
  CHECK(luhn_valid("00000000000000"));
  CHECK(luhn_valid("18"));  // 1*2 + 8 = 10
  CHECK(luhn_valid("59"));  // doubled 5 -> 10 -> 1, + 9 = 10
  CHECK_FALSE(luhn_valid("19"));
  // One changed digit always breaks it; so does swapping most neighbours.
  CHECK_FALSE(luhn_valid("4111111111111121"));
  CHECK(luhn_valid("79927398713"));
  CHECK_FALSE(luhn_valid("79927398710"));
}

TEST_CASE("luhn: card numbers need length and an issuer prefix too") {
  CHECK(card_number_valid("4111111111111111"));
  CHECK(card_number_valid("4783759356860431598"));         // 19 digits
  CHECK(card_number_valid("2221759477643472"));            // Mastercard 2-series
  CHECK_FALSE(card_number_valid("411111111111"));          // 12 digits
  CHECK_FALSE(card_number_valid("41111111111111111113"));  // 20 digits
  // Luhn-valid but no card network starts like this: epoch milliseconds,
  // nanosecond timestamps.
  CHECK(luhn_valid("1732365553467"));
  CHECK_FALSE(card_number_valid("1732365553467"));
  CHECK_FALSE(card_prefix_plausible("9999"));
  CHECK_FALSE(card_prefix_plausible("2220"));
  CHECK(card_prefix_plausible("2720"));
  CHECK_FALSE(card_prefix_plausible("2721"));
  CHECK_FALSE(card_prefix_plausible("31"));
  static_assert(card_number_valid("4111111111111111"), "usable at compile time");
}
