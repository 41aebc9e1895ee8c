#pragma once
// Loggers by dotted name, with Python's inheritance of levels and sinks.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/level.hpp"

namespace sluice {

class Sink;
namespace detail {
class LoggerRegistry;
}

/// A named logger. Loggers are created by get_logger() and live until the
/// process ends, so references to them never dangle.
///
/// Thread safety: every member may be called from any thread. Level changes
/// take effect on the hot path at once (one relaxed load per log call).
class Logger {
 public:
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  /// Dotted name; the root logger's is "root".
  const std::string& name() const noexcept { return name_; }
  /// The nearest ancestor, or null for the root.
  Logger* parent() const noexcept { return parent_; }
  std::uint32_t id() const noexcept { return id_; }
  /// The id as a record's header carries it (for the log macros).
  std::uint64_t header_bits() const noexcept { return header_bits_; }

  /// True when a record at `level` passes this logger's effective level.
  bool should_log(Level level) const noexcept {
    return level >= effective_level_.load(std::memory_order_relaxed);
  }
  Level effective_level() const noexcept {
    return effective_level_.load(std::memory_order_relaxed);
  }
  /// The level set on this logger, if any (otherwise it inherits).
  std::optional<Level> level() const;
  void set_level(Level level);
  /// Inherit the nearest ancestor's level again. The root, which has none,
  /// goes back to its default, INFO (not "everything", as Python's
  /// setLevel(NOTSET) on its root logger means).
  void clear_level();

  /// Sinks attached to this logger. Records also go to the ancestors' sinks
  /// unless propagation is off (Python's `propagate`). Adding a sink the
  /// logger has already does nothing; a null sink throws sluice::Error.
  void add_sink(std::shared_ptr<Sink> sink);
  void remove_sink(const std::shared_ptr<Sink>& sink);
  void clear_sinks();
  std::vector<std::shared_ptr<Sink>> sinks() const;
  void set_propagate(bool propagate);
  bool propagate() const noexcept { return propagate_.load(std::memory_order_relaxed); }

 private:
  friend class detail::LoggerRegistry;
  Logger(std::string name, Logger* parent, std::uint32_t id);

  std::string name_;
  Logger* parent_;
  std::uint32_t id_;
  std::atomic<Level> effective_level_{Level::info};
  std::uint64_t header_bits_;
  std::optional<Level> explicit_level_;       // guarded by the registry lock
  std::vector<std::shared_ptr<Sink>> sinks_;  // guarded by the registry lock
  std::atomic<bool> propagate_{true};
};

/// The logger with this dotted name ("api.security"), created on first use
/// together with its ancestors. "" and "root" name the root logger, whose
/// level is INFO until changed. An empty prefix before a dot is the root, as
/// in Python: ".a" is a child of the root. At most 524,288 loggers exist,
/// the root and sluice's own "sluice" included (a record names its logger in
/// 19 bits): making one more throws sluice::Error, and the ancestors made
/// before it stay.
Logger& get_logger(std::string_view name);
Logger& root_logger();

}  // namespace sluice
