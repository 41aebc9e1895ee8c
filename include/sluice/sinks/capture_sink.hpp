#pragma once
// An in-memory sink for tests. CaptureLogs (capture_logs.hpp) wraps it the
// way Python's assertLogs wraps a handler.

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "sluice/sink.hpp"

namespace sluice {

/// A record as the capture sink keeps it (owned copies). The texts are the
/// exact bytes logged, control bytes and invalid UTF-8 included, for a test
/// to compare with what it logged; `formatted` is the sink's formatter's
/// text output, where the pattern formatter escapes them (docs/patterns.md).
struct CapturedRecord {
  std::int64_t timestamp_ns = 0;
  Level level = Level::info;
  std::string logger;
  std::string message;
  std::string formatted;                                    ///< with the sink's formatter
  std::vector<std::pair<std::string, std::string>> fields;  ///< values as "{}" renders them
  std::string file;
  std::uint32_t line = 0;
  std::string function;
  std::uint64_t thread_id = 0;
  std::string thread_name;
};

/// Keeps every record it receives. Reading (records(), lines(), clear()) is
/// safe from any thread while the backend writes; call sluice::flush() first
/// to be sure earlier records have arrived.
class CaptureSink final : public FormattedSink {
 public:
  explicit CaptureSink(std::shared_ptr<const Formatter> formatter = nullptr);
  void write(const RecordView& record) override;
  std::string description() const override { return "capture sink"; }

  std::vector<CapturedRecord> records() const;
  /// The formatted text of each record, in arrival order.
  std::vector<std::string> lines() const;
  std::size_t size() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<CapturedRecord> records_;
};

}  // namespace sluice
