#pragma once
// zstd compression for BinaryFileSink (.slog.zst): the binary log stream,
// compressed into independent frames, handed to an FdWriter one frame at a
// time.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sluice::detail {

class FdWriter;

/// Compresses what write() is given into zstd frames (content checksum on)
/// and hands each finished frame to `out` as one unit.
///
/// A frame is closed by end_frame() (the sink calls it at every flush, so
/// that a killed process leaves whole frames up to its last flush) and once
/// it holds kMaxFrameContent bytes, so that a busy sink that never goes idle
/// still writes regularly and a damaged frame loses a bounded amount. The
/// caller writes whole binary-log blocks, so frames start and end at block
/// boundaries.
///
/// Writing a whole frame as one unit keeps the file decodable when the disk
/// fails: FdWriter either keeps a frame for retry or discards it whole (and
/// counts it); a frame is never cut in the middle.
/// Not thread-safe (the backend thread owns it).
class ZstdFrameWriter {
 public:
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
  /// Closes the open frame, if it holds anything, and hands it to the
  /// FdWriter. @throws sluice::Error as FdWriter::write_bytes() does (the
  /// frame is then kept for retry or discarded whole).
  void end_frame();

  /// Uncompressed bytes in the open frame.
  std::size_t frame_content() const noexcept { return content_; }
  /// Compressed bytes of the open frame produced so far (zstd holds up to a
  /// block, 128 KiB of content, before it produces any).
  std::size_t frame_bytes() const noexcept { return frame_.size(); }

 private:
  void compress(std::string_view bytes, bool end);

  struct Context;
  FdWriter& out_;
  std::unique_ptr<Context> context_;
  std::string frame_;  // the open frame's compressed bytes so far
  std::size_t content_ = 0;
};

}  // namespace sluice::detail
