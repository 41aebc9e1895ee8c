#pragma once
// The decoder's input layer: bytes of binary logs as they come from a file or
// a pipe, plain or zstd-compressed, recognised by content and handed to a
// BinaryReader as the plain stream.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "binary_format.hpp"

namespace sluice::detail::binlog {

/// zstd's frame magic number, bytes 28 B5 2F FD.
inline constexpr std::uint32_t kZstdMagic = 0xFD2FB528u;

/// Feeds a BinaryReader from input that may be plain, zstd-compressed, or a
/// concatenation of both (`cat a.slog b.slog.zst`): the kind is told by
/// content, never by file name.
///
/// - Compressed data is a sequence of zstd frames (skippable frames are
///   skipped); what they decompress to is fed to the reader as it comes.
/// - Plain data is followed block by block (preamble, then sync marker and
///   length), so that a zstd frame is recognised where a file or block could
///   start; inside damaged plain data, at the next zstd magic.
/// - Frames are decompressed a zstd block at a time, and each block's output
///   goes to the reader once the block is whole.
/// - A frame may be left open: input that ends at a block boundary inside a
///   frame (a file still being written, or a writer killed after a flush) is
///   a clean end, and so is a block boundary followed by a new frame,
///   skippable frame or preamble (a writer restarted on the same file).
/// - A corrupt frame is reported, with what it decompressed to before the
///   damage kept, and decoding resumes at the next restart point (a zstd
///   frame header it would take, or a binary-log preamble of a known version)
///   after the frame's start (after its last block that reached the reader).
///   A block whose input holds a restart point (a damaged block size may read
///   on into the next frame, whose bytes a raw block then copies out
///   verbatim) is held back, with every block after it, until the frame ends
///   well or reaches a clean block boundary (as above, or the end of the
///   input so far), and dropped if it fails or its input ends elsewhere: what
///   resync decodes again never reaches the reader twice.
/// - Input that ends elsewhere inside a frame is reported by finish(), after
///   everything decompressed so far has been fed to the reader.
///
/// Warnings name offsets in the input (the compressed file); the reader's own
/// warnings name offsets in the stream it is fed (the decompressed one).
/// Not thread-safe.
class BinaryInput {
 public:
  using WarningHandler = BinaryReader::WarningHandler;

  BinaryInput(BinaryReader& reader, WarningHandler on_warning);
  ~BinaryInput();
  BinaryInput(const BinaryInput&) = delete;
  BinaryInput& operator=(const BinaryInput&) = delete;

  /// Push-style, as BinaryReader::feed(): decodes what can be decoded of the
  /// input so far; the reader's callback gets the records.
  /// @throws sluice::Error as BinaryReader::feed() does.
  void feed(std::span<const std::byte> bytes);
  /// End of input: reports an incomplete frame, then finishes the reader.
  void finish();

  /// Pull-style, as BinaryReader::append(): the plain bytes go to the
  /// reader's append(), and records are taken with the reader's next().
  void append(std::span<const std::byte> bytes);
  /// End of input: reports an incomplete frame, then calls the reader's
  /// end_input().
  void end_input();

  /// Warnings this layer gave (the reader counts its own).
  std::uint64_t warnings() const noexcept { return warnings_; }
  /// Whether any zstd frame was seen.
  bool compressed() const noexcept { return frames_ != 0; }

 private:
  enum class Mode {
    sniff,      // where a frame or plain data may start
    plain,      // plain binary log; next_boundary_ is where a block may start
    frame,      // inside a zstd frame
    skippable,  // inside a zstd skippable frame; skip_left_ bytes to go
    resync,     // after a corrupt frame: looking for the next frame or file
  };

  void run(bool at_end);
  bool step_sniff(bool at_end);
  bool step_plain(bool at_end);
  bool step_frame(bool at_end);
  bool frame_boundary(bool at_end);      // step_frame, where a block header is due
  bool frame_input_ends(bool at_end);    // step_frame, all input so far consumed
  bool frame_failed(std::string error);  // to resync, dropping what was held back
  void take_block_output();              // the block just decoded: deliver or hold
  void release_held();                   // at a clean block boundary: deliver what was held
  struct RestartPoints {
    std::size_t count = 0;
    std::size_t preambles = 0;
    bool first_is_frame = false;
  };
  // In pending_[from, to): restart points (see find_restart; one cut by the
  // end of the input so far counts).
  RestartPoints restart_points(std::size_t from, std::size_t to) const;
  bool step_skippable(bool at_end);
  bool step_resync(bool at_end);
  void feed_reader(std::size_t end);                 // pending_[position_, end) as plain
  void flush_plain();                                // the plain bytes held back, to the reader
  void deliver(std::span<const std::byte> plain);    // to the reader, after those
  void hand_over(std::span<const std::byte> plain);  // to the reader, push or pull
  static constexpr std::size_t kNotFound = ~std::size_t{0};
  /// The first restart point at or after pending_[from]: a zstd frame header
  /// this decoder would take (or, unless frames_only, a preamble of a known
  /// version), or kNotFound; `wait` when what is there may be the start of
  /// one whose rest has not arrived.
  std::size_t find_restart(std::size_t from, bool at_end, bool frames_only, bool& wait) const;
  std::uint64_t offset() const noexcept { return pending_offset_ + position_; }
  void warn(std::string message);

  struct Decompressor;
  BinaryReader& reader_;
  WarningHandler on_warning_;
  std::unique_ptr<Decompressor> zstd_;
  std::vector<std::byte> pending_;  // input not yet consumed (and a frame's start)
  std::size_t position_ = 0;        // in pending_
  // pending_[plain_from_, plain_to_): plain bytes already consumed, held back
  // so that consecutive blocks reach the reader in one append (not one per
  // block); passed on before anything else reaches the reader or the
  // warnings, and at the end of run().
  std::size_t plain_from_ = 0;
  std::size_t plain_to_ = 0;
  std::uint64_t pending_offset_ = 0;  // input offset of pending_[0]
  Mode mode_ = Mode::sniff;
  std::uint64_t next_boundary_ = 0;  // plain: input offset where a block may start
  std::uint64_t skip_left_ = 0;      // skippable
  std::uint64_t frame_start_ = 0;    // frame, resync: input offset of the frame
  // frame: where resync would search from: just after the frame's start, or
  // after the last block whose output went to the reader.
  std::uint64_t rescan_from_ = 0;
  std::string frame_error_;  // resync: what was wrong with the frame
  std::uint64_t frames_ = 0;
  std::uint64_t warnings_ = 0;
  bool pull_ = false;  // append() rather than feed()
};

}  // namespace sluice::detail::binlog
