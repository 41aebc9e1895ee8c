// BinaryInput, the decoder's input layer: zstd-compressed binary logs are
// recognised by content and decode to the records of the plain stream, alone
// or concatenated with plain ones; a file cut at any byte yields exactly the
// records of its whole frames or flushes (plain: blocks), silently when cut
// at a flush; corruption never crashes, is reported, and what decodes is a
// subsequence of the original records, each at most once. Also
// ZstdFrameWriter, which writes what this reads.

#include <catch2/catch.hpp>

#include <zstd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "binlog_sample.hpp"
#include "full_disk.hpp"
#include "zstd_raw_frame.hpp"

namespace {

using sluice::testing::compress_flushed;
using sluice::testing::compress_per_block;
using sluice::testing::CompressedSample;
using sluice::testing::decode_input;
using sluice::testing::Decoded;
using sluice::testing::make_binlog_sample;
using sluice::testing::Style;

// Whether `part` is `whole` with some elements left out, order kept.
bool is_subsequence(const std::vector<std::string>& part, const std::vector<std::string>& whole) {
  std::size_t at = 0;
  for (const std::string& line : part) {
    while (at < whole.size() && whole[at] != line) ++at;
    if (at == whole.size()) return false;
    ++at;
  }
  return true;
}

std::uint64_t xorshift(std::uint64_t& state) {  // the same numbers every run
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

constexpr std::size_t kChecksumSize = 4;  // a frame's content checksum, its last bytes

}  // namespace

TEST_CASE("zstd frames decode to the records of the plain stream") {
  const auto sample = make_binlog_sample(4, 3);
  const CompressedSample z = compress_per_block(sample);
  REQUIRE(z.bytes.substr(0, 4) == "\x28\xb5\x2f\xfd");
  for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
    INFO("fed " << chunk << " bytes at a time");
    const Decoded d = decode_input(z.bytes, chunk);
    CHECK(d.error.empty());
    CHECK(d.input_warnings.empty());
    CHECK(d.reader_warnings.empty());
    CHECK(d.json == sample.json);
  }
  for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{7}}) {
    INFO("pull-style, " << chunk << " bytes at a time");
    const Decoded d = decode_input(z.bytes, chunk, Style::pull);
    CHECK(d.error.empty());
    CHECK(d.input_warnings.empty());
    CHECK(d.reader_warnings.empty());
    CHECK(d.json == sample.json);
  }
  // The plain stream through the same layer.
  const Decoded plain = decode_input(sample.plain, 5);
  CHECK(plain.input_warnings.empty());
  CHECK(plain.reader_warnings.empty());
  CHECK(plain.json == sample.json);
}

TEST_CASE("a compressed file cut at any byte yields the records of its whole frames") {
  const auto sample = make_binlog_sample(4, 3);
  const CompressedSample z = compress_per_block(sample);
  for (std::size_t cut = 0; cut <= z.bytes.size(); ++cut) {
    INFO("cut at " << cut);
    // A frame's records are out once its data is in: only its checksum may
    // be missing.
    std::size_t complete = 0, frame_start = 0;
    for (std::size_t f = 0; f < z.frame_end.size(); ++f) {
      if (z.frame_end[f] - kChecksumSize <= cut) complete = sample.records_by[f];
      if (z.frame_end[f] <= cut) frame_start = z.frame_end[f];
    }
    const Decoded d = decode_input(std::string_view(z.bytes).substr(0, cut), 1 + cut % 5,
                                   cut % 2 ? Style::pull : Style::push);
    CHECK(d.error.empty());
    REQUIRE(d.json.size() == complete);
    CHECK(std::equal(d.json.begin(), d.json.end(), sample.json.begin()));
    const std::size_t in_frame = cut - frame_start;
    if (in_frame == 0) {
      CHECK(d.input_warnings.empty());
      CHECK(d.reader_warnings.empty());
    } else {
      const std::string where = "offset " + std::to_string(frame_start) +
                                ": incomplete zstd frame at end of input (" +
                                std::to_string(in_frame) + " bytes";
      REQUIRE(d.input_warnings.size() == 1);
      CHECK(d.input_warnings[0] ==
            where + (in_frame < 4 ? ")" : "; the records it held up to the cut are decoded)"));
    }
  }
}

TEST_CASE("a plain file cut at any byte yields the records of its whole blocks") {
  const auto sample = make_binlog_sample(4, 3);
  std::vector<std::size_t> block_end;
  std::size_t end = sluice::detail::binlog::kPreambleSize;
  for (const std::string& block : sample.blocks) block_end.push_back(end += block.size());
  for (std::size_t cut = 0; cut <= sample.plain.size(); ++cut) {
    INFO("cut at " << cut);
    std::size_t complete = 0;
    for (std::size_t b = 0; b < block_end.size(); ++b) {
      if (block_end[b] <= cut) complete = sample.records_by[b];
    }
    const Decoded d = decode_input(std::string_view(sample.plain).substr(0, cut), 1 + cut % 5,
                                   cut % 2 ? Style::pull : Style::push);
    CHECK(d.error.empty());
    CHECK(d.input_warnings.empty());
    REQUIRE(d.json.size() == complete);
    CHECK(std::equal(d.json.begin(), d.json.end(), sample.json.begin()));
  }
}

TEST_CASE("plain and compressed files concatenated decode as one stream") {
  const auto sample = make_binlog_sample(2, 3);
  const std::string z = compress_per_block(sample).bytes;
  for (const std::string& bytes :
       {sample.plain + z, z + sample.plain, z + z + sample.plain + sample.plain + z}) {
    const Decoded d = decode_input(bytes, 3);
    CHECK(d.error.empty());
    CHECK(d.input_warnings.empty());
    CHECK(d.reader_warnings.empty());
    REQUIRE(d.json.size() % sample.json.size() == 0);
    for (std::size_t i = 0; i < d.json.size(); ++i) CHECK(d.json[i] == sample.json[i % 6]);
  }
}

TEST_CASE("zstd skippable frames are skipped") {
  const auto sample = make_binlog_sample(2, 3);
  const std::string z = compress_per_block(sample).bytes;
  const std::string skippable("\x5a\x2a\x4d\x18\x03\x00\x00\x00xyz", 11);
  const Decoded d = decode_input(skippable + z + skippable + z, 2);
  CHECK(d.input_warnings.empty());
  CHECK(d.json.size() == 12);
  const Decoded cut = decode_input(z + skippable.substr(0, 9));
  CHECK(cut.json == sample.json);
  CHECK(cut.input_warnings ==
        std::vector<std::string>{"offset " + std::to_string(z.size()) +
                                 ": skipped 9 bytes (incomplete zstd skippable frame at end of "
                                 "input)"});
}

TEST_CASE("a corrupt frame is reported and decoding resumes at the next frame") {
  const auto sample = make_binlog_sample(3, 2);
  const CompressedSample z = compress_per_block(sample);
  const std::size_t start = z.frame_end[0], end = z.frame_end[1];

  SECTION("its checksum: the data was good, so every record decodes") {
    std::string bytes = z.bytes;
    bytes[end - 1] = static_cast<char>(bytes[end - 1] ^ 0x10);
    const Decoded d = decode_input(bytes);
    CHECK(d.json == sample.json);
    CHECK(d.input_warnings ==
          std::vector<std::string>{"offset " + std::to_string(start) +
                                   ": corrupt zstd frame (Restored data doesn't match "
                                   "checksum); resumed at offset " +
                                   std::to_string(end)});
  }
  SECTION("its data: the frame's records are lost, the others decode") {
    for (std::size_t at = start + 6; at < end - kChecksumSize; ++at) {
      INFO("flipped byte at " << at);
      std::string bytes = z.bytes;
      bytes[at] = static_cast<char>(bytes[at] ^ 0x5a);
      const Decoded d = decode_input(bytes);
      CHECK(d.error.empty());
      CHECK(is_subsequence(d.json, sample.json));
      // Records of the other frames all decode.
      for (const std::size_t i : {0u, 1u, 4u, 5u}) {
        CHECK(std::find(d.json.begin(), d.json.end(), sample.json[i]) != d.json.end());
      }
      REQUIRE(d.input_warnings.size() + d.reader_warnings.size() >= 1);
      if (!d.input_warnings.empty()) {
        const std::string& w = d.input_warnings[0];
        CHECK(w.starts_with("offset " + std::to_string(start) + ": corrupt zstd frame ("));
        CHECK(w.ends_with("); resumed at offset " + std::to_string(end)));
      }
    }
  }
}

TEST_CASE("random corruption never crashes, and what decodes is intact and in order") {
  const auto sample = make_binlog_sample(6, 2);
  const CompressedSample z = compress_per_block(sample);
  std::uint64_t state = 0x2545F4914F6CDD1Du;
  for (int round = 0; round < 3000; ++round) {
    INFO("round " << round);
    const bool compressed = round % 2 == 0;
    std::string bytes = compressed ? z.bytes : sample.plain;
    // The first frame (compressed) or the preamble (plain) is left intact
    // in half the rounds: damage there may make the input unrecognisable.
    const std::size_t protect =
        round % 4 < 2 ? (compressed ? z.frame_end[0] : sluice::detail::binlog::kPreambleSize) : 0;
    std::vector<std::size_t> flipped;
    for (std::uint64_t flips = 1 + xorshift(state) % 4; flips > 0; --flips) {
      const std::size_t at = protect + xorshift(state) % (bytes.size() - protect);
      bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + xorshift(state) % 255));
      flipped.push_back(at);
    }
    const std::size_t cut = round % 3 == 0 ? xorshift(state) % (bytes.size() + 1) : bytes.size();
    const Decoded d = decode_input(std::string_view(bytes).substr(0, cut), 1 + xorshift(state) % 64,
                                   (round / 2) % 2 ? Style::pull : Style::push);
    CHECK(is_subsequence(d.json, sample.json));
    if (!d.error.empty()) {
      // Only damage at the very start makes the input unrecognisable.
      INFO(d.error);
      CHECK(protect == 0);
    }
  }
}

TEST_CASE("the compressed 1.0 sample decodes as the plain one") {
  // tests/data/binlog-1.0.slog.zst is binlog-1.0.slog as BinaryFileSink
  // compresses it, a frame per block; its records are binlog-1.0.jsonl.
  const auto read = [](const char* name) {
    std::ifstream in(std::string(SLUICE_TEST_DATA_DIR) + "/" + name, std::ios::binary);
    REQUIRE(in);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  const Decoded d = decode_input(read("binlog-1.0.slog.zst"), 100);
  CHECK(d.input_warnings.empty());
  CHECK(d.reader_warnings.empty());
  std::string lines;
  for (const std::string& line : d.json) lines += line + '\n';
  CHECK(lines == read("binlog-1.0.jsonl"));
}

TEST_CASE("a frame flushed after every block: a cut at any byte yields every record flushed") {
  const auto sample = make_binlog_sample(4, 3);
  const CompressedSample z = compress_flushed(sample);
  // One frame: its checksum and end come after the last flush.
  REQUIRE(ZSTD_findFrameCompressedSize(z.bytes.data(), z.bytes.size()) == z.bytes.size());
  REQUIRE(z.frame_end.back() < z.bytes.size());
  for (std::size_t cut = 0; cut <= z.bytes.size(); ++cut) {
    INFO("cut at " << cut);
    std::size_t complete = 0;
    for (std::size_t f = 0; f < z.frame_end.size(); ++f) {
      if (z.frame_end[f] <= cut) complete = sample.records_by[f];
    }
    const Decoded d = decode_input(std::string_view(z.bytes).substr(0, cut), 1 + cut % 5,
                                   cut % 2 ? Style::pull : Style::push);
    CHECK(d.error.empty());
    REQUIRE(d.json.size() == complete);
    CHECK(std::equal(d.json.begin(), d.json.end(), sample.json.begin()));
    const bool at_flush =
        cut == 0 || cut == z.bytes.size() ||
        std::find(z.frame_end.begin(), z.frame_end.end(), cut) != z.frame_end.end();
    if (at_flush) {
      // The normal state of a file being written, or of a writer killed
      // after a flush.
      CHECK(d.input_warnings.empty());
      CHECK(d.reader_warnings.empty());
    } else {
      REQUIRE(d.input_warnings.size() == 1);
      CHECK(d.input_warnings[0] ==
            "offset 0: incomplete zstd frame at end of input (" + std::to_string(cut) +
                (cut < 4 ? " bytes)" : " bytes; the records it held up to the cut are decoded)"));
    }
  }
}

TEST_CASE("a growing compressed file decodes each flush as it arrives") {
  // What sluice-decode --follow does: append what the file has so far, take
  // the records, wait, append more; never end_input().
  const auto sample = make_binlog_sample(5, 2);
  const CompressedSample z = compress_flushed(sample, false);
  std::vector<std::string> warnings;
  const auto warn = [&](const std::string& w) { warnings.push_back(w); };
  sluice::detail::binlog::BinaryReader reader(warn);
  sluice::detail::binlog::BinaryInput input(reader, warn);
  const sluice::JsonFormatter json;
  std::vector<std::string> lines;
  std::size_t from = 0;
  for (std::size_t f = 0; f < z.frame_end.size(); ++f) {
    INFO("flush " << f);
    // In two pieces: half a flush gives nothing.
    const std::size_t half = from + (z.frame_end[f] - from) / 2;
    for (const std::size_t to : {half, z.frame_end[f]}) {
      input.append({reinterpret_cast<const std::byte*>(z.bytes.data()) + from, to - from});
      from = to;
      while (const sluice::RecordView* r = reader.next()) {
        lines.emplace_back();
        json.format(*r, lines.back());
      }
      CHECK(lines.size() == (to == half && f > 0 ? sample.records_by[f - 1]
                             : to == half        ? 0
                                                 : sample.records_by[f]));
    }
  }
  input.end_input();
  CHECK(reader.next() == nullptr);
  CHECK(warnings.empty());
  CHECK(lines == sample.json);
}

TEST_CASE("a frame left open, then a new frame, a plain file or a skippable frame: no warning") {
  // A writer killed after a flush, then restarted on the same file (which
  // starts a new frame), or the file concatenated with others.
  const auto sample = make_binlog_sample(2, 3);
  const std::string open = compress_flushed(sample, false).bytes;
  const std::string closed = compress_flushed(sample).bytes;
  const std::string skippable("\x5a\x2a\x4d\x18\x03\x00\x00\x00xyz", 11);
  for (const std::string& bytes :
       {open + closed, open + open, open + sample.plain, open + skippable + open,
        open + compress_per_block(sample).bytes, sample.plain + open}) {
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
      INFO("fed " << chunk << " bytes at a time");
      const Decoded d = decode_input(bytes, chunk, chunk == 3 ? Style::pull : Style::push);
      CHECK(d.error.empty());
      CHECK(d.input_warnings.empty());
      CHECK(d.reader_warnings.empty());
      REQUIRE(d.json.size() == 2 * sample.json.size());
      for (std::size_t i = 0; i < d.json.size(); ++i) CHECK(d.json[i] == sample.json[i % 6]);
    }
  }
  // A torn magic after an open frame is reported as at any frame start.
  const Decoded torn = decode_input(open + closed.substr(0, 3));
  CHECK(torn.json == sample.json);
  CHECK(torn.input_warnings ==
        std::vector<std::string>{"offset " + std::to_string(open.size()) +
                                 ": incomplete zstd frame at end of input (3 bytes)"});
}

TEST_CASE("one or two bytes after an open frame are its torn end, whatever magic they begin") {
  // A flush torn after one or two bytes of its block header: those may
  // begin a zstd, skippable or preamble magic as well as any other bytes,
  // and the open frame is what was cut.
  const auto sample = make_binlog_sample(2, 3);
  const std::string open = compress_flushed(sample, false).bytes;
  for (const std::string tail : {"\x28", "\x28\xb5", "\x5a", "\x5a\x2a", "\x89", "\x89S", "\x10"}) {
    for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}}) {
      INFO("tail " << Catch::Detail::stringify(tail) << ", fed " << chunk << " bytes at a time");
      const Decoded d = decode_input(open + tail, chunk, chunk ? Style::pull : Style::push);
      CHECK(d.json == sample.json);
      CHECK(d.input_warnings ==
            std::vector<std::string>{"offset 0: incomplete zstd frame at end of input (" +
                                     std::to_string(open.size() + tail.size()) +
                                     " bytes; the records it held up to the cut are decoded)"});
      CHECK(d.reader_warnings.empty());
    }
  }
}

TEST_CASE("a block size damaged to read into the next frame decodes no record twice") {
  // Frames of raw blocks (small incompressible blocks are stored raw): the
  // first holds the preamble and block A, the next ones B and C. A damaged
  // size makes frame 1's block run on to the end of frame 2's block, so that
  // zstd copies frame 2's header and block C, verbatim, into frame 1's
  // output; frame 1 then fails on its checksum (frame 2's), and decoding
  // resumes at frame 2, which gives C again unless frame 1's output from
  // beyond frame 2's start was held back.
  const auto sample = make_binlog_sample(3, 2);
  using sluice::testing::kRawBlockHeaderSize;
  using sluice::testing::kRawFrameHeaderSize;
  using sluice::testing::raw_block_header;
  using sluice::testing::raw_frame;
  const std::string preamble = sluice::detail::binlog::BinaryEncoder::preamble();
  const std::string f0 = raw_frame({preamble + sample.blocks[0]});
  const std::string f1 = raw_frame({sample.blocks[1]});
  const std::string f2 = raw_frame({sample.blocks[2]});
  const std::string good = f0 + f1 + f2;
  {
    const Decoded d = decode_input(good);
    CHECK(d.input_warnings.empty());
    CHECK(d.reader_warnings.empty());
    CHECK(d.json == sample.json);
  }
  std::string bytes = good;
  const std::size_t long_size = sample.blocks[1].size() + 4 + kRawFrameHeaderSize +
                                kRawBlockHeaderSize + sample.blocks[2].size();
  bytes.replace(f0.size() + kRawFrameHeaderSize, kRawBlockHeaderSize,
                raw_block_header(long_size, true));
  for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{5}}) {
    INFO("fed " << chunk << " bytes at a time");
    const Decoded d = decode_input(bytes, chunk, chunk == 5 ? Style::pull : Style::push);
    CHECK(d.error.empty());
    // Frame 1's records (B) are lost with it; A and C decode once each.
    CHECK(d.json ==
          std::vector<std::string>{sample.json[0], sample.json[1], sample.json[4], sample.json[5]});
    CHECK(d.input_warnings ==
          std::vector<std::string>{"offset " + std::to_string(f0.size()) +
                                   ": corrupt zstd frame (Restored data doesn't match checksum); "
                                   "resumed at offset " +
                                   std::to_string(f0.size() + f1.size())});
    CHECK(d.reader_warnings.empty());
  }
  // Cut before frame 2's checksum: frame 1 never ends, and the block that
  // ran past frame 2's start is dropped; frame 2 is then cut too.
  const Decoded cut = decode_input(std::string_view(bytes).substr(0, bytes.size() - 4));
  CHECK(cut.json ==
        std::vector<std::string>{sample.json[0], sample.json[1], sample.json[4], sample.json[5]});
  CHECK(cut.input_warnings ==
        std::vector<std::string>{
            "offset " + std::to_string(f0.size()) +
                ": corrupt zstd frame (a block runs past the next frame's start); resumed at "
                "offset " +
                std::to_string(f0.size() + f1.size()),
            "offset " + std::to_string(f0.size() + f1.size()) +
                ": incomplete zstd frame at end of input (" + std::to_string(f2.size() - 4) +
                " bytes; the records it held up to the cut are decoded)"});
  // The first frame's own preamble, stored verbatim, holds nothing back: its
  // records are out before the frame ends.
  const Decoded first = decode_input(std::string_view(f0).substr(0, f0.size() - 4));
  CHECK(first.json == std::vector<std::string>{sample.json[0], sample.json[1]});
}

TEST_CASE("ZstdFrameWriter closes a frame once it has taken kMaxFrameContent bytes") {
  constexpr std::size_t kMax = sluice::detail::ZstdFrameWriter::kMaxFrameContent;
  const auto sample = make_binlog_sample(1, 40);
  const int fd = ::memfd_create("frames", MFD_CLOEXEC);
  REQUIRE(fd >= 0);
  std::size_t blocks = 0;
  {
    sluice::detail::FdWriter writer(fd, "frames", 1);
    sluice::detail::ZstdFrameWriter zstd(writer, 3, "frames");
    zstd.write(sluice::detail::binlog::BinaryEncoder::preamble());
    // Each block decodes on its own: the same one again and again is a
    // valid log.
    while (blocks * sample.blocks[0].size() < kMax * 3 / 2) {
      zstd.write(sample.blocks[0]);
      zstd.flush();
      ++blocks;
    }
    // The first frame closed after the write that took it to the limit.
    const std::size_t size = sample.blocks[0].size();
    const std::size_t first = (kMax - sluice::detail::binlog::kPreambleSize + size - 1) / size;
    CHECK(zstd.frame_content() == (blocks - first) * size);
    zstd.end_frame();
  }
  std::string bytes(static_cast<std::size_t>(::lseek(fd, 0, SEEK_CUR)), '\0');
  REQUIRE(::pread(fd, bytes.data(), bytes.size(), 0) == static_cast<::ssize_t>(bytes.size()));
  ::close(fd);
  std::vector<std::size_t> frame_sizes;
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t size = ZSTD_findFrameCompressedSize(bytes.data() + at, bytes.size() - at);
    REQUIRE(!ZSTD_isError(size));
    frame_sizes.push_back(size);
    at += size;
  }
  CHECK(frame_sizes.size() == 2);
  const Decoded d = decode_input(bytes, 4096);
  CHECK(d.input_warnings.empty());
  CHECK(d.reader_warnings.empty());
  REQUIRE(d.json.size() == blocks * 40);
  CHECK(d.json[blocks * 40 - 1] == sample.json[39]);
}

TEST_CASE("ZstdFrameWriter starts a new frame after a flush the FdWriter discarded") {
  // A full disk: the first failed flush is kept for retry, the next does not
  // fit beside it (max_pending) and is discarded whole. The frame it
  // belonged to cannot go on across the hole.
  const auto sample = make_binlog_sample(4, 3);
  const int fd = ::memfd_create("discard", MFD_CLOEXEC);
  REQUIRE(fd >= 0);
  std::vector<std::string> errors;
  {
    sluice::detail::FdWriter writer(fd, "discard", 1, 64);
    sluice::detail::ZstdFrameWriter zstd(writer, 3, "discard");
    zstd.write(sluice::detail::binlog::BinaryEncoder::preamble());
    zstd.write(sample.blocks[0]);
    zstd.flush();
    {
      sluice::testing::FullDisk full(fd);
      for (const std::size_t b : {1, 2}) {
        zstd.write(sample.blocks[b]);
        try {
          zstd.flush();
        } catch (const sluice::Error& e) {
          errors.emplace_back(e.what());
        }
      }
    }
    zstd.write(sample.blocks[3]);
    zstd.flush();  // the kept flush, then block 3 in a new frame
    zstd.end_frame();
  }
  REQUIRE(errors.size() == 2);
  CHECK_THAT(errors[1], Catch::Contains("1 line ("));
  CHECK_THAT(errors[1], Catch::Contains("bytes) discarded so far"));
  std::string bytes(static_cast<std::size_t>(::lseek(fd, 0, SEEK_CUR)), '\0');
  REQUIRE(::pread(fd, bytes.data(), bytes.size(), 0) == static_cast<::ssize_t>(bytes.size()));
  ::close(fd);
  const Decoded d = decode_input(bytes);
  CHECK(d.input_warnings.empty());
  CHECK(d.reader_warnings.empty());
  // Blocks 0, 1 and 3: block 2's records are the ones discarded.
  std::vector<std::string> expected(sample.json.begin(), sample.json.begin() + 6);
  expected.insert(expected.end(), sample.json.begin() + 9, sample.json.end());
  CHECK(d.json == expected);
}

namespace {

// The sample as a light-load sink writes it, a zstd block per flush of one
// record, either compressed by zstd or (as zstd does with incompressible
// data) as raw blocks. The frame is left open, or closed after the last.
std::vector<CompressedSample> flushed_frames(const sluice::testing::BinlogSample& sample,
                                             bool close) {
  using sluice::testing::raw_block_header;
  CompressedSample raw;
  raw.bytes = sluice::testing::raw_frame_header(false);
  std::string preamble = sluice::detail::binlog::BinaryEncoder::preamble();
  for (const std::string& block : sample.blocks) {
    raw.bytes += raw_block_header(preamble.size() + block.size(), false) + preamble + block;
    preamble.clear();
    raw.frame_end.push_back(raw.bytes.size());
  }
  if (close) raw.bytes += raw_block_header(0, true);
  return {compress_flushed(sample, close), raw};
}

// Records whose bytes hold a point where decoding could resume: a bare zstd
// magic, a magic with a frame header zstd would take, a binary-log preamble.
std::vector<std::string> restart_lookalikes() {
  return {std::string("\x28\xb5\x2f\xfd", 4), sluice::testing::raw_frame({"x"}).substr(0, 9),
          sluice::detail::binlog::BinaryEncoder::preamble()};
}

}  // namespace

TEST_CASE("a record holding a zstd magic or a preamble in an open frame decodes whole") {
  // Record 3's string is literal bytes in its zstd block. Nothing but the
  // bytes of a record: no warning, no record lost.
  for (const std::string& user : restart_lookalikes()) {
    INFO("user " << Catch::Detail::stringify(user));
    const auto sample = make_binlog_sample(8, 1, 3, user);
    const std::vector<CompressedSample> open = flushed_frames(sample, false);
    const std::vector<CompressedSample> closed = flushed_frames(sample, true);
    // zstd stores the magics as they are (the preamble matches the file's
    // own, at its start); raw blocks store everything as it is.
    if (user.size() < 12) REQUIRE(open[0].bytes.find(user, 20) != std::string::npos);
    REQUIRE(open[1].bytes.find(user, 20) != std::string::npos);
    for (std::size_t kind = 0; kind < open.size(); ++kind) {
      INFO((kind == 0 ? "zstd" : "raw blocks"));
      for (const std::string& bytes : {open[kind].bytes, closed[kind].bytes}) {
        for (const std::size_t chunk : {std::size_t{0}, std::size_t{1}, std::size_t{3}}) {
          INFO("fed " << chunk << " bytes at a time");
          const Decoded d = decode_input(bytes, chunk, chunk == 3 ? Style::pull : Style::push);
          CHECK(d.error.empty());
          CHECK(d.input_warnings.empty());
          CHECK(d.reader_warnings.empty());
          CHECK(d.json == sample.json);
        }
      }
      // The writer restarted on the file: a new frame after the open one.
      const Decoded twice = decode_input(open[kind].bytes + closed[0].bytes);
      CHECK(twice.input_warnings.empty());
      CHECK(twice.reader_warnings.empty());
      std::vector<std::string> expected = sample.json;
      expected.insert(expected.end(), sample.json.begin(), sample.json.end());
      CHECK(twice.json == expected);
    }
  }
}

TEST_CASE("a record holding a zstd magic or a preamble in an open frame: followed, each flush") {
  // As sluice-decode --follow reads a growing file: every flush's records
  // come out as soon as the flush is in, the ones after that record too.
  for (const std::string& user : restart_lookalikes()) {
    INFO("user " << Catch::Detail::stringify(user));
    const auto sample = make_binlog_sample(8, 1, 3, user);
    const std::vector<CompressedSample> frames = flushed_frames(sample, false);
    for (std::size_t kind = 0; kind < frames.size(); ++kind) {
      INFO((kind == 0 ? "zstd" : "raw blocks"));
      const CompressedSample& z = frames[kind];
      std::vector<std::string> warnings;
      const auto warn = [&](const std::string& w) { warnings.push_back(w); };
      sluice::detail::binlog::BinaryReader reader(warn);
      sluice::detail::binlog::BinaryInput input(reader, warn);
      const sluice::JsonFormatter json;
      std::vector<std::string> lines;
      std::size_t from = 0;
      for (std::size_t f = 0; f < z.frame_end.size(); ++f) {
        INFO("flush " << f);
        input.append(
            {reinterpret_cast<const std::byte*>(z.bytes.data()) + from, z.frame_end[f] - from});
        from = z.frame_end[f];
        while (const sluice::RecordView* r = reader.next()) {
          lines.emplace_back();
          json.format(*r, lines.back());
        }
        CHECK(lines.size() == sample.records_by[f]);
      }
      input.end_input();
      CHECK(reader.next() == nullptr);
      CHECK(warnings.empty());
      CHECK(lines == sample.json);
    }
  }
}

TEST_CASE("a record holding a bare zstd magic, then a torn flush: every record flushed decodes") {
  // A magic that no frame header follows is no restart point: nothing is
  // held back, so a torn write after it costs only the torn flush.
  const auto sample = make_binlog_sample(6, 1, 3, std::string("\x28\xb5\x2f\xfd", 4));
  const std::vector<CompressedSample> frames = flushed_frames(sample, false);
  for (std::size_t kind = 0; kind < frames.size(); ++kind) {
    INFO((kind == 0 ? "zstd" : "raw blocks"));
    const CompressedSample& z = frames[kind];
    const std::size_t last = z.frame_end[z.frame_end.size() - 2];
    for (std::size_t cut = last + 1; cut < z.bytes.size(); ++cut) {
      INFO("cut at " << cut << " of " << z.bytes.size());
      const Decoded d = decode_input(std::string_view(z.bytes).substr(0, cut));
      CHECK(d.error.empty());
      CHECK(d.json == std::vector<std::string>(sample.json.begin(), sample.json.end() - 1));
      CHECK(d.input_warnings ==
            std::vector<std::string>{"offset 0: incomplete zstd frame at end of input (" +
                                     std::to_string(cut) +
                                     " bytes; the records it held up to the cut are decoded)"});
      // A raw block (as zstd stores a small incompressible one too) streams
      // out as it comes: the reader sees the torn plain block, as in a torn
      // plain file.
      const bool raw = (static_cast<unsigned char>(z.bytes[last]) >> 1 & 3) == 0;
      const std::size_t torn = cut - std::min(cut, last + sluice::testing::kRawBlockHeaderSize);
      if (!raw || torn == 0) {
        CHECK(d.reader_warnings.empty());
      } else {
        CHECK(d.reader_warnings ==
              std::vector<std::string>{
                  "offset " + std::to_string(sample.plain.size() - sample.blocks.back().size()) +
                  ": skipped " + std::to_string(torn) +
                  " bytes (incomplete or corrupt block at end of input)"});
      }
    }
  }
}
