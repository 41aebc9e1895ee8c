#include "sluice/sinks/file_sink.hpp"

#include "fd_writer.hpp"
#include "sluice/error.hpp"

namespace sluice {

namespace {

int open_file(const std::filesystem::path& path, const FileOptions& options) {
  return detail::open_log_file(path, options.truncate, options.create_directories);
}

}  // namespace

struct FileSink::State {
  State(std::filesystem::path p, const FileOptions& options)
      : path(std::move(p)),
        fd(open_file(path, options)),
        writer(fd, detail::quoted(path), options.buffer_size) {}
  ~State() { detail::close_fd(fd); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  std::filesystem::path path;
  int fd;
  detail::FdWriter writer;
};

FileSink::FileSink(std::filesystem::path path, std::shared_ptr<const Formatter> formatter,
                   FileOptions options)
    : FormattedSink(std::move(formatter)),
      state_(std::make_unique<State>(std::move(path), options)) {}

FileSink::~FileSink() {
  try {
    state_->writer.flush();
  } catch (const std::exception&) {
    // Nobody is left to tell: the backend reported the failure already when
    // the bytes could not be written at its last flush.
  }
}

void FileSink::write(const RecordView& record) {
  state_->writer.write_line(record.formatted(formatter()));
}

void FileSink::flush() { state_->writer.flush(); }

std::string FileSink::description() const { return "file sink " + detail::quoted(state_->path); }

const std::filesystem::path& FileSink::path() const noexcept { return state_->path; }

}  // namespace sluice
