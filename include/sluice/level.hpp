#pragma once
// Severity levels, Python-style.

#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice {

/// Severity of a record. The numeric order is the filtering order: a logger at
/// INFO lets INFO and above through.
enum class Level : std::uint8_t { trace = 0, debug, info, warning, error, critical, off };

namespace detail {
inline constexpr std::string_view level_names[] = {"TRACE", "DEBUG",    "INFO", "WARNING",
                                                   "ERROR", "CRITICAL", "OFF"};
}

/// Upper-case name as emitted by formatters: "TRACE" ... "CRITICAL", "OFF".
constexpr std::string_view level_name(Level level) noexcept {
  const auto index = static_cast<std::uint8_t>(level);
  return index < 7 ? detail::level_names[index] : std::string_view{"UNKNOWN"};
}

/// Parses a level name case-insensitively ("warn" is accepted for WARNING).
std::optional<Level> parse_level(std::string_view name) noexcept;

}  // namespace sluice

// Calls below this level are removed at compile time (their arguments are not
// evaluated). Define it before including sluice to 0..6 (TRACE..OFF).
#ifndef SLUICE_COMPILE_LEVEL
#define SLUICE_COMPILE_LEVEL 0
#endif
// Out of range it would pass for a level: 7 removed every statement, -1 none.
static_assert(SLUICE_COMPILE_LEVEL >= 0 && SLUICE_COMPILE_LEVEL <= 6,
              "SLUICE_COMPILE_LEVEL must be 0..6 (TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL, "
              "OFF)");
