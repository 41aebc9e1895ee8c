#pragma once
// Writes records to a compact binary log, decoded later with sluice-decode.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "sluice/rotation.hpp"
#include "sluice/sink.hpp"

namespace sluice {

/// How BinaryFileSink compresses its file.
enum class Compression {
  /// zstd when the file name ends in ".zst" (e.g. "app.slog.zst"), none otherwise.
  automatic,
  /// Plain binary log.
  none,
  /// zstd streaming compression: the file is a sequence of zstd frames whose
  /// content is the plain binary log (`zstd -d` turns it into a .slog).
  zstd,
};

struct BinaryFileOptions {
  /// Start with an empty file instead of appending. Appending to an existing
  /// binary log starts a new file section (a new preamble and header), which
  /// the decoder reads as a concatenated file.
  bool truncate = false;
  /// Create missing parent directories.
  bool create_directories = true;
  /// A block is closed when its payload reaches this many bytes (and at every
  /// flush()). Larger blocks compress and checksum better; smaller ones lose
  /// less to a corrupt byte. At most 8 MiB (the constructor throws
  /// sluice::Error beyond): a block's payload may not pass 16 MiB.
  std::size_t block_size = 64 * 1024;
  /// See Compression; `automatic` decides by the file name.
  Compression compression = Compression::automatic;
  /// zstd's level: 1 (fastest) to 19 (smallest; 20-22 need much memory),
  /// negative levels trade size for even more speed. 3 is zstd's own
  /// default; levels above it cost backend time and gain little on logs
  /// (docs/performance.md, "Binary sink").
  int compression_level = 3;
  /// Size- and time-based rotation, compression and retention (off by
  /// default); see sluice/rotation.hpp and docs/rotation.md. Every file of
  /// a rotated set starts with its own header and decodes on its own;
  /// `sluice-decode app.slog*` (timestamp names: `app.*slog*`) reads the
  /// whole set in order.
  Rotation rotation{};
  /// Written in the file header, for the decoder's output and stats.
  std::string service_name;
  std::string service_version;
};

/// Writes each record's arguments as they were encoded, without formatting
/// them, in the format of docs/binary-format.md; `sluice-decode FILE` turns
/// the file into JSON Lines (or text) equal to what the formatters write live.
///
/// Records are gathered into checksummed blocks; a block is written when it
/// reaches options.block_size and at flush() (which the backend calls when it
/// goes idle, and on sluice::flush()), so a killed process leaves a file that
/// decodes up to its last complete block.
///
/// Compressed (zstd), blocks are compressed into zstd frames instead: every
/// flush() ends a zstd block and writes it, keeping the frame (and the
/// compression window) open, and a frame is closed once it holds 1 MiB of
/// blocks, at rotation, when the backend stops (finish(): sluice::stop()
/// and a normal exit, so that `zstd -t` passes) and when the sink is
/// destroyed. A killed process leaves a file that decodes up to its last
/// flush, without a warning.
/// sluice-decode recognises compressed files by their content.
///
/// The constructor throws sluice::Error when the file cannot be opened or its
/// directory created, or when compression_level is not a zstd level. write(),
/// flush() and finish() throw sluice::Error when write(2) fails; the unwritten bytes
/// are kept and written first next time, as in FileSink (compressed: what a
/// flush wrote is kept whole, or discarded whole beyond 16 MiB, and the
/// next flush then starts a new frame). Like every sink, it is called by
/// the backend thread only, except wait_for_rotations().
///
/// With rotation, the constructor waits while an earlier sink on the same
/// files (the same directory, however spelled, and name; `app.slog` and
/// `app.slog.zst` count as one), still held by the application, has
/// rotation work left, such as a compression, as FileSink's does
/// (docs/rotation.md, "Failures").
class BinaryFileSink final : public Sink {
 public:
  explicit BinaryFileSink(std::filesystem::path path, BinaryFileOptions options = {});
  ~BinaryFileSink() override;
  void write(const RecordView& record) override;
  void flush() override;
  /// A flush that also ends the open zstd frame (nothing more uncompressed).
  void finish() override;
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
