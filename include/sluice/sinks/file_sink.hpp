#pragma once
// Appends formatted records to a file.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "sluice/rotation.hpp"
#include "sluice/sink.hpp"

namespace sluice {

struct FileOptions {
  /// Start with an empty file instead of appending.
  bool truncate = false;
  /// Create missing parent directories.
  bool create_directories = true;
  /// Bytes buffered before a write(2); the backend also flushes when idle.
  std::size_t buffer_size = 64 * 1024;
  /// Size- and time-based rotation, compression and retention (off by
  /// default); see sluice/rotation.hpp and docs/rotation.md.
  Rotation rotation{};
};

/// Appends each record, formatted, and a newline to a file, opened with
/// O_APPEND | O_CLOEXEC. Output is buffered; flush() (which the backend calls
/// whenever it goes idle, and on sluice::flush()) hands it to the kernel
/// without fsync.
///
/// The constructor throws sluice::Error when the file cannot be opened or its
/// directory created: `cannot open log file "logs/app.log": Permission denied`.
/// write() and flush() throw sluice::Error when write(2) fails (a full disk,
/// an I/O error): the bytes not written are kept (up to 16 MiB; records
/// beyond that are discarded and counted in the messages) and written first
/// at the next write() or flush(), so nothing is lost once the fault clears.
/// With options.rotation, the file is rotated between records (a record is
/// never split across files); a failed rotation (rename, open) is reported
/// and the sink goes on writing to the active file. An active file that
/// another process removed or renamed is found at the next rotation, which
/// opens a new one in its place (reported; docs/rotation.md, "Failures").
///
/// With rotation, the constructor waits while an earlier sink on the same
/// files (the same directory, however spelled, and name), still held by the
/// application, has rotation work left, such as a compression: as long as
/// that compression takes (docs/rotation.md, "Failures"). Call the earlier
/// sink's wait_for_rotations() first, or release it, to wait elsewhere.
/// Sinks on other paths never wait for each other.
///
/// Like every sink, it is called by the backend thread only, except
/// wait_for_rotations().
class FileSink final : public FormattedSink {
 public:
  explicit FileSink(std::filesystem::path path,
                    std::shared_ptr<const Formatter> formatter = nullptr, FileOptions options = {});
  ~FileSink() override;
  void write(const RecordView& record) override;
  void flush() override;
  std::string description() const override;
  const std::filesystem::path& path() const noexcept;
  /// Returns once every rotated file so far has been compressed, renamed
  /// and pruned (at once without rotation). Any thread.
  void wait_for_rotations();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sluice
