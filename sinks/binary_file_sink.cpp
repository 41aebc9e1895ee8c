#include "sluice/sinks/binary_file_sink.hpp"

#include <chrono>

#include "binary_format.hpp"
#include "fd_writer.hpp"
#include "os.hpp"
#include "sluice/error.hpp"

namespace sluice {

namespace {

int open_file(const std::filesystem::path& path, const BinaryFileOptions& options) {
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

}  // namespace

struct BinaryFileSink::State {
  State(std::filesystem::path p, const BinaryFileOptions& options)
      : path(std::move(p)),
        fd(open_file(path, options)),
        // The encoder fills whole blocks: the writer only hands them over.
        writer(fd, detail::quoted(path), 1),
        encoder(producer_info(options)),
        block_size(options.block_size) {
    writer.write_bytes(detail::binlog::BinaryEncoder::preamble());
  }
  ~State() { detail::close_fd(fd); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  void write_block() {
    block.clear();
    encoder.finish_block(block);
    if (!block.empty()) writer.write_bytes(block);
  }

  std::filesystem::path path;
  int fd;
  detail::FdWriter writer;
  detail::binlog::BinaryEncoder encoder;
  std::size_t block_size;
  std::string block;
};

BinaryFileSink::BinaryFileSink(std::filesystem::path path, BinaryFileOptions options)
    : state_(std::make_unique<State>(std::move(path), options)) {}

BinaryFileSink::~BinaryFileSink() {
  try {
    state_->write_block();
  } catch (const std::exception&) {
    // Nobody is left to tell: the backend reported the failure already when
    // the bytes could not be written at its last flush.
  }
}

void BinaryFileSink::write(const RecordView& record) {
  state_->encoder.add(record);
  if (state_->encoder.pending_payload() >= state_->block_size) state_->write_block();
}

void BinaryFileSink::flush() {
  state_->write_block();
  state_->writer.flush();
}

std::string BinaryFileSink::description() const {
  return "binary file sink " + detail::quoted(state_->path);
}

const std::filesystem::path& BinaryFileSink::path() const noexcept { return state_->path; }

}  // namespace sluice
