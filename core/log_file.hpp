#pragma once
// The file a file sink appends to: opened, buffered, and rotated when its
// Rotation says so.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>

#include "fd_writer.hpp"
#include "rotated_file_set.hpp"
#include "sluice/rotation.hpp"

namespace sluice::detail {

class RotationWorker;

struct LogFileOptions {
  bool truncate = false;
  bool create_directories = true;
  std::size_t buffer_size = 64 * 1024;
  Rotation rotation{};
};

/// An append-only log file and its FdWriter. Rotation (when enabled) is
/// decided here and carried out in two halves: rotate() renames the active
/// file and opens a new one on the caller's (the backend's) thread, and a
/// RotationWorker compresses, renumbers and prunes on its own.
///
/// Not thread-safe, except wait_for_rotations(): the backend thread owns it.
class LogFile {
 public:
  /// Opens `path` (creating its directory if asked). `description` names
  /// the sink in errors ("file sink \"logs/app.log\"").
  /// @throws sluice::Error if the file cannot be opened or the rotation
  /// options are invalid.
  LogFile(std::filesystem::path path, const LogFileOptions& options, std::string description);
  /// Flushes what it can (errors were reported at the last flush already),
  /// closes the file, and waits for the worker to finish its jobs.
  ~LogFile();
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  FdWriter& writer() noexcept { return writer_; }
  const std::filesystem::path& path() const noexcept { return files_.active(); }

  /// Bytes in the active file, buffered ones included.
  std::uint64_t size() const noexcept { return initial_size_ + writer_.accepted(); }
  /// A record stamped `timestamp_ns` belongs in the next file.
  bool time_due(std::int64_t timestamp_ns) const noexcept {
    return timestamp_ns >= next_boundary_ns_ && timestamp_ns >= retry_at_ns_;
  }
  /// Adding `bytes` would take a non-empty file past max_bytes.
  bool size_would_exceed(std::uint64_t bytes, std::int64_t timestamp_ns) const noexcept {
    return max_bytes_ != 0 && !empty() && size() + bytes > max_bytes_ &&
           timestamp_ns >= retry_at_ns_;
  }
  /// The file, with `pending` bytes still to come, has reached max_bytes.
  bool size_reached(std::uint64_t pending, std::int64_t timestamp_ns) const noexcept {
    return max_bytes_ != 0 && !empty() && size() + pending >= max_bytes_ &&
           timestamp_ns >= retry_at_ns_;
  }
  /// The sink wrote a record to the file. A file without records (the
  /// binary sink's preamble and header do not count) is never rotated.
  void record_written() noexcept { has_records_ = true; }
  bool empty() const noexcept { return !has_records_; }

  /// Flushes the writer to the active file, renames it away and opens a new
  /// one; the worker takes it from there. An empty file is not rotated (a
  /// time boundary just moves on). `timestamp_ns` is the record's that
  /// asked for it.
  /// An active file that another process removed or renamed is not
  /// rotated: a new one is opened in its place, and that is reported.
  /// @return whether a new file was opened (false for an empty file).
  /// @throws sluice::Error if the flush, the rename or the new open fails:
  /// the active file then stays active, and nothing is lost.
  bool rotate(std::int64_t timestamp_ns);
  /// A rotation that failed before rotate() was called (a sink's own flush
  /// of its last block or frame): no retry before a second later, as when
  /// rotate() fails.
  void rotation_failed(std::int64_t timestamp_ns) noexcept;

  /// The sink flushed: now and then, retention runs again, so that
  /// max_age expires files even when nothing rotates.
  void flushed();
  /// Returns once every rotation so far has been compressed, renumbered and
  /// pruned. Any thread.
  void wait_for_rotations();

 private:
  std::filesystem::path free_staging_name(const std::string& stamp, std::uint64_t& counter) const;
  /// Writes to `fd` (a new, empty active file) from now on.
  void start_new_file(int fd, std::int64_t timestamp_ns) noexcept;

  RotatedFileSet files_;
  std::string description_;
  Rotation rotation_;
  int fd_ = -1;
  FdWriter writer_;
  std::uint64_t initial_size_ = 0;
  bool has_records_ = false;
  // After a failed rotation, no retry before this (records' time): a
  // rotation that keeps failing must not cost a rename per record.
  std::int64_t retry_at_ns_ = std::numeric_limits<std::int64_t>::min();
  // Rotated names never go back in time, so that name order is age order.
  std::int64_t last_stamp_ns_ = std::numeric_limits<std::int64_t>::min();
  // The last rotated name's stamp and _N: a later rotation in that second
  // takes a higher _N even once retention deleted the lower ones, or its
  // name would sort before theirs (and retention delete it as the oldest).
  std::string last_stamp_;
  std::uint64_t last_counter_ = 0;
  std::chrono::steady_clock::time_point last_retention_ = std::chrono::steady_clock::now();
  std::uint64_t max_bytes_ = 0;
  std::int64_t next_boundary_ns_ = std::numeric_limits<std::int64_t>::max();
  std::unique_ptr<RotationWorker> worker_;  // when rotation is enabled
};

}  // namespace sluice::detail
