#pragma once
// --since and --until values: ISO 8601 times or times relative to now.

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::detail::decode {

/// Parses `text` as nanoseconds since the Unix epoch:
/// - ISO 8601 with a zone: 2026-11-23T10:00:00Z, 2026-11-23T10:00:00.5+01:00
///   (seconds and fraction optional, up to nine fraction digits; ' ' may
///   stand for 'T');
/// - relative to `now_ns`: -30s, -15m, -2h, -1d (and "now").
/// nullopt if it is neither, or out of the range of 64-bit nanoseconds.
std::optional<std::int64_t> parse_time_arg(std::string_view text, std::int64_t now_ns) noexcept;

}  // namespace sluice::detail::decode
