#pragma once
// A small binary log with known records, plain and zstd-compressed (a frame
// per block, as BinaryFileSink wrote before it kept frames open across
// flushes, and a flush per block in one frame, as it writes now), and a
// decode helper that goes through BinaryInput as sluice-decode does.

#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/kv.hpp>

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "binary_format.hpp"
#include "binary_input.hpp"
#include "fd_writer.hpp"
#include "record_fixture.hpp"
#include "zstd_frame_writer.hpp"

namespace sluice::testing {

inline constexpr detail::SourceLocation kSampleLogin{
    "user {} logged in from {}", "src/app/pool.cpp", "acquire", 42, Level::info};
inline constexpr detail::SourceLocation kSampleStats{"{} items, {:.2f} ms, ok={}", "stats.cc",
                                                     "report", 7, Level::warning};

struct BinlogSample {
  std::string plain;                    // preamble + blocks
  std::vector<std::string> blocks;      // each framed block
  std::vector<std::size_t> records_by;  // records complete after each block
  std::vector<std::string> json;        // what the JsonFormatter renders live
};

/// `blocks` blocks of `per_block` records, alternating two call sites,
/// loggers and threads. Record `odd_at` (odd: a login) has `odd_user` as its
/// user, to put chosen bytes in one record.
inline BinlogSample make_binlog_sample(int blocks, int per_block, int odd_at = -1,
                                       std::string_view odd_user = {}) {
  const JsonFormatter json;
  BinlogSample sample;
  sample.plain = detail::binlog::BinaryEncoder::preamble();
  detail::binlog::BinaryEncoder encoder(
      {4242, "host-a", "svc", "1.2.3", 1'700'000'000'000'000'000});
  RecordFixture record;
  for (int i = 0; i < blocks * per_block; ++i) {
    RecordMeta meta;
    meta.timestamp_ns += i * 1'500;
    meta.thread_name = i % 3 ? "worker-1" : "worker-2";
    meta.logger = i % 2 ? "app.db" : "app";
    const RecordView& view =
        i % 2 ? record.build<kSampleLogin>(meta, i == odd_at ? odd_user : "alice", kv<"id">(-i), i)
              : record.build<kSampleStats>(meta, std::uint64_t{1} << 40, 3.25 * i, i % 4 == 0,
                                           kv<"ratio">(0.1f * static_cast<float>(i)));
    sample.json.emplace_back();
    json.format(view, sample.json.back());
    encoder.add(view);
    if ((i + 1) % per_block == 0) {
      std::string block;
      encoder.finish_block(block);
      sample.plain += block;
      sample.blocks.push_back(std::move(block));
      sample.records_by.push_back(static_cast<std::size_t>(i + 1));
    }
  }
  return sample;
}

struct CompressedSample {
  std::string bytes;
  // Offset after each frame (compress_per_block) or flush (compress_flushed):
  // one per block.
  std::vector<std::size_t> frame_end;
};

/// The sample as a frame per block (as BinaryFileSink wrote it compressed,
/// with a flush after every block, before frames stayed open across
/// flushes): the preamble and the first block in the first frame, then a
/// frame per block.
inline CompressedSample compress_per_block(const BinlogSample& sample, int level = 3) {
  const int fd = ::memfd_create("binlog-sample", MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error("memfd_create failed");
  CompressedSample out;
  {
    detail::FdWriter writer(fd, "sample", 1);
    detail::ZstdFrameWriter zstd(writer, level, "sample");
    zstd.write(detail::binlog::BinaryEncoder::preamble());
    for (const std::string& block : sample.blocks) {
      zstd.write(block);
      zstd.end_frame();
      out.frame_end.push_back(static_cast<std::size_t>(::lseek(fd, 0, SEEK_CUR)));
    }
  }
  out.bytes.resize(out.frame_end.back());
  if (::pread(fd, out.bytes.data(), out.bytes.size(), 0) !=
      static_cast<::ssize_t>(out.bytes.size())) {
    throw std::runtime_error("pread failed");
  }
  ::close(fd);
  return out;
}

/// The sample as BinaryFileSink writes it compressed under a light load: one
/// frame, flushed (ZSTD_e_flush) after every block, closed at the end unless
/// `close` is false (a writer killed after its last flush).
inline CompressedSample compress_flushed(const BinlogSample& sample, bool close = true,
                                         int level = 3) {
  const int fd = ::memfd_create("binlog-sample", MFD_CLOEXEC);
  if (fd < 0) throw std::runtime_error("memfd_create failed");
  CompressedSample out;
  {
    detail::FdWriter writer(fd, "sample", 1);
    detail::ZstdFrameWriter zstd(writer, level, "sample");
    zstd.write(detail::binlog::BinaryEncoder::preamble());
    for (const std::string& block : sample.blocks) {
      zstd.write(block);
      zstd.flush();
      out.frame_end.push_back(static_cast<std::size_t>(::lseek(fd, 0, SEEK_CUR)));
    }
    if (close) zstd.end_frame();
  }
  out.bytes.resize(static_cast<std::size_t>(::lseek(fd, 0, SEEK_CUR)));
  if (::pread(fd, out.bytes.data(), out.bytes.size(), 0) !=
      static_cast<::ssize_t>(out.bytes.size())) {
    throw std::runtime_error("pread failed");
  }
  ::close(fd);
  return out;
}

struct Decoded {
  std::vector<std::string> json;
  std::vector<std::string> input_warnings;   // BinaryInput's (zstd layer)
  std::vector<std::string> reader_warnings;  // BinaryReader's (blocks)
  std::string error;                         // what decoding threw, if it did
};

enum class Style { push, pull };

/// Decodes through BinaryInput, `chunk` bytes at a time (0: all at once),
/// push-style (feed(), records to a callback) or pull-style (append(), then
/// the reader's next(), as sluice-decode reads).
inline Decoded decode_input(std::string_view bytes, std::size_t chunk = 0,
                            Style style = Style::push) {
  const JsonFormatter json;
  Decoded out;
  const auto take = [&](const RecordView& r) {
    out.json.emplace_back();
    json.format(r, out.json.back());
  };
  const auto reader_warning = [&](const std::string& w) { out.reader_warnings.push_back(w); };
  const auto reader = style == Style::push
                          ? std::make_unique<detail::binlog::BinaryReader>(take, reader_warning)
                          : std::make_unique<detail::binlog::BinaryReader>(reader_warning);
  detail::binlog::BinaryInput input(*reader,
                                    [&](const std::string& w) { out.input_warnings.push_back(w); });
  const auto* data = reinterpret_cast<const std::byte*>(bytes.data());
  if (chunk == 0) chunk = bytes.size() + 1;
  const auto drain = [&] {
    while (const RecordView* r = reader->next()) take(*r);
  };
  try {
    for (std::size_t at = 0; at < bytes.size(); at += chunk) {
      const std::span<const std::byte> piece{data + at, std::min(chunk, bytes.size() - at)};
      if (style == Style::push) {
        input.feed(piece);
      } else {
        input.append(piece);
        drain();
      }
    }
    if (style == Style::push) {
      input.finish();
    } else {
      input.end_input();
      drain();
    }
  } catch (const Error& e) {
    out.error = e.what();
  }
  return out;
}

}  // namespace sluice::testing
