// Asks the logger registry, with kLoggers loggers made, whether any logger
// has a sink that none has, inside a function callgrind counts
// (tests/perf/CMakeLists.txt). The backend asks that every 10 ms for each
// sink whose flush failed and that the application took off its loggers
// but still holds, under the lock that get_logger() takes: the answer must
// not cost a pass over every logger.

#include <sluice/sink.hpp>

#include <cstdio>
#include <memory>
#include <string>

#include "logger_registry.hpp"

namespace {

constexpr int kLoggers = 20'000;
constexpr int kCalls = 1000;

class NullSink final : public sluice::Sink {
 public:
  void write(const sluice::RecordView&) override {}
};

[[gnu::noinline]] int measured_has_sink(const sluice::detail::LoggerRegistry& registry,
                                        const std::shared_ptr<sluice::Sink>& sink) {
  int found = 0;
  for (int i = 0; i < kCalls; ++i) found += registry.has_sink(sink) ? 1 : 0;
  return found;
}

}  // namespace

int main() {
  auto& registry = sluice::detail::LoggerRegistry::instance();
  const auto held = std::make_shared<NullSink>();
  const auto removed = std::make_shared<NullSink>();
  for (int i = 0; i < kLoggers; ++i) {
    sluice::Logger& logger = registry.get("app.module" + std::to_string(i));
    if (i % 100 == 0) logger.add_sink(held);  // loggers with sinks, as in a program
  }
  sluice::Logger& last = registry.get("app.module" + std::to_string(kLoggers - 1));
  last.add_sink(removed);
  last.remove_sink(removed);
  const int removed_found = measured_has_sink(registry, removed);
  const bool held_found = registry.has_sink(held);
  std::printf("removed sink found %d times in %d calls; held sink found: %d\n", removed_found,
              kCalls, held_found ? 1 : 0);
  // Else it measured something else.
  return removed_found == 0 && held_found ? 0 : 1;
}
