#include "fd_writer.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <system_error>

#include "error_reporter.hpp"
#include "os.hpp"
#include "sluice/error.hpp"

namespace sluice::detail {

namespace {

std::string os_error_text(int error) { return std::generic_category().message(error); }

// write(2) to a pipe or socket whose reader is gone raises SIGPIPE, whose
// default action kills the whole process: a console piped into `head`
// would take the application down instead of failing with EPIPE, which
// FdWriter reports like any other write error. So SIGPIPE is blocked on
// this thread while writing, and one that the write raised is taken back
// before the mask is restored. (SIGPIPE from write(2) is sent to the
// writing thread, so no other thread sees it.) A caller that blocks
// SIGPIPE itself keeps what it gets.
class SigpipeBlock {
 public:
  /// Does nothing unless `active` (the fd is a pipe or socket).
  explicit SigpipeBlock(bool active) noexcept {
    if (!active) return;
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t old;
    ::pthread_sigmask(SIG_BLOCK, &pipe_, &old);
    blocked_ = sigismember(&old, SIGPIPE) == 0;
  }
  ~SigpipeBlock() {
    if (blocked_) ::pthread_sigmask(SIG_UNBLOCK, &pipe_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;
  /// After a write that failed with EPIPE.
  void take_back() noexcept {
    if (!blocked_) return;
    const timespec no_wait{};
    while (::sigtimedwait(&pipe_, nullptr, &no_wait) < 0 && errno == EINTR) {
    }
  }

 private:
  sigset_t pipe_{};
  bool blocked_ = false;
};

}  // namespace

FdWriter::FdWriter(int fd, std::string name, std::size_t buffer_size, std::size_t max_pending)
    : fd_(fd),
      can_raise_sigpipe_(is_pipe_or_socket(fd)),
      name_(std::move(name)),
      buffer_size_(buffer_size),
      max_pending_(max_pending) {
  buffer_.reserve(buffer_size_);
}

bool FdWriter::is_pipe_or_socket(int fd) noexcept {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return true;  // unknown: guard it
  return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
}

void FdWriter::write_line(std::string_view text, std::string_view prefix, std::string_view suffix) {
  write_unit(prefix, text, suffix, true);
}

void FdWriter::write_bytes(std::string_view bytes) {
  // A unit of at least a buffer's size with nothing pending (the binary
  // sink's blocks) goes to the file without a copy into the buffer: the
  // same outcome as buffering it and writing the buffer, including what
  // stays pending when the write fails.
  if (buffer_.empty() && error_ == 0 && bytes.size() >= buffer_size_) {
    accepted_ += bytes.size();
    const std::size_t written = write_fully(bytes);
    if (written < bytes.size()) {
      buffer_.assign(bytes.substr(written));
      throw_write_error();
    }
    return;
  }
  write_unit({}, bytes, {}, false);
}

void FdWriter::write_unit(std::string_view prefix, std::string_view text, std::string_view suffix,
                          bool newline) {
  const std::size_t size = prefix.size() + text.size() + suffix.size() + (newline ? 1 : 0);
  // Only lines back off. A unit of bytes is a binary sink's block or a zstd
  // flush, holding many records: a try costs little per record, and one
  // skipped discarded whole blocks, once the buffer was full, after the
  // fault had cleared.
  const bool may_write = error_ == 0 || !newline || retry_due();
  bool attempted = false;
  if (may_write && !buffer_.empty() && buffer_.size() + size > max_pending_) {
    attempted = true;  // make room; on failure the line may not fit
    drain();
  }
  if (buffer_.empty() || buffer_.size() + size <= max_pending_) {
    buffer_ += prefix;
    buffer_ += text;
    buffer_ += suffix;
    if (newline) buffer_ += '\n';
    accepted_ += size;
  } else {
    ++discarded_lines_;
    discarded_bytes_ += size;
  }
  if (!may_write) return;  // kept or counted: the next try's error tells
  if (attempted && error_ != 0) throw_write_error();
  // After a failure a try is due: output resumes once the fault clears.
  if ((buffer_.size() >= buffer_size_ || error_ != 0) && !drain()) throw_write_error();
  if (discarded_lines_ != discarded_lines_told_) report_untold_discards();
}

void FdWriter::note_failure() noexcept {
  // Lines without a try before the next one: 0 until the backoff starts,
  // then 1, 3, 7 ... (capped, and the count with it, so no shift overflows).
  constexpr std::uint32_t kCap = kFailuresBeforeBackoff + 9;
  const auto lines_after = [](std::uint32_t failures) {
    return failures < kFailuresBeforeBackoff
               ? 0
               : (std::uint64_t{1} << (failures - kFailuresBeforeBackoff + 1)) - 1;
  };
  static_assert(lines_after(kCap) == kMaxLinesBetweenRetries);
  failures_in_a_row_ = std::min(failures_in_a_row_ + 1, kCap);
  lines_until_retry_ = lines_after(failures_in_a_row_);
}

bool FdWriter::retry_due() noexcept {
  if (lines_until_retry_ == 0) return true;
  --lines_until_retry_;
  return false;
}

void FdWriter::flush() {
  if (!buffer_.empty() && !drain()) throw_write_error();
  if (discarded_lines_ != discarded_lines_told_) report_untold_discards();
}

std::size_t FdWriter::write_fully(std::string_view bytes) noexcept {
  // A shared descriptor may have become a pipe since it was looked at: the
  // backend thread blocks SIGPIPE for its life, another thread (the one
  // that lets go of a console sink last, whose destructor flushes) did not,
  // and the write killed the process.
  SigpipeBlock sigpipe(can_raise_sigpipe_ || (redirectable_ && !os::sigpipe_blocked_for_life()));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ::ssize_t n = ::write(fd_, bytes.data() + written, bytes.size() - written);
    if (n > 0) {
      written += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && wait_writable()) {
      // O_NONBLOCK set on a shared stdout by another process: wait as a
      // blocking descriptor would, rather than fail and later discard lines
      // that a slow reader would have taken.
      continue;
    } else {
      error_ = n < 0 ? errno : -1;
      if (error_ == EPIPE) sigpipe.take_back();
      note_failure();
      break;
    }
  }
  return written;
}

bool FdWriter::wait_writable() const noexcept {
  pollfd ready{fd_, POLLOUT, 0};
  int n = 0;
  do {
    n = ::poll(&ready, 1, -1);
  } while (n < 0 && errno == EINTR);
  if (n > 0) return true;
  errno = EAGAIN;  // the error reported is still the write's
  return false;
}

bool FdWriter::drain() noexcept {
  const std::size_t written = write_fully(buffer_);
  if (written < buffer_.size()) {
    buffer_.erase(0, written);
    return false;
  }
  buffer_.clear();
  error_ = 0;
  failures_in_a_row_ = 0;
  lines_until_retry_ = 0;
  return true;
}

std::string FdWriter::discarded_so_far() const {
  return std::to_string(discarded_lines_) + (discarded_lines_ == 1 ? " line (" : " lines (") +
         std::to_string(discarded_bytes_) + " bytes) discarded so far";
}

void FdWriter::report_untold_discards() {
  // Lines discarded under the backoff threw nothing, and the try that
  // succeeded after them has no error to count them in: without this, no
  // message ever told of them. Reported, not thrown: thrown, the write that
  // worked read as "write failed", counted as a sink error, and a rotation
  // had to tell it from a real failure of its flush.
  discarded_lines_told_ = discarded_lines_;
  error_reporter().report(source_.empty() ? name_ : source_,
                          "writing to " + name_ + " again after a failure: " + discarded_so_far());
}

void FdWriter::throw_write_error() {
  discarded_lines_told_ = discarded_lines_;
  std::string message = "cannot write to " + name_ + ": ";
  message += error_ > 0 ? os_error_text(error_) : "write(2) wrote nothing";
  message += " (" + std::to_string(buffer_.size()) + " bytes kept for retry";
  if (discarded_lines_ != 0) {
    // A running total, not a count since the last message: the backend
    // suppresses repeated reports, and the next one it lets through must
    // still tell the whole loss.
    message += ", " + discarded_so_far();
  }
  message += ')';
  throw Error(message);
}

int open_fd(const char* path, int flags, unsigned mode) noexcept {
  int fd = -1;
  do {
    fd = ::open(path, flags | O_CLOEXEC, static_cast<::mode_t>(mode));
  } while (fd < 0 && errno == EINTR);
  if (fd < 0 || fd > STDERR_FILENO) return fd;
  // A standard stream was closed: leave its number free, so that writes to
  // it fail (EBADF) instead of landing in this file.
  const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, STDERR_FILENO + 1);
  const int error = errno;
  ::close(fd);
  errno = error;
  return moved;
}

std::string quoted(const std::filesystem::path& path) { return '"' + path.string() + '"'; }

int open_log_file(const std::filesystem::path& path, bool truncate, bool create_directories) {
  if (create_directories && path.has_parent_path()) {
    std::error_code error;
    std::filesystem::create_directories(path.parent_path(), error);
    if (error) {
      throw Error("cannot create directory " + quoted(path.parent_path()) + " for log file " +
                  quoted(path) + ": " + error.message());
    }
  }
  const int flags = O_WRONLY | O_CREAT | O_APPEND | (truncate ? O_TRUNC : 0);
  const int fd = open_fd(path.c_str(), flags, 0644);
  if (fd < 0) {
    const int error = errno;
    throw Error("cannot open log file " + quoted(path) + ": " + os_error_text(error));
  }
  return fd;
}

void close_fd(int fd) noexcept {
  if (fd >= 0) ::close(fd);
}

}  // namespace sluice::detail
