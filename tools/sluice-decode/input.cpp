#include "input.hpp"

#include <sluice/error.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice::detail::decode {

namespace {

// A file's first read takes a page; each read that fills its buffer doubles
// the next, up to the largest (a large file is read a megabyte at a time
// after nine reads).
constexpr std::size_t kFirstRead = std::size_t{4} << 10;
constexpr std::size_t kLargestRead = std::size_t{1} << 20;

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
      read_size_(kFirstRead) {
  start_reader();
}

void RecordStream::start_reader() {
  const auto warn = [this](const std::string& warning) { diagnostics_.warning(label_, warning); };
  input_.reset();  // it refers to the reader
  reader_ = std::make_unique<binlog::BinaryReader>(warn, arguments_);
  input_ = std::make_unique<binlog::BinaryInput>(*reader_, warn);
}

ReadResult RecordStream::read() {
  if (chunk_capacity_ < read_size_) {
    chunk_ = std::make_unique_for_overwrite<std::byte[]>(read_size_);
    chunk_capacity_ = read_size_;
  }
  const ReadResult got = source_->read({chunk_.get(), read_size_});
  if (got.kind == ReadResult::data && got.size == read_size_ && read_size_ < kLargestRead) {
    read_size_ *= 2;  // from the next read on
  }
  return got;
}

void RecordStream::end() {
  ended_ = true;
  input_.reset();  // it refers to the reader
  reader_.reset();
  source_.reset();
  chunk_.reset();
  chunk_capacity_ = 0;
}

const RecordView* RecordStream::next() {
  if (ended_) return nullptr;
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
        if (!restart_pending_) {
          end();
          return nullptr;
        }
        // The rotated file is done (its torn tail, if any, reported): the
        // new one starts with its own preamble.
        restart_pending_ = false;
        start_reader();
        continue;
      }
      const ReadResult got = read();
      switch (got.kind) {
        case ReadResult::data:
          bytes_read_ += got.size;
          input_->append({chunk_.get(), got.size});
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
    end();
    return nullptr;
  }
}

}  // namespace sluice::detail::decode
