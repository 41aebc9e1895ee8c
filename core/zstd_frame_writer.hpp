#pragma once
// zstd compression for BinaryFileSink (.slog.zst): the binary log stream,
// compressed into zstd frames that stay open across flushes, handed to an
// FdWriter one flush at a time.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sluice::detail {

class FdWriter;

/// Compresses what write() is given into zstd frames (content checksum on).
///
/// flush() makes everything written so far decodable (ZSTD_e_flush: the
/// open zstd block is closed) and hands the compressed bytes to `out`, but
/// keeps the frame, and with it the compression window, open: a sink that
/// flushes after every record (a light load: the backend flushes whenever it
/// goes idle) then pays a 3-byte block header per flush, not a frame header
/// and a checksum, and its records still compress against the previous ones.
/// A frame is closed (ZSTD_e_end: last block and checksum) by end_frame()
/// (the sink calls it at rotation and close) and once it has taken
/// kMaxFrameContent bytes, so that a damaged frame loses a bounded amount and
/// the checksum is checked regularly. The caller writes whole binary-log
/// blocks, so flushes and frames end at block boundaries.
///
/// What flush() hands over is one FdWriter unit: FdWriter keeps it for retry
/// or discards it whole (and counts it), never half of it. A discarded unit
/// leaves a hole in the open frame that nothing after it could be decoded
/// across, so the frame is given up (never closed) and the next write starts
/// a new one: the file stays decodable, minus the discarded records.
/// Not thread-safe (the backend thread owns it).
class ZstdFrameWriter {
 public:
  /// Content after which a frame is closed; also the compression window.
  static constexpr std::size_t kMaxFrameContent = std::size_t{1} << 20;

  /// @throws sluice::Error if `level` is outside zstd's levels, naming `what`
  /// (the sink) in the message.
  ZstdFrameWriter(FdWriter& out, int level, std::string_view what);
  /// The constructor's check alone, for a sink to call before it opens its file.
  static void check_level(int level, std::string_view what);
  ~ZstdFrameWriter();
  ZstdFrameWriter(const ZstdFrameWriter&) = delete;
  ZstdFrameWriter& operator=(const ZstdFrameWriter&) = delete;

  /// Compresses `bytes` into the open frame (opening one if needed), then
  /// closes the frame if it has reached kMaxFrameContent.
  /// @throws sluice::Error if compression or the FdWriter fails.
  void write(std::string_view bytes);
  /// Makes everything written so far decodable and hands it to the
  /// FdWriter; the frame stays open. Nothing to do if nothing was written
  /// since the last flush. @throws sluice::Error as FdWriter::write_bytes()
  /// does (the bytes are then kept for retry, or discarded and the frame
  /// given up).
  void flush();
  /// Closes the open frame, if it holds anything, and hands the rest of it
  /// to the FdWriter. @throws sluice::Error as flush() does.
  void end_frame();

  /// Uncompressed bytes in the open frame.
  std::size_t frame_content() const noexcept { return content_; }
  /// Compressed bytes produced and not handed to the FdWriter yet (zstd
  /// holds up to a block, 128 KiB of content, before it produces any).
  std::size_t unwritten_bytes() const noexcept { return output_.size(); }

 private:
  enum class Directive { carry_on, flush, end };
  void compress(std::string_view bytes, Directive directive);
  void hand_over();

  struct Context;
  FdWriter& out_;
  std::unique_ptr<Context> context_;
  std::string output_;       // compressed bytes not yet handed over
  std::size_t content_ = 0;  // uncompressed bytes in the open frame
  bool unflushed_ = false;   // written to since the last flush or frame end
};

}  // namespace sluice::detail
