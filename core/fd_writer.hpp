#pragma once
// Buffered output to a file descriptor, shared by the console and file sinks,
// and the file opening they need. The only place where sinks' bytes meet
// write(2).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>

namespace sluice::detail {

/// Buffers whole lines for one file descriptor (which it does not own) and
/// writes them with write(2), resuming partial writes, retrying EINTR, and
/// waiting (poll) on EAGAIN as a write to a blocking descriptor would.
///
/// A failed write (ENOSPC, EIO, EPIPE...) throws sluice::Error but loses
/// nothing it can keep: the unwritten bytes stay buffered, up to max_pending
/// bytes, and are written first by the next write_line() or flush(). A line
/// that does not fit beside them is discarded whole and counted; every error
/// message from then on says how many lines and bytes were discarded in all.
/// A single line larger than max_pending is still accepted when nothing else
/// is pending.
///
/// Every line tries again after a failed write, so that output resumes as
/// soon as the fault clears, until kFailuresBeforeBackoff failures in a row;
/// then the next lines are buffered (or, once max_pending is reached,
/// discarded and counted) without a try, for twice as many lines after each
/// further failure: 1, 3, 7 ... up to kMaxLinesBetweenRetries. flush()
/// and write_bytes() (a binary sink's blocks, many records each) always
/// try. A dead pipe or a full disk made every record cost a failing
/// write(2), two signal-mask calls and an exception, about 6 us: the
/// backend managed some 156,000 records a second (sluice-bench-dead-pipe),
/// and with the block policy the application with it. A line that makes no
/// attempt throws nothing: the next attempt's error counts what it kept or
/// discarded. If that attempt succeeds, there is no error to count them in:
/// when lines were discarded since the last error, the attempt reports them
/// through the error reporter (error_reporter.hpp), rate-limited with the
/// sink's errors, as a recovery ("<source>: writing to stdout again after a
/// failure: 7 lines (14 bytes) discarded so far"), and returns normally: its
/// bytes were written, and its caller must not take it for a failure. A
/// writer that discards nothing (a fresh one given a single line) never
/// reports.
///
/// Not thread-safe: one caller (the backend thread) at a time.
class FdWriter {
 public:
  static constexpr std::size_t kDefaultMaxPending = std::size_t{16} << 20;
  static constexpr std::uint32_t kFailuresBeforeBackoff = 8;
  static constexpr std::uint64_t kMaxLinesBetweenRetries = 1023;

  /// `name` is how errors name the destination, e.g. `"logs/app.log"` (with
  /// the quotes) or `stdout`.
  FdWriter(int fd, std::string name, std::size_t buffer_size,
           std::size_t max_pending = kDefaultMaxPending);
  FdWriter(const FdWriter&) = delete;
  FdWriter& operator=(const FdWriter&) = delete;

  /// Buffers prefix + text + suffix + '\n' as one unit, and writes the buffer
  /// when it reaches buffer_size or when the previous write failed.
  /// @throws sluice::Error if a write fails (the line is kept or counted).
  void write_line(std::string_view text, std::string_view prefix, std::string_view suffix);
  void write_line(std::string_view text) {
    // The usual case, inline: no error pending and room below the threshold.
    const std::size_t after = buffer_.size() + text.size() + 1;
    if (error_ == 0 && after < buffer_size_ && after <= max_pending_) {
      buffer_.append(text);
      buffer_.push_back('\n');
      accepted_ += text.size() + 1;
      return;
    }
    write_unit({}, text, {}, true);
  }
  /// The same for bytes that are not a line (a binary log block): no newline
  /// is added; "lines" in error messages then count such units.
  void write_bytes(std::string_view bytes);
  /// Writes everything buffered.
  /// @throws sluice::Error if a write fails (the bytes stay buffered).
  void flush();

  /// Bytes buffered and not yet written.
  std::size_t pending() const noexcept { return buffer_.size(); }
  /// Bytes taken (buffered or written) since construction or the last
  /// set_fd(): what the file will hold from this writer.
  std::uint64_t accepted() const noexcept { return accepted_; }
  int fd() const noexcept { return fd_; }
  /// Lines or units discarded since construction (never reset): a caller
  /// whose units depend on one another (a zstd frame written a flush at a
  /// time) compares it before and after a write.
  std::uint64_t discarded_units() const noexcept { return discarded_lines_; }
  /// Names the sink in the reports this writer makes itself (a recovery),
  /// as the backend names it in its errors: `sink.description()`, so that
  /// they share its rate limit. Until set, the destination's name.
  void report_as(std::string source) { source_ = std::move(source); }
  /// The descriptor is one the whole program shares (stdout, stderr), which
  /// it may point at a pipe (dup2) after this writer looked at it: a write
  /// on a thread that does not block SIGPIPE for its life (any but the
  /// backend's: a sink's destructor flushing what a failed write kept) is
  /// guarded whatever the descriptor was then. The backend thread's writes
  /// to a file still make no extra system call.
  void set_redirectable() noexcept { redirectable_ = true; }
  /// Writes to `fd` from now on (a rotated file). @pre pending() == 0
  void set_fd(int fd) noexcept {
    fd_ = fd;
    can_raise_sigpipe_ = is_pipe_or_socket(fd);
    accepted_ = 0;
  }

 private:
  void write_unit(std::string_view prefix, std::string_view text, std::string_view suffix,
                  bool newline);
  bool drain() noexcept;  // false on failure, with error_ set
  // Whether a line given while error_ is set should try to write (and counts
  // the line towards the next try when not).
  bool retry_due() noexcept;
  void note_failure() noexcept;
  // Writes `bytes` until done or a write fails (error_ set then); returns
  // how many were written.
  std::size_t write_fully(std::string_view bytes) noexcept;
  // After EAGAIN: true once the descriptor takes bytes again.
  bool wait_writable() const noexcept;
  [[noreturn]] void throw_write_error();
  void report_untold_discards();
  std::string discarded_so_far() const;
  static bool is_pipe_or_socket(int fd) noexcept;

  int fd_;
  // Only a write to a pipe or socket can raise SIGPIPE: writes to files skip
  // the two system calls that guard against it (write_fully).
  bool can_raise_sigpipe_;
  bool redirectable_ = false;  // see set_redirectable()
  std::string name_;
  std::string source_;  // names the sink in reports; empty: name_
  std::string buffer_;
  std::size_t buffer_size_;
  std::size_t max_pending_;
  std::uint64_t accepted_ = 0;
  int error_ = 0;  // errno of the last failed write; 0 after a success
  std::uint32_t failures_in_a_row_ = 0;
  std::uint64_t lines_until_retry_ = 0;
  std::uint64_t discarded_lines_ = 0;  // in all
  std::uint64_t discarded_bytes_ = 0;
  std::uint64_t discarded_lines_told_ = 0;  // discarded_lines_ at the last error or report
};

/// open(2) with O_CLOEXEC added, retrying EINTR; -1 with errno set on
/// failure. Never returns 0, 1 or 2: in a process started with stdout closed
/// (`app >&-`), a log file opened as descriptor 1 also received every line
/// the console sink wrote to "stdout", and a file opened as 2 got stderr's.
int open_fd(const char* path, int flags, unsigned mode) noexcept;

/// Opens `path` for appending (O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode
/// 0644 before umask), emptying it first if `truncate`.
/// @throws sluice::Error `cannot open log file "<path>": <OS error>`
int open_log_file(const std::filesystem::path& path, bool truncate, bool create_directories);

/// The path in double quotes, as error messages and sink descriptions show it.
std::string quoted(const std::filesystem::path& path);

/// close(2), ignoring errors (the bytes were handed over by write(2) already).
void close_fd(int fd) noexcept;

}  // namespace sluice::detail
