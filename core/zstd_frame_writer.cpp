#include "zstd_frame_writer.hpp"

#include <zstd.h>

#include "fd_writer.hpp"
#include "sluice/error.hpp"

namespace sluice::detail {

struct ZstdFrameWriter::Context {
  Context() : cctx(ZSTD_createCCtx()) {
    if (cctx == nullptr) throw Error("zstd: cannot allocate a compression context");
  }
  ~Context() { ZSTD_freeCCtx(cctx); }
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  ZSTD_CCtx* cctx;
};

namespace {

constexpr int kWindowLog = 20;
static_assert(std::size_t{1} << kWindowLog == ZstdFrameWriter::kMaxFrameContent);

std::size_t check(std::size_t result, const char* what) {
  if (ZSTD_isError(result))
    throw Error(std::string("zstd: ") + what + ": " + ZSTD_getErrorName(result));
  return result;
}

}  // namespace

void ZstdFrameWriter::check_level(int level, std::string_view what) {
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
    throw Error(std::string(what) + ": zstd compression level " + std::to_string(level) +
                " is out of range (" + std::to_string(ZSTD_minCLevel()) + " to " +
                std::to_string(ZSTD_maxCLevel()) + ")");
  }
}

ZstdFrameWriter::ZstdFrameWriter(FdWriter& out, int level, std::string_view what)
    : out_(out), context_(std::make_unique<Context>()) {
  check_level(level, what);
  check(ZSTD_CCtx_setParameter(context_->cctx, ZSTD_c_compressionLevel, level), "level");
  // The checksum lets a decoder tell a real frame from bytes that merely
  // look like a frame's start when it resynchronises after damage.
  check(ZSTD_CCtx_setParameter(context_->cctx, ZSTD_c_checksumFlag, 1), "checksum flag");
  // A frame never holds more than kMaxFrameContent, so a larger window (the
  // high levels ask for up to 128 MiB) would only cost the decoder memory.
  check(ZSTD_CCtx_setParameter(context_->cctx, ZSTD_c_windowLog, kWindowLog), "window size");
}

ZstdFrameWriter::~ZstdFrameWriter() = default;

void ZstdFrameWriter::compress(std::string_view bytes, Directive directive) {
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  const ZSTD_EndDirective mode = directive == Directive::end     ? ZSTD_e_end
                                 : directive == Directive::flush ? ZSTD_e_flush
                                                                 : ZSTD_e_continue;
  const std::size_t step = ZSTD_CStreamOutSize();
  for (;;) {
    const std::size_t used = output_.size();
    output_.resize(used + step);
    ZSTD_outBuffer out{output_.data() + used, step, 0};
    const std::size_t left =
        check(ZSTD_compressStream2(context_->cctx, &out, &in, mode), "compression failed");
    output_.resize(used + out.pos);
    // e_continue: done when all input is taken; e_flush and e_end: when
    // nothing is left to write out (left == 0).
    if (directive == Directive::carry_on ? in.pos == in.size : left == 0) break;
  }
}

void ZstdFrameWriter::write(std::string_view bytes) {
  compress(bytes, Directive::carry_on);
  content_ += bytes.size();
  unflushed_ = true;
  if (content_ >= kMaxFrameContent) end_frame();
}

void ZstdFrameWriter::flush() {
  if (!unflushed_) return;
  compress({}, Directive::flush);
  unflushed_ = false;
  hand_over();
}

void ZstdFrameWriter::end_frame() {
  if (content_ == 0) return;
  compress({}, Directive::end);
  content_ = 0;
  unflushed_ = false;
  hand_over();
}

void ZstdFrameWriter::hand_over() {
  // The bytes leave this object before the write can throw: FdWriter owns
  // them from here (kept for retry, or discarded and counted).
  std::string bytes;
  bytes.swap(output_);
  const std::uint64_t discarded = out_.discarded_units();
  const auto after = [&] {
    if (out_.discarded_units() != discarded && content_ != 0) {
      // The open frame has lost a piece: what follows would not decode.
      // Give it up: it stays unclosed in the file, ending at the last block
      // before the hole, and the next write starts a new frame (a decoder
      // reads an unclosed frame followed by a new one without a warning).
      ZSTD_CCtx_reset(context_->cctx, ZSTD_reset_session_only);
      content_ = 0;
    }
    bytes.clear();
    output_.swap(bytes);  // keeps the buffer's capacity
  };
  try {
    out_.write_bytes(bytes);
  } catch (...) {
    after();
    throw;
  }
  after();
}

}  // namespace sluice::detail
