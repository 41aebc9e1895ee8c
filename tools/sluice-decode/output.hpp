#pragma once
// Where records and reports go: a buffered stdout, and stderr messages that
// keep their place among the records.

#include <cstddef>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace sluice::detail::decode {

/// Buffers output lines and writes them a megabyte at a time.
class Output {
 public:
  explicit Output(std::FILE* file) noexcept : file_(file) {}
  ~Output() { flush(); }
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  /// Formatters append a line's text here, then call end_line().
  std::string& buffer() noexcept { return buffer_; }
  void end_line() {
    buffer_ += '\n';
    if (buffer_.size() >= kFlushAt) flush();
  }
  /// Writes what is buffered and flushes the stream; false if it failed,
  /// now or before (a full disk, a closed pipe with SIGPIPE ignored).
  bool flush();
  /// True once a write failed: what follows would be lost too, so callers
  /// stop decoding instead of reading the rest of the input for nothing.
  bool failed() const noexcept { return error_ != 0; }
  /// The errno of the first failed write, or 0.
  int error() const noexcept { return error_; }

 private:
  static constexpr std::size_t kFlushAt = std::size_t{1} << 20;
  std::FILE* file_;
  std::string buffer_;
  int error_ = 0;
};

/// Warnings and errors on stderr as "sluice-decode: LABEL: message", and
/// the exit status they imply: 1 after a warning (data skipped), 2 after an
/// error (an input that could not be read).
class Diagnostics {
 public:
  static constexpr int kOk = 0;
  static constexpr int kSkipped = 1;
  static constexpr int kFailed = 2;

  explicit Diagnostics(std::FILE* err) noexcept : err_(err) {}
  /// Called before each message, to flush the records before it and clear a
  /// progress line.
  void before_message(std::function<void()> hook) { before_message_ = std::move(hook); }

  void warning(std::string_view label, std::string_view message);
  void error(std::string_view label, std::string_view message);
  int status() const noexcept { return status_; }

 private:
  void report(std::string_view label, std::string_view message);

  std::FILE* err_;
  std::function<void()> before_message_;
  int status_ = kOk;
};

}  // namespace sluice::detail::decode
