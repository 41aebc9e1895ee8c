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

/// Throws sluice::Error from the constructor when the file cannot be opened
/// (the message names the path and the OS error).
class FileSink final : public FormattedSink {
 public:
  explicit FileSink(std::filesystem::path path,
                    std::shared_ptr<const Formatter> formatter = nullptr,
                    FileOptions options = {});
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
