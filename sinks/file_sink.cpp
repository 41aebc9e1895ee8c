#include "sluice/sinks/file_sink.hpp"

#include <cstdint>
#include <exception>

#include "fd_writer.hpp"
#include "log_file.hpp"
#include "sluice/error.hpp"

namespace sluice {

namespace {

detail::LogFileOptions log_file_options(const FileOptions& options) {
  detail::LogFileOptions result;
  result.truncate = options.truncate;
  result.create_directories = options.create_directories;
  result.buffer_size = options.buffer_size;
  result.rotation = options.rotation;
  return result;
}

}  // namespace

struct FileSink::State {
  State(std::filesystem::path path, const FileOptions& options)
      : file(path, log_file_options(options), "file sink " + detail::quoted(path)) {}

  detail::LogFile file;
};

FileSink::FileSink(std::filesystem::path path, std::shared_ptr<const Formatter> formatter,
                   FileOptions options)
    : FormattedSink(std::move(formatter)),
      state_(std::make_unique<State>(std::move(path), options)) {}

FileSink::~FileSink() = default;

void FileSink::write(const RecordView& record) {
  const std::string_view line = record.formatted(formatter());
  detail::LogFile& file = state_->file;
  std::exception_ptr rotation_error;
  const std::int64_t now = record.timestamp_ns();
  if (file.time_due(now) || file.size_would_exceed(line.size() + 1, now)) {
    // A failed rotation must not cost the record: it goes to the active
    // file, and the failure is reported after.
    try {
      file.rotate(now);
    } catch (const std::exception&) {
      rotation_error = std::current_exception();
    }
  }
  const std::uint64_t discarded = file.writer().discarded_units();
  try {
    file.writer().write_line(line);
  } catch (const std::exception&) {
    // Kept for retry, the record is in the file as far as rotation goes:
    // else the next due record would not rotate it, and two periods (or
    // more than max_bytes) would share a file.
    if (file.writer().discarded_units() == discarded) file.record_written();
    throw;
  }
  file.record_written();
  if (rotation_error) std::rethrow_exception(rotation_error);
}

void FileSink::flush() {
  state_->file.writer().flush();
  state_->file.flushed();
}

std::string FileSink::description() const { return "file sink " + detail::quoted(path()); }

const std::filesystem::path& FileSink::path() const noexcept { return state_->file.path(); }

void FileSink::wait_for_rotations() { state_->file.wait_for_rotations(); }

}  // namespace sluice
