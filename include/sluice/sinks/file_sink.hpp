#pragma once
// Appends formatted records to a file.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "sluice/sink.hpp"

namespace sluice {

struct FileOptions {
  /// Start with an empty file instead of appending.
  bool truncate = false;
  /// Create missing parent directories.
  bool create_directories = true;
  /// Bytes buffered before a write(2); the backend also flushes when idle.
  std::size_t buffer_size = 64 * 1024;
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
/// Like every sink, it is called by the backend thread only.
class FileSink final : public FormattedSink {
 public:
  explicit FileSink(std::filesystem::path path,
                    std::shared_ptr<const Formatter> formatter = nullptr, FileOptions options = {});
  ~FileSink() override;
  void write(const RecordView& record) override;
  void flush() override;
  std::string description() const override;
  const std::filesystem::path& path() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace sluice
