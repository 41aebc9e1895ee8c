#pragma once
// Writes formatted records to stdout or stderr.

#include <memory>
#include <string>

#include "sluice/sink.hpp"

namespace sluice {

enum class ColorMode { automatic, always, never };

struct ConsoleOptions {
  enum class Stream { out, err };
  /// Where records go when not split by level.
  Stream stream = Stream::out;
  /// WARNING and above to stderr, the rest to stdout.
  bool split_by_level = false;
  /// ANSI colours by level; automatic: only when the stream is a terminal,
  /// NO_COLOR is unset or empty, and TERM is not "dumb".
  ColorMode color = ColorMode::automatic;
};

/// Writes each record, formatted, and a newline to stdout or stderr (through
/// their file descriptors, not the C streams). Output is buffered per stream
/// and written on flush(); when split by level, records keep their order even
/// if both streams reach the same terminal. The colour decision is made once,
/// in the constructor. A stream someone made non-blocking is waited for, as
/// a blocking one would be. A failed write(2) throws sluice::Error and keeps
/// the bytes for the next call (up to 1 MiB).
class ConsoleSink final : public FormattedSink {
 public:
  explicit ConsoleSink(ConsoleOptions options = {},
                       std::shared_ptr<const Formatter> formatter = nullptr);
  ~ConsoleSink() override;
  void write(const RecordView& record) override;
  void flush() override;
  std::string description() const override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sluice
