#pragma once
// User types for tests of formatters and the binary log: a copy_loggable
// struct, an enum with a formatter (a custom value) and one without (its
// number).

#include <fmt/format.h>

#include <cstdint>
#include <string_view>
#include <type_traits>

#include "sluice/detail/arg_encoding.hpp"

namespace sluice::testing {

struct Point {
  int x, y;
};
enum class Shade { dark, light };
enum class Code : std::int16_t { e = -3 };

}  // namespace sluice::testing

template <>
struct fmt::formatter<sluice::testing::Point> : fmt::formatter<std::string_view> {
  auto format(const sluice::testing::Point& p, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "({}, \"{}\")", p.x, p.y);
  }
};
template <>
struct fmt::formatter<sluice::testing::Shade> : fmt::formatter<std::string_view> {
  auto format(sluice::testing::Shade s, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(
        s == sluice::testing::Shade::dark ? "dark" : "light", ctx);
  }
};
template <>
struct sluice::copy_loggable<sluice::testing::Point> : std::true_type {};
