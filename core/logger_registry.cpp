#include "logger_registry.hpp"

#include <algorithm>

#include "os.hpp"
#include "sluice/detail/call_site.hpp"
#include "sluice/error.hpp"

namespace sluice {

Logger::Logger(std::string name, Logger* parent, std::uint32_t id)
    : name_(std::move(name)),
      parent_(parent),
      id_(id),
      header_bits_(detail::RecordHeader::logger_bits(id)) {}

std::optional<Level> Logger::level() const {
  return detail::LoggerRegistry::instance().level_of(*this);
}
void Logger::set_level(Level level) { detail::LoggerRegistry::instance().set_level(*this, level); }
void Logger::clear_level() { detail::LoggerRegistry::instance().set_level(*this, std::nullopt); }
void Logger::add_sink(std::shared_ptr<Sink> sink) {
  detail::LoggerRegistry::instance().add_sink(*this, std::move(sink));
}
void Logger::remove_sink(const std::shared_ptr<Sink>& sink) {
  detail::LoggerRegistry::instance().remove_sink(*this, sink);
}
void Logger::clear_sinks() { detail::LoggerRegistry::instance().clear_sinks(*this); }
std::vector<std::shared_ptr<Sink>> Logger::sinks() const {
  return detail::LoggerRegistry::instance().sinks_of(*this);
}
void Logger::set_propagate(bool propagate) {
  detail::LoggerRegistry::instance().set_propagate(*this, propagate);
}

Logger& get_logger(std::string_view name) { return detail::LoggerRegistry::instance().get(name); }
Logger& root_logger() { return detail::LoggerRegistry::instance().root(); }

}  // namespace sluice

namespace sluice::detail {

LoggerRegistry& LoggerRegistry::instance() {
  static auto* registry = [] {
    auto* created = new LoggerRegistry;  // intentionally leaked, see header
    // The backend thread takes the lock to route records, and any thread
    // may hold it: a fork() then copied it locked into the child, whose
    // first get_logger() hung for ever.
    os::hold_across_fork([] { instance().mutex_.lock(); }, [] { instance().mutex_.unlock(); });
    return created;
  }();
  return *registry;
}

LoggerRegistry::LoggerRegistry() {
  root_ = &create("root", nullptr);
  root_->explicit_level_ = Level::info;
  // The backend's own logger (drop warnings), made now: made on first use,
  // on the backend thread, it could not be once the program had made the
  // most loggers, and the throw there ended the process.
  create("sluice", root_);
  recompute_levels();
}

Logger& LoggerRegistry::create(std::string name, Logger* parent) {
  // A record names its logger in 19 bits of its header.
  if (by_id_.size() > detail::RecordHeader::kMaxLoggerId) {
    throw Error("cannot create logger \"" + name + "\": " + std::to_string(by_id_.size()) +
                " loggers exist, the most sluice supports");
  }
  const auto id = static_cast<std::uint32_t>(by_id_.size());
  // Logger's constructor is private, so no make_unique.
  storage_.push_back(std::unique_ptr<Logger>(new Logger(std::move(name), parent, id)));
  Logger& logger = *storage_.back();
  // A new logger has no level and no children yet: it takes its parent's,
  // and nothing else changes (recomputing every logger here made creating
  // n loggers quadratic).
  if (parent != nullptr) {
    logger.effective_level_.store(parent->effective_level_.load(std::memory_order_relaxed),
                                  std::memory_order_relaxed);
  }
  by_id_.push_back(&logger);
  by_name_.emplace(logger.name_, &logger);
  return logger;
}

Logger& LoggerRegistry::get(std::string_view name) {
  if (name.empty() || name == "root") return *root_;
  std::lock_guard lock(mutex_);
  if (auto it = by_name_.find(name); it != by_name_.end()) return *it->second;
  // Create the missing ancestors first, outermost first: "a", "a.b", "a.b.c".
  Logger* parent = root_;
  std::size_t pos = 0;
  for (;;) {
    const std::size_t dot = name.find('.', pos);
    const std::string_view prefix = name.substr(0, dot);
    if (prefix.empty()) {
      // A leading dot (".a", "."): the empty prefix names the root, as in
      // Python, not a second logger called "" that get_logger("") never finds.
      pos = dot + 1;
      continue;
    }
    auto it = by_name_.find(prefix);
    Logger* logger = it != by_name_.end() ? it->second : &create(std::string(prefix), parent);
    if (dot == std::string_view::npos) {
      version_.fetch_add(1, std::memory_order_acq_rel);
      return *logger;
    }
    parent = logger;
    pos = dot + 1;
  }
}

const Logger* LoggerRegistry::by_id(std::uint32_t id) const {
  std::lock_guard lock(mutex_);
  return id < by_id_.size() ? by_id_[id] : nullptr;
}

void LoggerRegistry::recompute_levels() {
  // Ids grow with creation and parents are created before children, so one
  // pass in id order sees every parent's effective level before its children.
  for (Logger* logger : by_id_) {
    const Level effective = logger->explicit_level_
                                ? *logger->explicit_level_
                                : logger->parent_->effective_level_.load(std::memory_order_relaxed);
    logger->effective_level_.store(effective, std::memory_order_relaxed);
  }
}

void LoggerRegistry::set_level(Logger& logger, std::optional<Level> level) {
  std::lock_guard lock(mutex_);
  // The root always has a level, as in Python.
  logger.explicit_level_ = (&logger == root_ && !level) ? Level::info : level;
  recompute_levels();
}

std::optional<Level> LoggerRegistry::level_of(const Logger& logger) const {
  std::lock_guard lock(mutex_);
  return logger.explicit_level_;
}

void LoggerRegistry::add_sink(Logger& logger, std::shared_ptr<Sink> sink) {
  if (!sink) throw Error("cannot add a null sink to logger \"" + logger.name() + '"');
  std::lock_guard lock(mutex_);
  // Once only, as Python's addHandler: sinks() listed a sink added twice
  // twice, though records reach it once.
  if (std::find(logger.sinks_.begin(), logger.sinks_.end(), sink) != logger.sinks_.end()) return;
  logger.sinks_.reserve(logger.sinks_.size() + 1);  // what may throw, before the count
  held(sink.get());
  logger.sinks_.push_back(std::move(sink));
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void LoggerRegistry::remove_sink(Logger& logger, const std::shared_ptr<Sink>& sink) {
  std::lock_guard lock(mutex_);
  released(sink.get(), std::erase(logger.sinks_, sink));
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void LoggerRegistry::clear_sinks(Logger& logger) {
  std::lock_guard lock(mutex_);
  for (const auto& sink : logger.sinks_) released(sink.get());
  logger.sinks_.clear();
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::vector<std::shared_ptr<Sink>> LoggerRegistry::sinks_of(const Logger& logger) const {
  std::lock_guard lock(mutex_);
  return logger.sinks_;
}

bool LoggerRegistry::has_sink(const std::shared_ptr<Sink>& sink) const {
  std::lock_guard lock(mutex_);
  return holders_.contains(sink.get());
}

void LoggerRegistry::held(const Sink* sink) { ++holders_[sink]; }

void LoggerRegistry::released(const Sink* sink, std::size_t times) {
  const auto it = holders_.find(sink);
  if (times == 0 || it == holders_.end()) return;
  if ((it->second -= times) == 0) holders_.erase(it);
}

void LoggerRegistry::set_propagate(Logger& logger, bool propagate) {
  std::lock_guard lock(mutex_);
  logger.propagate_.store(propagate, std::memory_order_relaxed);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void LoggerRegistry::set_routing(Logger& logger, std::vector<std::shared_ptr<Sink>> sinks,
                                 bool propagate) {
  std::erase(sinks, nullptr);  // the backend dereferences every sink
  std::lock_guard lock(mutex_);
  std::size_t counted = 0;
  try {
    for (; counted < sinks.size(); ++counted) held(sinks[counted].get());
  } catch (...) {  // out of memory: the counts as they were
    while (counted > 0) released(sinks[--counted].get());
    throw;
  }
  for (const auto& sink : logger.sinks_) released(sink.get());
  logger.sinks_ = std::move(sinks);
  logger.propagate_.store(propagate, std::memory_order_relaxed);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

std::vector<std::shared_ptr<Sink>> LoggerRegistry::resolve_sinks(std::uint32_t id) const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Sink>> out;
  if (id >= by_id_.size()) return out;
  for (const Logger* logger = by_id_[id]; logger != nullptr; logger = logger->parent_) {
    for (const auto& sink : logger->sinks_) {
      if (std::find(out.begin(), out.end(), sink) == out.end()) out.push_back(sink);
    }
    if (!logger->propagate_.load(std::memory_order_relaxed)) break;
  }
  return out;
}

}  // namespace sluice::detail
