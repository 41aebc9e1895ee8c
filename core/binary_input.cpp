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
  ZSTD_DCtx* dctx;
  std::size_t out_size;
  std::unique_ptr<std::byte[]> out;
  std::size_t hint = 0;  // input size zstd asked for next
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
      ZSTD_DCtx_reset(zstd_->dctx, ZSTD_reset_session_only);
      zstd_->hint = kFrameHeaderPrefix;  // zstd asks for the rest of the header
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
  const std::byte* const base = pending_.data() + position_;
  const std::size_t total = pending_.size() - position_;
  std::byte* const buffer = zstd_->out.get();
  std::size_t consumed = 0;
  bool frame_done = false;
  for (;;) {
    // At most what zstd asks for next (about a block): a call that fails
    // reports none of its output, so each call decodes one block, and the
    // blocks before a damaged one (or a damaged checksum) all come out.
    ZSTD_inBuffer in{base + consumed, std::min(total - consumed, zstd_->hint), 0};
    ZSTD_outBuffer out{buffer, zstd_->out_size, 0};
    const std::size_t result = ZSTD_decompressStream(zstd_->dctx, &out, &in);
    consumed += in.pos;
    if (out.pos > 0) deliver({buffer, out.pos});
    if (ZSTD_isError(result)) {
      frame_error_ = ZSTD_getErrorName(result);
      mode_ = Mode::resync;
      position_ = static_cast<std::size_t>(rescan_from_ - pending_offset_);
      return true;
    }
    if (result == 0) {
      frame_done = true;
      break;
    }
    zstd_->hint = result;
    const bool output_full = out.pos == out.size;
    if (!output_full && (consumed == total || in.pos == 0)) break;  // wants more input
  }
  position_ += consumed;
  if (frame_done) {
    mode_ = Mode::sniff;
    return true;
  }
  if (!at_end) return false;
  // The input ends inside the frame. If another frame starts after this
  // one's start, this one is damaged (a corrupt block size read on past it):
  // resume there. Otherwise the file was cut (a killed writer). Preambles do
  // not count here: a frame's first block holds one as literal bytes.
  bool wait = false;
  const std::size_t restart =
      find_restart(static_cast<std::size_t>(rescan_from_ - pending_offset_), true, true, wait);
  if (restart != kNotFound) {
    frame_error_ = "a block runs past the next frame's start";
    mode_ = Mode::resync;
    position_ = restart;
    return true;
  }
  warn("offset " + std::to_string(frame_start_) + ": incomplete zstd frame at end of input (" +
       std::to_string(offset() - frame_start_) +
       " bytes; the records it held up to the cut are decoded)");
  mode_ = Mode::sniff;
  return false;
}

std::size_t BinaryInput::find_restart(std::size_t from, bool at_end, bool frames_only,
                                      bool& wait) const {
  wait = false;
  for (std::size_t at = from; at + 4 <= pending_.size(); ++at) {
    const std::byte* q = pending_.data() + at;
    if (load_u32(q) == kZstdMagic) return at;
    if (frames_only || !is_preamble_start(q)) continue;
    if (at + sizeof kMagic > pending_.size()) {
      if (at_end) continue;  // too short to be a preamble
      wait = true;           // the rest of the magic may come
      return at;
    }
    if (std::memcmp(q, kMagic, sizeof kMagic) == 0) return at;
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
  // The last seven bytes may begin a preamble.
  position_ = std::max(position_, pending_.size() >= 7 ? pending_.size() - 7 : 0);
  return false;
}

}  // namespace sluice::detail::binlog
