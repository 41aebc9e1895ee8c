#include "sluice/sinks/binary_file_sink.hpp"

#include <chrono>
#include <exception>
#include <optional>
#include <string>

#include "binary_format.hpp"
#include "fd_writer.hpp"
#include "log_file.hpp"
#include "os.hpp"
#include "sluice/error.hpp"
#include "zstd_frame_writer.hpp"

namespace sluice {

namespace {

bool compressed(const std::filesystem::path& path, Compression compression);

detail::LogFileOptions log_file_options(const std::filesystem::path& path,
                                        const BinaryFileOptions& options) {
  // A bad option must not leave a new or emptied file behind.
  if (compressed(path, options.compression)) {
    detail::ZstdFrameWriter::check_level(options.compression_level,
                                         "binary file sink " + detail::quoted(path));
  }
  // A block's payload may not pass kMaxPayload. A record is checked as it is
  // added (BlockOverflow), but not one like the last (the encoder's inline
  // path): that one stays small, and the block below half the maximum.
  if (options.block_size > detail::binlog::kMaxPayload / 2) {
    throw Error("binary file sink " + detail::quoted(path) + ": block_size " +
                std::to_string(options.block_size) + " is larger than " +
                std::to_string(detail::binlog::kMaxPayload / 2) + " bytes");
  }
  detail::LogFileOptions result;
  result.truncate = options.truncate;
  result.create_directories = options.create_directories;
  // The encoder fills whole blocks: the writer only hands them over.
  result.buffer_size = 1;
  result.rotation = options.rotation;
  // A file compressed as it is written is not compressed again.
  if (compressed(path, options.compression)) result.rotation.compress = false;
  return result;
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
  State(const std::filesystem::path& path, const BinaryFileOptions& o)
      : options(o),
        file(path, log_file_options(path, o), "binary file sink " + detail::quoted(path)),
        encoder(producer_info(o)) {
    if (compressed(path, options.compression)) {
      zstd.emplace(file.writer(), options.compression_level,
                   "binary file sink " + detail::quoted(path));
    }
    start_file();
  }

  // Every file starts with a preamble and (in its first block) a header,
  // so that each part of a rotated set decodes on its own. Compressed, the
  // preamble opens the first frame: the frames' content is exactly what the
  // plain sink writes.
  void start_file() { put(detail::binlog::BinaryEncoder::preamble()); }

  void put(std::string_view bytes) {
    if (zstd) {
      zstd->write(bytes);
    } else {
      file.writer().write_bytes(bytes);
    }
  }

  // Out of line, as rotate() and write_rotating() are: write() runs for
  // every record, these once per block or per file.
  [[gnu::noinline]] void write_block() {
    const std::string_view block = encoder.finish_block();
    if (!block.empty()) watching_discards([&] { put(block); });
  }

  // A block the writer discarded (a full disk, with more waiting than it
  // keeps) may have held definitions that later blocks of its segment
  // would rely on: the next block starts a segment of its own.
  template <class Write>
  void watching_discards(Write&& write) {
    const auto note = [this] {
      const std::uint64_t discarded = file.writer().discarded_units();
      if (discarded != discarded_seen) {
        discarded_seen = discarded;
        encoder.start_segment();
      }
    };
    try {
      write();
    } catch (...) {
      note();
      throw;
    }
    note();
  }

  // Everything so far to the kernel: the open block, and the open frame up
  // to it (kept open, so that a light load does not pay a frame per flush;
  // closed at rotation and close: `end_frame`).
  void flush(bool end_frame = false) {
    write_block();
    if (zstd) {
      watching_discards([&] {
        if (end_frame) {
          zstd->end_frame();
        } else {
          zstd->flush();
        }
      });
    }
    file.writer().flush();
  }

  // Closes this file's last block and frame, and starts the next file with
  // a fresh encoder (which defines every site, logger and thread again).
  [[gnu::noinline]] void rotate(std::int64_t timestamp_ns) {
    // A file without records only moves its time boundary on: the header
    // block flush() would write must not make it look like one worth keeping.
    if (!file.empty()) {
      try {
        flush(true);
      } catch (const Error& e) {
        // As when LogFile::rotate() fails: retried a second later. Retried
        // at every record, each would end a block (and a zstd frame) of its
        // own, and a full disk would fill the writer's max_pending with
        // their overhead, discarding records it could have kept.
        file.rotation_failed(timestamp_ns);
        throw Error(std::string("cannot rotate: ") + e.what());
      }
    }
    if (file.rotate(timestamp_ns)) {
      encoder = detail::binlog::BinaryEncoder(producer_info(options));
      start_file();
    }
  }

  // write() for a record whose time starts a new file. A failed rotation
  // must not cost the record: it goes to the active file, and the failure
  // is reported after.
  [[gnu::noinline]] void write_rotating(const RecordView& record, std::int64_t now) {
    std::exception_ptr rotation_error;
    const auto try_rotate = [&] {
      try {
        rotate(now);
      } catch (const std::exception&) {
        rotation_error = std::current_exception();
      }
    };
    try_rotate();
    append(record);
    if (!rotation_error && size_reached(now)) try_rotate();
    if (rotation_error) std::rethrow_exception(rotation_error);
  }

  // The record into the open block, and the block out once it is full.
  void append(const RecordView& record) {
    // Checked before the add, not after a throw: a failed add into an empty
    // block leaves the block's header and definitions behind.
    if (encoder.pending_payload() == 0) {
      encoder.add(record);
    } else {
      try {
        encoder.add(record);
      } catch (const detail::binlog::BlockOverflow&) {
        // Too big for what is left of the block: in a block of its own (and
        // if it does not fit there either, it is left out and reported).
        write_block();
        encoder.add(record);
      }
    }
    file.record_written();
    if (encoder.pending_payload() >= options.block_size) [[unlikely]] {
      write_block();
    }
  }

  // By size, after the record: the record that reaches the limit closes
  // the file (blocks are only known once encoded). Compressed live, what
  // zstd has not produced yet is not counted.
  bool size_reached(std::int64_t now) const noexcept {
    const std::size_t pending = zstd ? zstd->unwritten_bytes() : encoder.pending_payload();
    return file.size_reached(pending, now);
  }

  BinaryFileOptions options;
  detail::LogFile file;
  detail::binlog::BinaryEncoder encoder;
  std::optional<detail::ZstdFrameWriter> zstd;  // when compressed
  std::uint64_t discarded_seen = 0;             // the writer's discarded_units()
};

BinaryFileSink::BinaryFileSink(std::filesystem::path path, BinaryFileOptions options)
    : state_(std::make_unique<State>(path, options)) {}

BinaryFileSink::~BinaryFileSink() {
  try {
    state_->flush(true);
  } catch (const std::exception&) {
    // Nobody is left to tell: the backend reported the failure already when
    // the bytes could not be written at its last flush.
  }
}

void BinaryFileSink::write(const RecordView& record) {
  State& s = *state_;
  const std::int64_t now = record.timestamp_ns();
  if (s.file.time_due(now)) [[unlikely]] {
    s.write_rotating(record, now);
    return;
  }
  s.append(record);
  // A failed rotation throws after the record is in, as in write_rotating().
  if (s.size_reached(now)) [[unlikely]] {
    s.rotate(now);
  }
}

void BinaryFileSink::flush() {
  state_->flush();
  state_->file.flushed();
}

void BinaryFileSink::finish() {
  state_->flush(true);
  state_->file.flushed();
}

std::string BinaryFileSink::description() const {
  return "binary file sink " + detail::quoted(path());
}

const std::filesystem::path& BinaryFileSink::path() const noexcept { return state_->file.path(); }

void BinaryFileSink::wait_for_rotations() { state_->file.wait_for_rotations(); }

}  // namespace sluice
