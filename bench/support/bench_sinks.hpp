#pragma once
// Sinks and a formatter used by the benchmarks.
//
// sluice's FileSink and PatternFormatter are being written while these
// benchmarks are; until they land, the benchmarks can use stand-ins:
//   NullSink        takes each record and does nothing with it (the backend's
//                   queue and ordering work only: no decoding, no format);
//   DiscardSink     formats the message into a buffer and throws it away
//                   (the backend's decode + format cost, no I/O);
//   BenchFileSink   what a FileSink does: the record as the sink's formatter
//                   renders it, a newline, a 64 KiB buffer, write(2);
//   SpdlogLikeFormatter  renders the same text as the spdlog pattern used in
//                   the comparisons, so that both write the same bytes.

#include <fmt/format.h>
#include <sluice/formatter.hpp>
#include <sluice/record.hpp>
#include <sluice/sink.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>
#if SLUICE_BENCH_HAVE_FILE_SINK
#include <sluice/sinks/file_sink.hpp>
#endif

namespace sluice_bench {

/// The spdlog pattern the comparisons use, and the sluice formatter that
/// produces the same text for the same record.
inline constexpr const char* kSpdlogPattern = "%Y-%m-%d %H:%M:%S.%F %-8l %n: %v";

class SpdlogLikeFormatter final : public sluice::Formatter {
 public:
  void format(const sluice::RecordView& record, std::string& out) const override {
    const std::int64_t ns = record.timestamp_ns();
    const std::int64_t seconds = ns / 1'000'000'000;
    if (seconds != cached_second_) {
      // Like spdlog, the calendar part is recomputed once a second only.
      const std::time_t t = static_cast<std::time_t>(seconds);
      std::tm tm{};
      gmtime_r(&t, &tm);
      cached_date_ = fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.", tm.tm_year + 1900,
                                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
      cached_second_ = seconds;
    }
    out += cached_date_;
    fmt::format_to(std::back_inserter(out), "{:09} {:<8} {}: {}", ns % 1'000'000'000,
                   sluice::level_name(record.level()), record.logger_name(), record.message());
    for (std::size_t i = 0; i < record.field_count(); ++i) {
      const sluice::FieldView& field = record.field(i);
      out += ' ';
      out += field.name;
      out += '=';
      append_value(field.value, out);
    }
  }
  // spdlog writes the payload as it is: so does this formatter, so that both
  // sides do the same work (a user's formatter reads escaped text by default).
  bool reads_raw_text() const noexcept override { return true; }

 private:
  static void append_value(const sluice::ArgValue& v, std::string& out) {
    auto it = std::back_inserter(out);
    if (v.is_text()) {
      out += v.text;
    } else if (v.kind == sluice::ArgKind::boolean) {
      out += v.b ? "true" : "false";
    } else if (v.kind == sluice::ArgKind::character) {
      out += v.c;
    } else if (v.is_signed()) {
      fmt::format_to(it, "{}", v.i);
    } else if (v.is_unsigned()) {
      fmt::format_to(it, "{}", v.u);
    } else if (v.is_floating()) {
      fmt::format_to(it, "{}", v.d);
    } else {
      fmt::format_to(it, "{}", v.p);
    }
  }

  mutable std::int64_t cached_second_ = -1;
  mutable std::string cached_date_;
};

/// Reads nothing of the record: the backend still drains, orders and routes
/// it, and that is all its core does.
class NullSink final : public sluice::Sink {
 public:
  void write(const sluice::RecordView& /*record*/) override {}
  std::string description() const override { return "null sink"; }
};

/// Decodes and formats the message (the backend's per-record work), no I/O.
class DiscardSink final : public sluice::Sink {
 public:
  void write(const sluice::RecordView& record) override {
    buffer_.append(record.message());
    if (buffer_.size() > 64 * 1024) buffer_.clear();
  }
  std::string description() const override { return "discard sink"; }

 private:
  std::string buffer_;
};

/// A minimal file sink: formatted record + '\n' into a 64 KiB buffer,
/// write(2) when full and on flush().
class BenchFileSink final : public sluice::FormattedSink {
 public:
  BenchFileSink(const std::string& path, std::shared_ptr<const sluice::Formatter> formatter)
      : FormattedSink(std::move(formatter)), path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    buffer_.reserve(kBufferSize + 4096);
  }
  ~BenchFileSink() override {
    try {
      flush();
    } catch (...) {
    }
    ::close(fd_);
  }
  void write(const sluice::RecordView& record) override {
    buffer_ += record.formatted(formatter());
    buffer_ += '\n';
    if (buffer_.size() >= kBufferSize) flush();
  }
  void flush() override {
    const char* p = buffer_.data();
    std::size_t left = buffer_.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error("write " + path_ + ": " + std::strerror(errno));
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    buffer_.clear();
  }
  std::string description() const override { return "bench file sink " + path_; }

 private:
  static constexpr std::size_t kBufferSize = 64 * 1024;
  std::string path_;
  int fd_ = -1;
  std::string buffer_;
};

/// "file" (sluice::FileSink; only when it is built), "bench-file", "discard".
inline std::vector<std::string> sink_kinds() {
#if SLUICE_BENCH_HAVE_FILE_SINK
  return {"file", "bench-file", "discard", "null"};
#else
  return {"bench-file", "discard", "null"};
#endif
}
inline const char* default_sink_kind() {
#if SLUICE_BENCH_HAVE_FILE_SINK
  return "file";
#else
  return "bench-file";
#endif
}

/// `formatter`: "library" (the sink's default) or "spdlog-like".
inline std::shared_ptr<sluice::Sink> make_sluice_sink(const std::string& kind,
                                                      const std::string& path,
                                                      const std::string& formatter) {
  std::shared_ptr<const sluice::Formatter> f;
  if (formatter == "spdlog-like") f = std::make_shared<const SpdlogLikeFormatter>();
  if (kind == "discard") return std::make_shared<DiscardSink>();
  if (kind == "null") return std::make_shared<NullSink>();
#if SLUICE_BENCH_HAVE_FILE_SINK
  if (kind == "file") {
    sluice::FileOptions options;
    options.truncate = true;
    return std::make_shared<sluice::FileSink>(path, f, options);
  }
#endif
  return std::make_shared<BenchFileSink>(path, f);
}

}  // namespace sluice_bench
