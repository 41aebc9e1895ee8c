#include "input.hpp"

#include <sluice/error.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice::detail::decode {

namespace {

constexpr std::size_t kChunkSize = std::size_t{1} << 20;

class FileSource final : public ByteSource {
 public:
  FileSource(int fd, std::string label) : fd_(fd), label_(std::move(label)) {}
  ~FileSource() override {
    if (fd_ != STDIN_FILENO) ::close(fd_);
  }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  ReadResult read(std::span<std::byte> into) override {
    for (;;) {
      const ssize_t n = ::read(fd_, into.data(), into.size());
      if (n > 0) return {ReadResult::data, static_cast<std::size_t>(n)};
      if (n == 0) return {ReadResult::end};
      if (errno != EINTR) throw Error("cannot read " + label_ + ": " + std::strerror(errno));
    }
  }

 private:
  int fd_;
  std::string label_;
};

}  // namespace

std::string input_label(const std::string& name) { return name == "-" ? "<stdin>" : name; }

std::unique_ptr<ByteSource> open_file(const std::string& name) {
  if (name == "-") return std::make_unique<FileSource>(STDIN_FILENO, input_label(name));
  const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + name + ": " + std::strerror(errno));
  return std::make_unique<FileSource>(fd, name);
}

RecordStream::RecordStream(std::unique_ptr<ByteSource> source, std::string label,
                           Diagnostics& diagnostics, binlog::Arguments arguments)
    : source_(std::move(source)),
      label_(std::move(label)),
      diagnostics_(diagnostics),
      arguments_(arguments),
      chunk_(kChunkSize) {
  start_reader();
}

void RecordStream::start_reader() {
  const auto warn = [this](const std::string& warning) { diagnostics_.warning(label_, warning); };
  input_.reset();  // it refers to the reader
  reader_ = std::make_unique<binlog::BinaryReader>(warn, arguments_);
  input_ = std::make_unique<binlog::BinaryInput>(*reader_, warn);
}

const RecordView* RecordStream::next() {
  if (failed_) return nullptr;
  try {
    for (;;) {
      if (const RecordView* record = reader_->next()) return record;
      if (reader_->exhausted()) {
        if (truncate_pending_) {
          // Same writer, same file section: keep the reader's definitions
          // (a new reader would refuse the missing preamble).
          truncate_pending_ = false;
          reader_->restart_input();
          const auto warn = [this](const std::string& w) { diagnostics_.warning(label_, w); };
          input_ = std::make_unique<binlog::BinaryInput>(*reader_, warn);
          continue;
        }
        if (!restart_pending_) return nullptr;
        // The rotated file is done (its torn tail, if any, reported): the
        // new one starts with its own preamble.
        restart_pending_ = false;
        start_reader();
        continue;
      }
      const ReadResult got = source_->read(chunk_);
      switch (got.kind) {
        case ReadResult::data:
          bytes_read_ += got.size;
          input_->append({chunk_.data(), got.size});
          break;
        case ReadResult::restart:
          restart_pending_ = true;
          input_->end_input();
          break;
        case ReadResult::truncated:
          truncate_pending_ = true;
          input_->end_input();
          break;
        case ReadResult::end:
          input_->end_input();
          break;
      }
    }
  } catch (const Error& e) {
    diagnostics_.error(label_, e.what());
    failed_ = true;
    return nullptr;
  }
}

}  // namespace sluice::detail::decode
