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
  /// ANSI colours by level; automatic: only when the stream is a terminal.
  ColorMode color = ColorMode::automatic;
};

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
