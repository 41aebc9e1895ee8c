#include "progress.hpp"

#include <fmt/format.h>

namespace sluice::detail::decode {

Progress::Progress(std::FILE* err, bool enabled, std::function<std::uint64_t()> bytes_read,
                   std::function<Clock::time_point()> now)
    : err_(err), enabled_(enabled), bytes_read_(std::move(bytes_read)), now_(std::move(now)) {
  if (enabled_) start_ = last_draw_ = now_();
}

void Progress::maybe_draw() {
  const Clock::time_point now = now_();
  // Nothing for short runs; then every kInterval.
  if (now - last_draw_ < kInterval) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double megabytes = static_cast<double>(bytes_read_ ? bytes_read_() : 0) / 1e6;
  // Built by fmt: GCC 12 at -O3 warns (-Wrestrict, a false positive) about
  // std::string::assign of a literal here.
  line_ = fmt::format("\rsluice-decode: {} records, {:.1f} MB, {:.2f} M records/s", records_,
                      megabytes, static_cast<double>(records_) / seconds / 1e6);
  const std::size_t length = line_.size() - 1;
  if (length < shown_) line_.append(shown_ - length, ' ');  // cover a longer line
  shown_ = length;
  std::fwrite(line_.data(), 1, line_.size(), err_);
  std::fflush(err_);
}

void Progress::clear() {
  if (shown_ == 0) return;
  line_.assign(shown_ + 2, ' ');
  line_.front() = '\r';
  line_.back() = '\r';
  std::fwrite(line_.data(), 1, line_.size(), err_);
  std::fflush(err_);
  shown_ = 0;
}

}  // namespace sluice::detail::decode
