#include "log_file.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <limits>
#include <string_view>
#include <system_error>

#include "error_reporter.hpp"
#include "rotation_path.hpp"
#include "rotation_schedule.hpp"
#include "rotation_worker.hpp"
#include "sluice/error.hpp"
#include "zstd_frame_writer.hpp"

namespace sluice::detail {

namespace {

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t modified_ns(const std::filesystem::path& path) {
  std::error_code error;
  const auto written = std::filesystem::last_write_time(path, error);
  if (error) return now_ns();
  // GCC 12's libstdc++ has no clock_cast; file_clock converts itself.
  const auto system = std::chrono::file_clock::to_sys(written);
  return std::chrono::duration_cast<std::chrono::nanoseconds>(system.time_since_epoch()).count();
}

std::uint64_t size_of(const std::filesystem::path& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  return error ? 0 : size;
}

}  // namespace

LogFile::LogFile(std::filesystem::path path, const LogFileOptions& options, std::string description)
    : files_(std::move(path)),
      description_(std::move(description)),
      rotation_(options.rotation),
      fd_(-1),
      writer_(-1, quoted(files_.active()), options.buffer_size) {
  if (rotation_.enabled()) {
    check_schedule(rotation_.schedule, description_);
    if (rotation_.compress) ZstdFrameWriter::check_level(rotation_.compression_level, description_);
    max_bytes_ = rotation_.max_bytes;
  }
  fd_ = open_log_file(files_.active(), options.truncate, options.create_directories);
  writer_.set_fd(fd_);
  writer_.report_as(description_);
  initial_size_ = size_of(files_.active());
  has_records_ = initial_size_ != 0;  // appended to: assume it has some
  if (!rotation_.enabled()) return;
  std::shared_ptr<RotationPath> set;
  bool entered = false;
  try {
    // An earlier sink on the same files, still held by the application,
    // may not be done with its rotations: its `.zst.tmp` and staged files
    // are no crash's leftovers. Wait for that sink's work (and that sink's
    // only) before touching the set. After the open, which made the
    // directory: its canonical name is known.
    set = rotation_path(files_);
    set->enter();
    entered = true;
    // The worker first finishes what an earlier run left, which must not
    // race with a rotation of ours: rotate_on_open stages the file before
    // the worker starts, and the worker takes it as a leftover.
    if (rotation_.rotate_on_open && initial_size_ != 0) rotate(now_ns());
    // A file's period is that of its first record: an empty file takes its
    // boundary from the first record written to it (rotate() with nothing
    // to rotate). An appended file belongs to the period of its last
    // write: a daily file left from yesterday rotates at today's first record.
    next_boundary_ns_ =
        empty() ? std::numeric_limits<std::int64_t>::min()
                : next_boundary_ns(rotation_.schedule, rotation_.utc, modified_ns(files_.active()));
    if (rotation_.schedule.kind == RotationSchedule::Kind::never) {
      next_boundary_ns_ = std::numeric_limits<std::int64_t>::max();
    }
    worker_ = std::make_unique<RotationWorker>(files_, rotation_, description_, set);
  } catch (...) {
    if (entered) set->remove();  // the worker never took it over
    close_fd(fd_);
    throw;
  }
}

LogFile::~LogFile() {
  try {
    writer_.flush();
  } catch (const std::exception&) {
    // Reported at the backend's last flush already; nobody is left to tell.
  }
  close_fd(fd_);
  worker_.reset();  // finishes its jobs
}

std::filesystem::path LogFile::free_staging_name(const std::string& stamp,
                                                 std::uint64_t& counter) const {
  const bool live = files_.active_compressed();
  for (counter = stamp == last_stamp_ ? last_counter_ + 1 : 0;; ++counter) {
    // The worker turns name into name.zst: neither may exist.
    const auto plain = files_.timestamped(stamp, counter, false);
    const auto compressed = files_.timestamped(stamp, counter, true);
    std::error_code error;
    if (!std::filesystem::exists(plain, error) && !std::filesystem::exists(compressed, error)) {
      return live ? compressed : plain;
    }
  }
}

bool LogFile::rotate(std::int64_t timestamp_ns) {
  if (empty()) {
    next_boundary_ns_ = next_boundary_ns(rotation_.schedule, rotation_.utc, timestamp_ns);
    return false;
  }
  // A scheduled rotation is named after its boundary, not the record that
  // crossed it.
  std::int64_t when = time_due(timestamp_ns) ? next_boundary_ns_ : timestamp_ns;
  when = std::max(when, last_stamp_ns_);
  // Errors are thrown without the sink's name: the backend adds it.
  const auto fail = [&](const std::string& why) {
    rotation_failed(timestamp_ns);
    throw Error("cannot rotate: " + why);
  };
  try {
    writer_.flush();
  } catch (const Error& e) {
    // Only bytes left unwritten throw: a flush that writes again after
    // discarded lines reports them itself (FdWriter) and rotates.
    fail(e.what());
  }
  const std::string stamp = file_name_stamp(when, rotation_.utc);
  std::uint64_t counter = 0;
  const std::filesystem::path staged = free_staging_name(stamp, counter);
  // Reserved first: the worker's retention must not take the file for an
  // old one between the rename and the submit.
  if (worker_) worker_->reserve(staged);
  std::error_code error;
  std::filesystem::rename(files_.active(), staged, error);
  if (error == std::errc::no_such_file_or_directory) {
    // Removed or renamed by another process (rm; logrotate without
    // copytruncate): nothing is left to rotate, and writing on into the old
    // file would lose every record (a removed one) and fail every rotation
    // alike. A new active file keeps them.
    if (worker_) worker_->cancel(staged);
    int fd = -1;
    try {
      fd = open_log_file(files_.active(), false, false);
    } catch (const Error& e) {
      fail(quoted(files_.active()) + " was removed or renamed by another process, and " + e.what() +
           "; records go where the old file went until a new one can be opened");
    }
    start_new_file(fd, timestamp_ns);
    // Reported, not thrown: the caller treats the new file as a rotated one
    // (the binary sink starts it with its preamble).
    error_reporter().report(description_, "cannot rotate: " + quoted(files_.active()) +
                                              " was removed or renamed by another process (what "
                                              "was written to it since went with it); writing "
                                              "to a new " +
                                              quoted(files_.active()));
    return true;
  }
  if (error) {
    if (worker_) worker_->cancel(staged);
    fail("cannot rename " + quoted(files_.active()) + " to " + quoted(staged) + ": " +
         error.message() + "; still writing to " + quoted(files_.active()));
  }
  int fd = -1;
  try {
    fd = open_log_file(files_.active(), false, false);
  } catch (const Error& e) {
    // Keep writing to the file we have, under its old name.
    std::filesystem::rename(staged, files_.active(), error);
    if (worker_) worker_->cancel(staged);
    if (error) {
      fail(std::string(e.what()) + "; and cannot rename " + quoted(staged) + " back: " +
           error.message() + "; records go to " + quoted(staged) + " until this is fixed");
    }
    fail(std::string(e.what()) + "; still writing to " + quoted(files_.active()));
  }
  start_new_file(fd, timestamp_ns);
  last_stamp_ns_ = when;
  last_stamp_ = stamp;
  last_counter_ = counter;
  if (worker_) worker_->submit(staged);
  return true;
}

void LogFile::start_new_file(int fd, std::int64_t timestamp_ns) noexcept {
  close_fd(fd_);
  fd_ = fd;
  writer_.set_fd(fd_);
  initial_size_ = 0;
  has_records_ = false;
  next_boundary_ns_ = next_boundary_ns(rotation_.schedule, rotation_.utc, timestamp_ns);
}

void LogFile::rotation_failed(std::int64_t timestamp_ns) noexcept {
  retry_at_ns_ = timestamp_ns + 1'000'000'000;
}

void LogFile::flushed() {
  if (!worker_ || rotation_.max_age.count() == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_retention_ < std::chrono::minutes{1}) return;
  last_retention_ = now;
  worker_->request_retention();
}

void LogFile::wait_for_rotations() {
  if (worker_) worker_->wait_idle();
}

}  // namespace sluice::detail
