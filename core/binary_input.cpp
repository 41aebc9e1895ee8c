#include "binary_input.hpp"

#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "sluice/error.hpp"

namespace sluice::detail::binlog {

namespace {

// zstd's skippable frames: magic 0x184D2A50..5F, a u32 size, that many bytes.
constexpr std::uint32_t kSkippableMask = 0xFFFFFFF0u;
constexpr std::uint32_t kSkippableMagic = 0x184D2A50u;
constexpr std::size_t kSkippableHeader = 8;
constexpr int kMaxWindowLog = 27;
// A zstd frame header's first bytes: magic and descriptor, which tell its size.
constexpr std::size_t kFrameHeaderPrefix = 5;
// A zstd block header's size (RFC 8878 3.1.1.2; zstd's kZstdBlockHeaderSize,
// which only its experimental API names). ZSTD_decompressStream returns it
// exactly when it stands at a block boundary with nothing of the next
// header loaded: its hint is the next block's size plus this inside a block,
// the rest of the block alone inside the last, 4 before the checksum.
constexpr std::size_t kZstdBlockHeaderSize = 3;
// After a corrupt frame, resync searches from just after the frame's start,
// because zstd may have consumed bytes beyond the damage (a damaged block
// size reads on into the next frame). Kept up to this many bytes of a frame.
constexpr std::uint64_t kMaxRetained = std::uint64_t{8} << 20;

std::uint32_t load_u32(const std::byte* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

bool is_preamble_start(const std::byte* p) noexcept {  // 4 bytes of the magic
  return std::memcmp(p, kMagic, 4) == 0;
}

// A zstd frame header's size from its descriptor byte (RFC 8878 3.1.1.1):
// magic, descriptor, window descriptor unless single-segment, dictionary id,
// content size.
std::size_t frame_header_size(std::byte descriptor) noexcept {
  const auto d = static_cast<unsigned>(descriptor);
  const bool single_segment = (d >> 5 & 1) != 0;
  constexpr std::size_t kDictionaryId[] = {0, 1, 2, 4};
  constexpr std::size_t kContentSize[] = {0, 2, 4, 8};
  const std::size_t content = d >> 6 == 0 && single_segment ? 1 : kContentSize[d >> 6];
  return 4 + 1 + (single_segment ? 0 : 1) + kDictionaryId[d & 3] + content;
}

enum class Next { yes, maybe, no };

// Whether the `available` bytes at `p` start a zstd frame, a skippable frame
// or a binary-log preamble (maybe: they are a prefix of one, or none).
Next starts_next(const std::byte* p, std::size_t available) noexcept {
  if (available == 0) return Next::maybe;
  std::byte frame[4], skippable[4];
  std::memcpy(frame, &kZstdMagic, 4);
  std::memcpy(skippable, &kSkippableMagic, 4);
  const auto prefix_of = [&](const std::byte* magic, std::size_t size, bool ignore_low_nibble) {
    const std::size_t n = std::min(available, size);
    for (std::size_t i = 0; i < n; ++i) {
      const std::byte mask = i == 0 && ignore_low_nibble ? std::byte{0xF0} : std::byte{0xFF};
      if ((p[i] & mask) != (magic[i] & mask)) return Next::no;
    }
    return n == size ? Next::yes : Next::maybe;
  };
  Next result = Next::no;
  for (const Next next : {prefix_of(frame, 4, false), prefix_of(skippable, 4, true),
                          prefix_of(kMagic, sizeof kMagic, false)}) {
    if (next == Next::yes) return next;
    if (next == Next::maybe) result = next;
  }
  return result;
}

// zstd's largest block (RFC 8878 3.1.1.2.3, Block_Maximum_Size).
constexpr std::uint64_t kZstdMaxBlock = std::uint64_t{128} << 10;

// Whether the `available` bytes at `p` start a zstd frame this decoder could
// decode: the magic, a frame header with the reserved bit clear, no
// dictionary, a window of at most 2^kMaxWindowLog, then a first block
// header of a defined type and a size within the window. Ordinary record
// bytes (a string holding 28 B5 2F FD) pass this rarely (about one in 60),
// a real frame always. maybe: the magic is there, the rest not yet (or, with
// fewer than 4 bytes, a prefix of the magic).
Next frame_at(const std::byte* p, std::size_t available) noexcept {
  std::byte magic[4];
  std::memcpy(magic, &kZstdMagic, 4);
  if (std::memcmp(p, magic, std::min<std::size_t>(available, 4)) != 0) return Next::no;
  if (available <= 4) return Next::maybe;
  const auto d = static_cast<unsigned>(p[4]);
  if ((d & 0x08) != 0 || (d & 3) != 0) return Next::no;
  const std::size_t header = frame_header_size(p[4]);
  if (available < header + kZstdBlockHeaderSize) return Next::maybe;
  std::uint64_t window = 0;
  if ((d >> 5 & 1) == 0) {
    const auto w = static_cast<unsigned>(p[5]);
    const unsigned log = 10 + (w >> 3);
    if (log > kMaxWindowLog) return Next::no;
    window = (std::uint64_t{1} << log) + (std::uint64_t{1} << log) / 8 * (w & 7);
  } else {
    // Single segment: the window is the content size, little-endian (2
    // bytes: plus 256) after the descriptor.
    const std::size_t size = header - 5;
    for (std::size_t i = size; i-- > 0;) window = window << 8 | static_cast<unsigned>(p[5 + i]);
    if (size == 2) window += 256;
    if (window > std::uint64_t{1} << kMaxWindowLog) return Next::no;
  }
  const std::byte* block = p + header;
  const std::uint32_t h = static_cast<std::uint32_t>(block[0]) |
                          static_cast<std::uint32_t>(block[1]) << 8 |
                          static_cast<std::uint32_t>(block[2]) << 16;
  if ((h >> 1 & 3) == 3) return Next::no;  // reserved block type
  return (h >> 3) <= std::min(kZstdMaxBlock, window) ? Next::yes : Next::no;
}

// Whether the `available` bytes at `p` start a binary-log preamble of a
// version the reader knows. maybe: a prefix of one.
Next preamble_at(const std::byte* p, std::size_t available) noexcept {
  if (std::memcmp(p, kMagic, std::min(available, sizeof kMagic)) != 0) return Next::no;
  if (available < sizeof kMagic + 2) return Next::maybe;
  const unsigned major =
      static_cast<unsigned>(p[sizeof kMagic]) | static_cast<unsigned>(p[sizeof kMagic + 1]) << 8;
  return major >= kOldestMajor && major <= kFormatMajor ? Next::yes : Next::no;
}

}  // namespace

struct BinaryInput::Decompressor {
  Decompressor()
      : dctx(ZSTD_createDCtx()),
        out_size(ZSTD_DStreamOutSize()),
        // Not zero-filled: zstd writes before anything reads.
        out(std::make_unique_for_overwrite<std::byte[]>(out_size)) {
    if (dctx == nullptr) throw Error("zstd: cannot allocate a decompression context");
    // The zstd tool's default limit (128 MiB windows); a frame asking for
    // more is reported as corrupt ("Frame requires too much memory for
    // decoding"). sluice's own frames use 1 MiB.
    ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, kMaxWindowLog);
  }
  ~Decompressor() { ZSTD_freeDCtx(dctx); }
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  // A new frame starts at input offset `at`.
  void start(std::uint64_t at) {
    ZSTD_DCtx_reset(dctx, ZSTD_reset_session_only);
    stage = Stage::header;
    unit_end = 0;
    hint = 0;
    blocks = 0;
    scan_from = at + 1;
    holding = false;
    held_at_frame = false;
    block_output.clear();
    held.clear();
  }

  // Where the frame is; what is fed to zstd is cut at unit_end, so that
  // each call ends at the end of the frame header or of a block.
  enum class Stage {
    header,    // the frame header; unit_end its end once known (0 before)
    boundary,  // a block header is due
    block,     // inside a block that ends at unit_end
    checksum,  // after the last block: the checksum, if any
  };
  ZSTD_DCtx* dctx;
  std::size_t out_size;
  std::unique_ptr<std::byte[]> out;
  Stage stage = Stage::header;
  std::uint64_t unit_end = 0;
  std::size_t hint = 0;      // what zstd's last call returned: input it wants next
  bool last_block = false;   // the block being decoded is the frame's last
  std::uint64_t blocks = 0;  // blocks decoded in this frame
  // Restart points (see find_restart) in the input before scan_from have
  // been looked for.
  std::uint64_t scan_from = 0;
  // Output is held back since a block whose input held a restart point:
  // `held`, until the frame ends well; held_at_frame: that point is a zstd
  // frame (else a preamble).
  bool holding = false;
  bool held_at_frame = false;
  std::vector<std::byte> block_output;  // the block being decoded, so far
  std::vector<std::byte> held;
};

BinaryInput::BinaryInput(BinaryReader& reader, WarningHandler on_warning)
    : reader_(reader), on_warning_(std::move(on_warning)) {}

BinaryInput::~BinaryInput() = default;

void BinaryInput::warn(std::string message) {
  flush_plain();  // the reader's warnings about earlier bytes come first
  ++warnings_;
  if (on_warning_) on_warning_(message);
}

void BinaryInput::feed(std::span<const std::byte> bytes) {
  pending_.insert(pending_.end(), bytes.begin(), bytes.end());
  run(false);
}

void BinaryInput::finish() {
  run(true);
  reader_.finish();
}

void BinaryInput::append(std::span<const std::byte> bytes) {
  pull_ = true;
  feed(bytes);
}

void BinaryInput::end_input() {
  pull_ = true;
  run(true);
  reader_.end_input();
}

void BinaryInput::deliver(std::span<const std::byte> plain) {
  flush_plain();
  hand_over(plain);
}

void BinaryInput::flush_plain() {
  if (plain_to_ == plain_from_) return;
  const std::span<const std::byte> plain(pending_.data() + plain_from_, plain_to_ - plain_from_);
  plain_from_ = plain_to_;
  hand_over(plain);
}

void BinaryInput::hand_over(std::span<const std::byte> plain) {
  if (pull_) {
    reader_.append(plain);
  } else {
    reader_.feed(plain);
  }
}

void BinaryInput::run(bool at_end) {
  for (;;) {
    bool progress = false;
    switch (mode_) {
      case Mode::sniff:
        progress = step_sniff(at_end);
        break;
      case Mode::plain:
        progress = step_plain(at_end);
        break;
      case Mode::frame:
        progress = step_frame(at_end);
        break;
      case Mode::skippable:
        progress = step_skippable(at_end);
        break;
      case Mode::resync:
        progress = step_resync(at_end);
        break;
    }
    if (!progress) break;
  }
  flush_plain();
  // Drop what is consumed; inside a frame, keep its start for a resync.
  std::size_t keep = position_;
  if (mode_ == Mode::frame) {
    if (offset() > kMaxRetained) rescan_from_ = std::max(rescan_from_, offset() - kMaxRetained);
    keep = std::min<std::size_t>(keep, rescan_from_ - pending_offset_);
  }
  if (keep > 0 && keep >= pending_.size() / 2) {
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(keep));
    pending_offset_ += keep;
    position_ -= keep;
  }
  plain_from_ = plain_to_ = position_;
}

bool BinaryInput::step_sniff(bool at_end) {
  const std::size_t available = pending_.size() - position_;
  if (available == 0) return false;
  if (available < 4) {
    if (!at_end) return false;
    if (std::memcmp(pending_.data() + position_, &kZstdMagic, available) == 0) {
      warn("offset " + std::to_string(offset()) + ": incomplete zstd frame at end of input (" +
           std::to_string(available) + " bytes)");
      position_ = pending_.size();
      return false;
    }
  } else {
    const std::uint32_t magic = load_u32(pending_.data() + position_);
    if (magic == kZstdMagic) {
      if (!zstd_) zstd_ = std::make_unique<Decompressor>();
      zstd_->start(offset());
      mode_ = Mode::frame;
      frame_start_ = offset();
      rescan_from_ = frame_start_ + 1;
      ++frames_;
      return true;
    }
    if ((magic & kSkippableMask) == kSkippableMagic) {
      if (available < kSkippableHeader && !at_end) return false;
      frame_start_ = offset();
      skip_left_ = available < kSkippableHeader
                       ? available + 1  // incomplete: reported at the end
                       : kSkippableHeader + load_u32(pending_.data() + position_ + 4);
      mode_ = Mode::skippable;
      return true;
    }
  }
  mode_ = Mode::plain;
  next_boundary_ = offset();
  return true;
}

bool BinaryInput::step_skippable(bool at_end) {
  const auto n =
      static_cast<std::size_t>(std::min<std::uint64_t>(skip_left_, pending_.size() - position_));
  position_ += n;
  skip_left_ -= n;
  if (skip_left_ == 0) {
    mode_ = Mode::sniff;
    return true;
  }
  if (at_end) {
    warn("offset " + std::to_string(frame_start_) + ": skipped " +
         std::to_string(offset() - frame_start_) +
         " bytes (incomplete zstd skippable frame at end of input)");
    mode_ = Mode::sniff;
  }
  return false;
}

void BinaryInput::feed_reader(std::size_t end) {
  if (end <= position_) return;
  if (plain_to_ != position_) {  // not right after the bytes held back
    flush_plain();
    plain_from_ = position_;
  }
  plain_to_ = end;
  position_ = end;
}

bool BinaryInput::step_plain(bool at_end) {
  const std::uint64_t end = pending_offset_ + pending_.size();
  if (next_boundary_ > offset()) {
    // Bytes before the next place a block may start are plain, whatever they are.
    const std::uint64_t upto = std::min(next_boundary_, end);
    feed_reader(static_cast<std::size_t>(upto - pending_offset_));
    return upto == next_boundary_;
  }
  const std::size_t available = pending_.size() - position_;
  if (available == 0) return false;
  const std::byte* p = pending_.data() + position_;
  if (available >= 4) {
    const std::uint32_t magic = load_u32(p);
    if (magic == kZstdMagic || (magic & kSkippableMask) == kSkippableMagic) {
      mode_ = Mode::sniff;
      return true;
    }
  }
  if (available < 8) {
    if (!at_end) return false;  // too little to tell a block from a preamble yet
    feed_reader(pending_.size());
    return false;
  }
  if (std::memcmp(p, kMagic, sizeof kMagic) == 0) {
    next_boundary_ = offset() + kPreambleSize;
    return true;
  }
  if (load_u32(p) == kSyncMarker && load_u32(p + 4) <= kMaxPayload) {
    next_boundary_ = offset() + kBlockHeaderSize + load_u32(p + 4);
    return true;
  }
  // Damaged plain data (the reader reports it): the next place anything may
  // start is the next sync marker, preamble or zstd frame.
  for (std::size_t at = position_ + 1; at + 4 <= pending_.size(); ++at) {
    const std::byte* q = pending_.data() + at;
    const std::uint32_t magic = load_u32(q);
    if (magic == kSyncMarker || magic == kZstdMagic || is_preamble_start(q)) {
      next_boundary_ = pending_offset_ + at;
      return true;
    }
  }
  // None yet; the last three bytes may begin one.
  next_boundary_ = at_end ? end : std::max(offset() + 1, end - 3);
  return true;
}

bool BinaryInput::step_frame(bool at_end) {
  Decompressor& z = *zstd_;
  for (;;) {
    const std::uint64_t end = pending_offset_ + pending_.size();
    if (z.stage == Decompressor::Stage::header && z.unit_end == 0) {
      if (end - offset() < kFrameHeaderPrefix) return frame_input_ends(at_end);
      z.unit_end = offset() + frame_header_size(pending_[position_ + 4]);
    }
    if (z.stage == Decompressor::Stage::boundary) {
      if (!frame_boundary(at_end)) return false;
      if (mode_ != Mode::frame) return true;
    }
    // Up to the end of the header or block, so that zstd stops there (it
    // would otherwise go on into the next block header); the checksum as
    // zstd asks for it.
    const std::uint64_t limit =
        z.stage == Decompressor::Stage::checksum ? offset() + z.hint : z.unit_end;
    const std::size_t n = static_cast<std::size_t>(std::min(limit, end) - offset());
    if (n == 0) return frame_input_ends(at_end);
    // The usual case, without a copy: a whole block whose input holds no
    // restart point goes straight to the reader.
    const bool direct =
        z.stage == Decompressor::Stage::block && !z.holding && z.block_output.empty() &&
        limit <= end &&
        restart_points(
            static_cast<std::size_t>(std::max(z.scan_from, pending_offset_) - pending_offset_),
            static_cast<std::size_t>(limit - pending_offset_))
                .count == 0;
    ZSTD_inBuffer in{pending_.data() + position_, n, 0};
    std::size_t result = 0;
    for (;;) {
      ZSTD_outBuffer out{z.out.get(), z.out_size, 0};
      result = ZSTD_decompressStream(z.dctx, &out, &in);
      if (ZSTD_isError(result)) return frame_failed(ZSTD_getErrorName(result));
      if (direct) {
        if (out.pos > 0) deliver({z.out.get(), out.pos});
      } else {
        z.block_output.insert(z.block_output.end(), z.out.get(), z.out.get() + out.pos);
      }
      if (out.pos < out.size) break;  // all output out
    }
    position_ += in.pos;
    z.hint = result;
    if (direct) {
      ++z.blocks;
      z.scan_from = rescan_from_ = offset();
    }
    if (result == 0) {  // the frame is whole, its checksum (if any) verified
      if (z.stage == Decompressor::Stage::block && !direct) take_block_output();
      if (z.holding) deliver(z.held);
      z.held.clear();
      mode_ = Mode::sniff;
      return true;
    }
    if (offset() < limit) return frame_input_ends(at_end);  // the rest has not arrived
    switch (z.stage) {
      case Decompressor::Stage::header:
        z.stage = Decompressor::Stage::boundary;
        break;
      case Decompressor::Stage::block:
        if (!direct) take_block_output();
        z.stage = z.last_block ? Decompressor::Stage::checksum : Decompressor::Stage::boundary;
        break;
      case Decompressor::Stage::boundary:
      case Decompressor::Stage::checksum:
        break;
    }
  }
}

// At a block boundary: reads the block header, or ends a frame left open
// (mode_ changes). False when waiting for input.
bool BinaryInput::frame_boundary(bool at_end) {
  Decompressor& z = *zstd_;
  const std::byte* p = pending_.data() + position_;
  const std::size_t available = pending_.size() - position_;
  // A writer leaves a frame open at a block boundary (ZSTD_e_flush) and
  // starts a new frame after a restart or a lost write; neither a zstd or
  // skippable magic nor a preamble reads as a valid block header (each
  // gives a raw block of over 128 KiB), so they end the open frame. zstd
  // agrees that a block header is due: it asks for kZstdBlockHeaderSize.
  // Such a clean end lets out what was held back too: the frame's blocks
  // all decoded, and nothing after them will be decoded again (a held block
  // that ran past a restart point is lost only on an error, or where the
  // input ends inside a block).
  if (z.blocks > 0 && z.hint == kZstdBlockHeaderSize) {
    switch (starts_next(p, available)) {
      case Next::yes:
        release_held();
        mode_ = Mode::sniff;  // the open frame ends here
        return true;
      case Next::maybe:
        if (available == 0) {
          // The end of the input so far: as far as the frame goes, its
          // blocks are sound, and a followed file must not wait for more.
          release_held();
          return at_end ? frame_input_ends(at_end) : false;
        }
        if (!at_end) return false;  // the rest of the magic may come
        // One or two bytes may as well be a block header torn short: the
        // open frame is cut (reported from its start, as any other cut).
        if (available < kZstdBlockHeaderSize) return frame_input_ends(at_end);
        release_held();
        mode_ = Mode::sniff;  // sniff or the reader reports the torn magic
        return true;
      case Next::no:
        break;
    }
  }
  if (available < kZstdBlockHeaderSize) return frame_input_ends(at_end);
  // Block header: bit 0 last block, bits 1-2 type (1: RLE, one byte of
  // input), bits 3-23 size.
  const std::uint32_t header = static_cast<std::uint32_t>(p[0]) |
                               static_cast<std::uint32_t>(p[1]) << 8 |
                               static_cast<std::uint32_t>(p[2]) << 16;
  const std::uint32_t type = (header >> 1) & 3;
  z.last_block = (header & 1) != 0;
  z.unit_end = offset() + kZstdBlockHeaderSize + (type == 1 ? 1 : header >> 3);
  z.stage = Decompressor::Stage::block;
  return true;
}

BinaryInput::RestartPoints BinaryInput::restart_points(std::size_t from, std::size_t to) const {
  RestartPoints points;
  const auto first = static_cast<std::byte>(kZstdMagic & 0xFF);
  for (std::size_t at = from; at < to; ++at) {
    // Most bytes begin neither: one comparison each.
    if (pending_[at] != first && pending_[at] != kMagic[0]) continue;
    const std::size_t available = pending_.size() - at;
    if (available < 4) continue;
    const std::byte* q = pending_.data() + at;
    // One whose end has not arrived yet counts: holding back is the safe
    // side.
    const bool is_frame = frame_at(q, available) != Next::no;
    if (!is_frame && preamble_at(q, available) == Next::no) continue;
    if (points.count++ == 0) points.first_is_frame = is_frame;
    points.preambles += is_frame ? 0 : 1;
  }
  return points;
}

// The block ending at offset() is decoded: its output goes to the reader,
// unless its input holds a restart point.
void BinaryInput::take_block_output() {
  Decompressor& z = *zstd_;
  const RestartPoints points = restart_points(
      static_cast<std::size_t>(std::max(z.scan_from, pending_offset_) - pending_offset_),
      position_);
  z.scan_from = offset();
  ++z.blocks;
  if (!z.holding) {
    // The first block of a file's first frame holds the file's preamble,
    // usually as literal bytes: that one is the frame's own content.
    const bool own_preamble = z.blocks == 1 && points.count == 1 && points.preambles == 1 &&
                              z.block_output.size() >= sizeof kMagic &&
                              std::memcmp(z.block_output.data(), kMagic, sizeof kMagic) == 0;
    if (points.count == 0 || own_preamble) {
      deliver(z.block_output);
      z.block_output.clear();
      rescan_from_ = offset();
      return;
    }
    z.holding = true;
    z.held_at_frame = points.first_is_frame;
  }
  z.held.insert(z.held.end(), z.block_output.begin(), z.block_output.end());
  z.block_output.clear();
  if (z.held.size() > kMaxRetained) {
    // Bounded memory over duplicate protection: a frame from elsewhere
    // (one `zstd` frame for a whole file) whose data happens to hold a
    // restart point's bytes streams on.
    deliver(z.held);
    z.held.clear();
    z.holding = false;
    rescan_from_ = offset();
  }
}

void BinaryInput::release_held() {
  Decompressor& z = *zstd_;
  if (!z.holding) return;
  deliver(z.held);
  z.held.clear();
  z.holding = false;
  rescan_from_ = offset();
}

bool BinaryInput::frame_failed(std::string error) {
  Decompressor& z = *zstd_;
  z.block_output.clear();
  z.held.clear();
  z.holding = false;
  frame_error_ = std::move(error);
  mode_ = Mode::resync;
  position_ = static_cast<std::size_t>(rescan_from_ - pending_offset_);
  return true;
}

bool BinaryInput::frame_input_ends(bool at_end) {
  if (!at_end) return false;
  Decompressor& z = *zstd_;
  // Ended at a block boundary with every block sound: a frame still being
  // written, or whose writer was killed after a flush.
  if (z.stage == Decompressor::Stage::boundary && !z.holding && z.blocks > 0 &&
      z.hint == kZstdBlockHeaderSize && position_ == pending_.size()) {
    mode_ = Mode::sniff;
    return false;
  }
  // A block cut short: what it gave so far (zstd streams raw blocks).
  if (z.stage == Decompressor::Stage::block && !z.block_output.empty()) take_block_output();
  // Ended inside a block, a block header or the checksum, with output held
  // back: the block that ran past a restart point may be the one cut short
  // (a damaged size reads on to the end of the input).
  if (z.holding) {
    return frame_failed(z.held_at_frame ? "a block runs past the next frame's start"
                                        : "a block runs past the next file's start");
  }
  // If another frame starts after this one's start, this one is damaged (a
  // corrupt block size read on past it): resume there. Otherwise the file
  // was cut (a killed writer). Preambles do not count here: a frame's first
  // block holds one as literal bytes.
  bool wait = false;
  const std::size_t restart =
      find_restart(static_cast<std::size_t>(rescan_from_ - pending_offset_), true, true, wait);
  if (restart != kNotFound) {
    frame_failed("a block runs past the next frame's start");
    position_ = restart;
    return true;
  }
  position_ = pending_.size();  // a block header cut short is not taken by zstd
  warn("offset " + std::to_string(frame_start_) + ": incomplete zstd frame at end of input (" +
       std::to_string(offset() - frame_start_) +
       " bytes; the records it held up to the cut are decoded)");
  mode_ = Mode::sniff;
  return false;
}

std::size_t BinaryInput::find_restart(std::size_t from, bool at_end, bool frames_only,
                                      bool& wait) const {
  wait = false;
  for (std::size_t at = from; at < pending_.size(); ++at) {
    const std::byte* q = pending_.data() + at;
    const std::size_t available = pending_.size() - at;
    switch (frame_at(q, available)) {
      case Next::yes:
        return at;
      case Next::maybe:
        if (!at_end) {
          wait = true;  // the rest of the header may come
          return at;
        }
        if (available >= 4) return at;  // a frame cut short: sniff reports it
        break;
      case Next::no:
        break;
    }
    if (frames_only) continue;
    switch (preamble_at(q, available)) {
      case Next::yes:
        return at;
      case Next::maybe:
        if (at_end) break;  // too short to be a preamble
        wait = true;        // the rest of the magic may come
        return at;
      case Next::no:
        break;
    }
  }
  return kNotFound;
}

// A preamble in a damaged frame's literal bytes may be taken for a restart:
// the bytes after it are then damaged plain data, which the reader skips
// with a warning; no record is lost to it.
bool BinaryInput::step_resync(bool at_end) {
  bool wait = false;
  const std::size_t at = find_restart(position_, at_end, false, wait);
  if (wait) {
    position_ = at;
    return false;
  }
  if (at != kNotFound) {
    position_ = at;
    warn("offset " + std::to_string(frame_start_) + ": corrupt zstd frame (" + frame_error_ +
         "); resumed at offset " + std::to_string(offset()));
    mode_ = Mode::sniff;
    return true;
  }
  if (at_end) {
    position_ = pending_.size();
    warn("offset " + std::to_string(frame_start_) + ": corrupt zstd frame (" + frame_error_ +
         "); nothing decodable after it (" + std::to_string(offset() - frame_start_) +
         " bytes to the end of input)");
    mode_ = Mode::sniff;
    return false;
  }
  position_ = pending_.size();  // a restart point's start would have been waited at
  return false;
}

}  // namespace sluice::detail::binlog
