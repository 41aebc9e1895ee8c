#include "time_arg.hpp"

#include <chrono>
#include <limits>

namespace sluice::detail::decode {

namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;

// Reads exactly `digits` decimal digits at `at`.
bool read_number(std::string_view text, std::size_t& at, int digits, int& value) noexcept {
  if (text.size() - at < static_cast<std::size_t>(digits)) return false;
  value = 0;
  for (int i = 0; i < digits; ++i, ++at) {
    const char c = text[at];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return true;
}

bool expect(std::string_view text, std::size_t& at, char c) noexcept {
  if (at >= text.size() || text[at] != c) return false;
  ++at;
  return true;
}

// Seconds to nanoseconds plus `ns`, or nullopt on overflow.
std::optional<std::int64_t> to_ns(std::int64_t seconds, std::int64_t ns) noexcept {
  constexpr std::int64_t limit = std::numeric_limits<std::int64_t>::max() / kNsPerSecond - 1;
  if (seconds > limit || seconds < -limit) return std::nullopt;
  return seconds * kNsPerSecond + ns;
}

std::optional<std::int64_t> parse_relative(std::string_view text, std::int64_t now_ns) noexcept {
  if (text == "now") return now_ns;
  if (text.size() < 3 || text[0] != '-') return std::nullopt;
  std::int64_t count = 0;
  for (std::size_t i = 1; i + 1 < text.size(); ++i) {
    const char c = text[i];
    if (c < '0' || c > '9' || count > 1'000'000'000) return std::nullopt;
    count = count * 10 + (c - '0');
  }
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    default:
      return std::nullopt;
  }
  const auto back = to_ns(count * unit, 0);
  if (!back || now_ns < std::numeric_limits<std::int64_t>::min() + *back) return std::nullopt;
  return now_ns - *back;
}

std::optional<std::int64_t> parse_iso8601(std::string_view text) noexcept {
  std::size_t at = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!read_number(text, at, 4, year) || !expect(text, at, '-') ||
      !read_number(text, at, 2, month) || !expect(text, at, '-') ||
      !read_number(text, at, 2, day)) {
    return std::nullopt;
  }
  if (at >= text.size() || (text[at] != 'T' && text[at] != 't' && text[at] != ' ')) {
    return std::nullopt;
  }
  ++at;
  if (!read_number(text, at, 2, hour) || !expect(text, at, ':') ||
      !read_number(text, at, 2, minute)) {
    return std::nullopt;
  }
  std::int64_t fraction_ns = 0;
  if (at < text.size() && text[at] == ':') {
    ++at;
    if (!read_number(text, at, 2, second)) return std::nullopt;
    if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
      ++at;
      std::int64_t scale = kNsPerSecond / 10;
      const std::size_t start = at;
      for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
        if (scale == 0) return std::nullopt;  // more than nine digits
        fraction_ns += (text[at] - '0') * scale;
        scale /= 10;
      }
      if (at == start) return std::nullopt;
    }
  }
  if (hour > 23 || minute > 59 || second > 59) return std::nullopt;
  std::int64_t offset_s = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    const int sign = text[at] == '-' ? -1 : 1;
    ++at;
    int off_h = 0, off_m = 0;
    if (!read_number(text, at, 2, off_h) || !expect(text, at, ':') ||
        !read_number(text, at, 2, off_m) || off_h > 23 || off_m > 59) {
      return std::nullopt;
    }
    offset_s = sign * (off_h * 3600 + off_m * 60);
  } else {
    return std::nullopt;  // a time without a zone is ambiguous
  }
  if (at != text.size()) return std::nullopt;

  using namespace std::chrono;
  const year_month_day date{std::chrono::year{year},
                            std::chrono::month{static_cast<unsigned>(month)},
                            std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  const std::int64_t days = sys_days(date).time_since_epoch().count();
  const std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  return to_ns(seconds, fraction_ns);
}

}  // namespace

std::optional<std::int64_t> parse_time_arg(std::string_view text, std::int64_t now_ns) noexcept {
  if (!text.empty() && (text[0] == '-' || text == "now")) return parse_relative(text, now_ns);
  return parse_iso8601(text);
}

}  // namespace sluice::detail::decode
