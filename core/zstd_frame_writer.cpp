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

void ZstdFrameWriter::compress(std::string_view bytes, bool end) {
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  const std::size_t step = ZSTD_CStreamOutSize();
  for (;;) {
    std::size_t used = frame_.size();
    frame_.resize(used + step);
    ZSTD_outBuffer out{frame_.data() + used, step, 0};
    const std::size_t left =
        check(ZSTD_compressStream2(context_->cctx, &out, &in, end ? ZSTD_e_end : ZSTD_e_continue),
              "compression failed");
    frame_.resize(used + out.pos);
    // e_continue: done when all input is taken; e_end: when nothing is left
    // to flush (left == 0).
    if (end ? left == 0 : in.pos == in.size) break;
  }
}

void ZstdFrameWriter::write(std::string_view bytes) {
  compress(bytes, false);
  content_ += bytes.size();
  if (content_ >= kMaxFrameContent) end_frame();
}

void ZstdFrameWriter::end_frame() {
  if (content_ == 0) return;
  compress({}, true);
  content_ = 0;
  // The frame leaves this object before the write can throw: FdWriter owns
  // it from here (kept for retry, or discarded and counted).
  std::string frame;
  frame.swap(frame_);
  out_.write_bytes(frame);
  frame_.swap(frame);
  frame_.clear();
}

}  // namespace sluice::detail
