#include "sluice/sinks/binary_file_sink.hpp"

#include <chrono>
#include <optional>

#include "binary_format.hpp"
#include "fd_writer.hpp"
#include "os.hpp"
#include "sluice/error.hpp"
#include "zstd_frame_writer.hpp"

namespace sluice {

namespace {

bool compressed(const std::filesystem::path& path, Compression compression);

int open_file(const std::filesystem::path& path, const BinaryFileOptions& options) {
  // A bad option must not leave a new or emptied file behind.
  if (compressed(path, options.compression)) {
    detail::ZstdFrameWriter::check_level(options.compression_level,
                                         "binary file sink " + detail::quoted(path));
  }
  return detail::open_log_file(path, options.truncate, options.create_directories);
}

detail::binlog::ProducerInfo producer_info(const BinaryFileOptions& options) {
  detail::binlog::ProducerInfo info;
  info.process_id = detail::os::process_id();
  info.host = detail::os::host_name();
  info.service_name = options.service_name;
  info.service_version = options.service_version;
  info.created_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
  return info;
}

bool compressed(const std::filesystem::path& path, Compression compression) {
  switch (compression) {
    case Compression::none:
      return false;
    case Compression::zstd:
      return true;
    case Compression::automatic:
      break;
  }
  return path.extension() == ".zst";
}

}  // namespace

struct BinaryFileSink::State {
  State(std::filesystem::path p, const BinaryFileOptions& options)
      : path(std::move(p)),
        fd(open_file(path, options)),
        // The encoder fills whole blocks: the writer only hands them over.
        writer(fd, detail::quoted(path), 1),
        encoder(producer_info(options)),
        block_size(options.block_size) {
    try {
      if (compressed(path, options.compression)) {
        zstd.emplace(writer, options.compression_level, "binary file sink " + detail::quoted(path));
      }
      // Compressed, the preamble opens the first frame: the frames' content
      // is exactly what the plain sink writes.
      put(detail::binlog::BinaryEncoder::preamble());
    } catch (...) {
      detail::close_fd(fd);  // ~State does not run for a constructor that throws
      throw;
    }
  }
  ~State() { detail::close_fd(fd); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  void put(std::string_view bytes) {
    if (zstd) {
      zstd->write(bytes);
    } else {
      writer.write_bytes(bytes);
    }
  }

  void write_block() {
    block.clear();
    encoder.finish_block(block);
    if (!block.empty()) put(block);
  }

  // Everything so far to the kernel: the open block, and the open frame.
  void flush() {
    write_block();
    if (zstd) zstd->end_frame();
    writer.flush();
  }

  std::filesystem::path path;
  int fd;
  detail::FdWriter writer;
  detail::binlog::BinaryEncoder encoder;
  std::size_t block_size;
  std::string block;
  std::optional<detail::ZstdFrameWriter> zstd;  // when compressed
};

BinaryFileSink::BinaryFileSink(std::filesystem::path path, BinaryFileOptions options)
    : state_(std::make_unique<State>(std::move(path), options)) {}

BinaryFileSink::~BinaryFileSink() {
  try {
    state_->flush();
  } catch (const std::exception&) {
    // Nobody is left to tell: the backend reported the failure already when
    // the bytes could not be written at its last flush.
  }
}

void BinaryFileSink::write(const RecordView& record) {
  state_->encoder.add(record);
  if (state_->encoder.pending_payload() >= state_->block_size) state_->write_block();
}

void BinaryFileSink::flush() { state_->flush(); }

std::string BinaryFileSink::description() const {
  return "binary file sink " + detail::quoted(state_->path);
}

const std::filesystem::path& BinaryFileSink::path() const noexcept { return state_->path; }

}  // namespace sluice
