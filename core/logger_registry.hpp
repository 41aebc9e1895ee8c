#pragma once
// Owns every Logger; resolves a logger's effective sinks for the backend.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sluice/logger.hpp"
#include "sluice/sink.hpp"

namespace sluice::detail {

class LoggerRegistry {
 public:
  /// Never destroyed: loggers and their sinks must outlive every thread that
  /// logs, including during static destruction.
  static LoggerRegistry& instance();

  Logger& get(std::string_view name);
  Logger& root() noexcept { return *root_; }
  /// Logger by id (ids are dense, from 0 = root). Null if unknown.
  const Logger* by_id(std::uint32_t id) const;

  /// Bumped by every change that affects sink resolution.
  std::uint64_t version() const noexcept { return version_.load(std::memory_order_acquire); }
  /// The sinks a record of logger `id` goes to: its own, then its ancestors'
  /// while propagation allows, each sink once.
  std::vector<std::shared_ptr<Sink>> resolve_sinks(std::uint32_t id) const;

  // Logger's mutators lock here, so that level recomputation sees a
  // consistent tree.
  void set_level(Logger& logger, std::optional<Level> level);
  std::optional<Level> level_of(const Logger& logger) const;
  void add_sink(Logger& logger, std::shared_ptr<Sink> sink);
  void remove_sink(Logger& logger, const std::shared_ptr<Sink>& sink);
  void clear_sinks(Logger& logger);
  std::vector<std::shared_ptr<Sink>> sinks_of(const Logger& logger) const;
  /// Whether any logger has `sink`. Constant time: the backend asks every
  /// 10 ms for each sink whose flush failed, under the lock get() takes.
  bool has_sink(const std::shared_ptr<Sink>& sink) const;
  void set_propagate(Logger& logger, bool propagate);
  /// Replaces the logger's sinks and its propagation in one step, so that
  /// the backend, which routes each record when it takes it, never sees
  /// one changed without the other (CaptureLogs: a record there would go
  /// to both the old sinks and the new, or to none).
  void set_routing(Logger& logger, std::vector<std::shared_ptr<Sink>> sinks, bool propagate);

 private:
  LoggerRegistry();
  Logger& create(std::string name, Logger* parent);
  void recompute_levels();  // caller holds mutex_
  // The only ways sinks join and leave a logger's list (caller holds mutex_).
  void held(const Sink* sink);
  void released(const Sink* sink, std::size_t times = 1);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Logger>> storage_;
  std::vector<Logger*> by_id_;
  std::map<std::string, Logger*, std::less<>> by_name_;
  // How many loggers' lists hold each sink, for has_sink: scanning every
  // logger took about 17 instructions a logger (335,750 with 20,000), and
  // held up get_logger() that long every 10 ms. A sink is here only while
  // some list holds it, so its address cannot be another's.
  std::unordered_map<const Sink*, std::size_t> holders_;
  Logger* root_ = nullptr;
  std::atomic<std::uint64_t> version_{1};
};

}  // namespace sluice::detail
