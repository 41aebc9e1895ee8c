// BinaryEncoder and BinaryReader without the backend: records decode to the
// same JSON as the originals; a file cut at any byte yields every complete
// block's records; a corrupt block is skipped with a warning naming its
// offset and size, and decoding resumes after it; newer majors are refused.

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/kv.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "binary_format.hpp"
#include "binlog_block.hpp"
#include "record_builder.hpp"
#include "record_fixture.hpp"

namespace {

using sluice::kv;
using sluice::Level;
using sluice::detail::SourceLocation;
using sluice::detail::binlog::Arguments;
using sluice::detail::binlog::BinaryEncoder;
using sluice::detail::binlog::BinaryReader;
using sluice::testing::RecordFixture;
using sluice::testing::RecordMeta;

constexpr SourceLocation kLogin{"user {} logged in from {}", "src/app/pool.cpp", "acquire", 42,
                                Level::info};
constexpr SourceLocation kCounters{"{} {} {} {} {}", "c.cc", "count", 9, Level::info};
constexpr SourceLocation kStats{"{} items, {:.2f} ms, ok={}", "stats.cc", "report", 7,
                                Level::warning};

struct Sample {
  std::string bytes;                    // preamble + blocks
  std::vector<std::size_t> block_end;   // offset after each block
  std::vector<std::size_t> records_by;  // records complete at each block_end
  std::vector<std::string> json;        // what the JsonFormatter renders live
};

// Six records in three blocks of two.
Sample make_sample() {
  const sluice::JsonFormatter json;
  Sample sample;
  sample.bytes = BinaryEncoder::preamble();
  BinaryEncoder encoder({4242, "host-a", "svc", "1.2.3", 1'700'000'000'000'000'000});
  RecordFixture record;
  for (int i = 0; i < 6; ++i) {
    RecordMeta meta;
    meta.timestamp_ns += i * 1'500 - (i == 3 ? 100'000 : 0);  // one goes backwards
    meta.thread_name = i < 3 ? "worker-1" : "worker-2";
    meta.logger = i % 2 ? "app.db" : "app";
    meta.process_id = 4242;
    const sluice::RecordView& view =
        i % 2 ? record.build<kLogin>(meta, "alice\n\"x\"", kv<"id">(-i), i)
              : record.build<kStats>(meta, std::uint64_t{1} << 40, 3.25 * i, i == 2,
                                     kv<"ratio">(0.1f * static_cast<float>(i)));
    sample.json.emplace_back();
    json.format(view, sample.json.back());
    encoder.add(view);
    if (i % 2 == 1) {
      encoder.finish_block(sample.bytes);
      sample.block_end.push_back(sample.bytes.size());
      sample.records_by.push_back(static_cast<std::size_t>(i + 1));
    }
  }
  return sample;
}

struct Decoded {
  std::vector<std::string> json;
  std::vector<std::string> warnings;
};

Decoded decode(std::string_view bytes, std::size_t chunk = 0) {
  const sluice::JsonFormatter json;
  Decoded out;
  BinaryReader reader(
      [&](const sluice::RecordView& r) {
        out.json.emplace_back();
        json.format(r, out.json.back());
      },
      [&](const std::string& w) { out.warnings.push_back(w); });
  const auto* data = reinterpret_cast<const std::byte*>(bytes.data());
  if (chunk == 0) chunk = bytes.size() + 1;
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    reader.feed({data + at, std::min(chunk, bytes.size() - at)});
  }
  reader.finish();
  return out;
}

}  // namespace

TEST_CASE("decoded records render as the originals did") {
  const Sample sample = make_sample();
  const Decoded all = decode(sample.bytes);
  CHECK(all.warnings.empty());
  CHECK(all.json == sample.json);
  // Fed one byte at a time, as from a pipe.
  const Decoded bytewise = decode(sample.bytes, 1);
  CHECK(bytewise.warnings.empty());
  CHECK(bytewise.json == sample.json);
}

TEST_CASE("pulled one at a time, records come out as pushed, and views outlive append") {
  const Sample sample = make_sample();
  const sluice::JsonFormatter json;
  std::vector<std::string> warnings;
  BinaryReader reader([&](const std::string& w) { warnings.push_back(w); });
  std::vector<std::string> pulled;
  const auto* data = reinterpret_cast<const std::byte*>(sample.bytes.data());
  const auto render = [&](const sluice::RecordView& r) {
    pulled.emplace_back();
    json.format(r, pulled.back());
  };
  // Seven bytes at a time, one record taken per chunk and rendered only after
  // the next chunk was appended, which must leave it intact.
  const sluice::RecordView* pending = nullptr;
  for (std::size_t at = 0; at < sample.bytes.size(); at += 7) {
    reader.append({data + at, std::min<std::size_t>(7, sample.bytes.size() - at)});
    if (pending != nullptr) render(*pending);
    pending = reader.next();
    CHECK_FALSE(reader.exhausted());
  }
  reader.end_input();
  if (pending != nullptr) render(*pending);
  while (const sluice::RecordView* r = reader.next()) render(*r);
  CHECK(reader.next() == nullptr);
  CHECK(reader.exhausted());
  CHECK(warnings.empty());
  CHECK(pulled == sample.json);
  CHECK(reader.records() == sample.json.size());
}

TEST_CASE("a file cut at any byte yields the records of its complete blocks") {
  const Sample sample = make_sample();
  for (std::size_t cut = 0; cut <= sample.bytes.size(); ++cut) {
    INFO("cut at " << cut);
    std::size_t complete = 0, last_end = 0;
    for (std::size_t b = 0; b < sample.block_end.size(); ++b) {
      if (sample.block_end[b] <= cut) {
        complete = sample.records_by[b];
        last_end = sample.block_end[b];
      }
    }
    const Decoded d = decode(std::string_view(sample.bytes).substr(0, cut));
    REQUIRE(d.json.size() == complete);
    CHECK(std::equal(d.json.begin(), d.json.end(), sample.json.begin()));
    const bool clean = cut == 0 || cut == sample.bytes.size() ||
                       (last_end == cut && cut >= sluice::detail::binlog::kPreambleSize) ||
                       cut == sluice::detail::binlog::kPreambleSize;
    CHECK(d.warnings.size() == (clean ? 0u : 1u));
    if (!clean && cut > sluice::detail::binlog::kPreambleSize) {
      const std::size_t start = last_end ? last_end : sluice::detail::binlog::kPreambleSize;
      CHECK(d.warnings.at(0) == "offset " + std::to_string(start) + ": skipped " +
                                    std::to_string(cut - start) +
                                    " bytes (incomplete or corrupt block at end of input)");
    }
  }
}

TEST_CASE("a corrupt block is skipped with its offset and size, and decoding resumes") {
  const Sample sample = make_sample();
  const std::size_t start = sample.block_end[0], end = sample.block_end[1];
  for (const std::size_t at : {start, start + 5, start + 20, end - 1}) {
    INFO("flipped byte at " << at);
    std::string bytes = sample.bytes;
    bytes[at] = static_cast<char>(bytes[at] ^ 0x40);
    const Decoded d = decode(bytes);
    REQUIRE(d.warnings.size() == 2);
    CHECK(d.warnings[0] == "offset " + std::to_string(start) + ": skipped " +
                               std::to_string(end - start) + " bytes (corrupt block)");
    // The lost block defined thread "worker-2", which the last block uses:
    // a block needs its segment's earlier definitions (format 3).
    CHECK(d.warnings[1] == "offset " + std::to_string(end) +
                               ": rest of block skipped (a record refers to thread 1, which is "
                               "not defined (its definition may have been in skipped data))");
    const std::vector<std::string> expected{sample.json[0], sample.json[1]};
    CHECK(d.json == expected);
  }
}

TEST_CASE("after a corrupt block, blocks whose definitions came earlier decode whole") {
  // Every site, logger and thread is defined in the first block: losing the
  // second costs its records only, and the third block's integer differences
  // do not depend on it (they restart at every block).
  const sluice::JsonFormatter json;
  BinaryEncoder encoder({4242, "h", "", "", 0});
  RecordFixture record;
  std::vector<std::string> expected;
  std::string bytes = BinaryEncoder::preamble();
  std::vector<std::size_t> block_end;
  for (int i = 0; i < 9; ++i) {
    RecordMeta meta;
    meta.timestamp_ns += i * 1'000;
    const sluice::RecordView& view = record.build<kCounters>(
        meta, std::int64_t{100} * i, std::uint64_t{7} + static_cast<std::uint64_t>(i),
        static_cast<std::int8_t>(-i), static_cast<std::uint16_t>(i), nullptr);
    expected.emplace_back();
    json.format(view, expected.back());
    encoder.add(view);
    if (i % 3 == 2) {
      encoder.finish_block(bytes);
      block_end.push_back(bytes.size());
    }
  }
  bytes[block_end[0] + 20] = static_cast<char>(bytes[block_end[0] + 20] ^ 0x01);
  const Decoded d = decode(bytes);
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0] == "offset " + std::to_string(block_end[0]) + ": skipped " +
                             std::to_string(block_end[1] - block_end[0]) +
                             " bytes (corrupt block)");
  const std::vector<std::string> kept{expected[0], expected[1], expected[2],
                                      expected[6], expected[7], expected[8]};
  CHECK(d.json == kept);
}

TEST_CASE("start_segment(): after a block the writer lost, the next one defines again") {
  // A full disk: the sink's writer discarded the block that first used
  // kLogin; without a new segment the next block would refer to kLogin's
  // id undefined, and its records would be lost with it.
  for (const bool restart : {false, true}) {
    INFO("start_segment: " << restart);
    const sluice::JsonFormatter json;
    BinaryEncoder encoder({4242, "h", "", "", 0});
    RecordFixture record;
    RecordMeta meta;
    meta.process_id = 4242;
    std::vector<std::string> expected(1);
    std::string bytes = BinaryEncoder::preamble(), lost;
    const sluice::RecordView& stats =
        record.build<kStats>(meta, std::uint64_t{1}, 2.5, true, kv<"ratio">(0.5f));
    json.format(stats, expected[0]);
    encoder.add(stats);
    encoder.finish_block(bytes);
    encoder.add(record.build<kLogin>(meta, std::string_view("alice"), kv<"id">(1), 1));
    encoder.finish_block(lost);
    if (restart) encoder.start_segment();
    const sluice::RecordView& login =
        record.build<kLogin>(meta, std::string_view("bob"), kv<"id">(2), 2);
    expected.emplace_back();
    json.format(login, expected.back());
    encoder.add(login);
    encoder.finish_block(bytes);
    const Decoded d = decode(bytes);
    if (restart) {
      CHECK(d.warnings.empty());
      CHECK(d.json == expected);
    } else {
      CHECK(d.json == std::vector<std::string>{expected[0]});
      CHECK(d.warnings.size() == 1);
    }
  }
}

TEST_CASE("records with a names key: the names follow every change, and every segment's") {
  // The backend's key stands for the logger and thread names: the encoder
  // compares it instead of them, so a new key must bring the new names, and
  // a new segment must define them again though the key stays. A key never
  // changes the bytes: the same records without one must encode the same.
  const sluice::JsonFormatter json;
  BinaryEncoder encoder({4242, "h", "", "", 0});
  BinaryEncoder unkeyed({4242, "h", "", "", 0});
  RecordFixture record;
  std::vector<std::string> expected;
  std::string bytes = BinaryEncoder::preamble();
  std::string unkeyed_bytes = bytes;
  std::uint64_t value = 1;
  const auto add = [&](std::uint64_t key, const char* logger, std::uint64_t thread,
                       const char* thread_name) {
    RecordMeta meta;
    meta.names_key = key;
    meta.logger = logger;
    meta.thread_id = thread;
    meta.thread_name = thread_name;
    value = value * 3 + 1;                                            // differences of every size
    meta.timestamp_ns += static_cast<std::int64_t>(value % 100'000);  // back and forth
    const auto build = [&] {
      return &record.build<kStats>(meta, value, 2.5, value % 2 == 0, kv<"ratio">(0.5f));
    };
    const sluice::RecordView* view = build();
    expected.emplace_back();
    json.format(*view, expected.back());
    encoder.add(*view);
    meta.names_key = 0;
    unkeyed.add(*build());
  };
  add(1, "app", 7, "worker-1");
  add(1, "app", 7, "worker-1");
  add(1, "app", 7, "worker-1");
  add(2, "app.db", 7, "worker-1");
  add(3, "app.db", 7, "renamed");
  add(4, "app.db", 8, "renamed");
  add(0, "other", 9, "unkeyed");  // nothing promised: compared
  add(4, "app.db", 8, "renamed");
  add(4, "app.db", 8, "renamed");
  encoder.finish_block(bytes);
  unkeyed.finish_block(unkeyed_bytes);
  CHECK(bytes == unkeyed_bytes);
  Decoded d = decode(bytes);
  CHECK(d.warnings.empty());
  CHECK(d.json == expected);

  encoder.start_segment();
  unkeyed.start_segment();
  expected.clear();
  std::string alone = BinaryEncoder::preamble();
  std::string unkeyed_alone = alone;
  add(4, "app.db", 8, "renamed");
  add(4, "app.db", 8, "renamed");
  encoder.finish_block(alone);
  unkeyed.finish_block(unkeyed_alone);
  CHECK(alone == unkeyed_alone);
  d = decode(alone);  // the new segment's block, without the blocks before it
  CHECK(d.warnings.empty());
  CHECK(d.json == expected);
}

TEST_CASE("definitions are written once per segment, not once per block") {
  // A sink flushed after every record (a lightly loaded server) finishes a
  // block per record: format 2 repeated the header and every definition in
  // each of them.
  RecordFixture record;
  BinaryEncoder encoder({1, "host", "service", "1.0", 0});
  std::string bytes = BinaryEncoder::preamble();
  std::vector<std::size_t> sizes;
  std::size_t blocks = 0;
  // Two whole segments and the start of a third, counted in payload bytes.
  for (std::size_t payload = 0; payload < 2 * sluice::detail::binlog::kSegmentBytes + 100;) {
    const std::size_t before = bytes.size();
    encoder.add(record.build<kLogin>(RecordMeta{}, "alice", kv<"id">(7), 1));
    encoder.finish_block(bytes);
    sizes.push_back(bytes.size() - before);
    payload += sizes.back() - sluice::detail::binlog::kBlockHeaderSize;
    ++blocks;
  }
  // The first block of a segment holds the header and the definitions; the
  // others hold one record and the 16-byte block header.
  const std::size_t first = sizes[0], plain = sizes[1];
  CHECK(plain < 40);
  CHECK(first > plain + 60);
  std::size_t segment_starts = 0, payload = 0;
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    INFO("block " << i);
    const bool starts = i == 0 || payload >= sluice::detail::binlog::kSegmentBytes;
    if (starts) payload = 0;
    CHECK(sizes[i] == (starts ? first : plain));
    payload += sizes[i] - sluice::detail::binlog::kBlockHeaderSize;
    segment_starts += starts ? 1 : 0;
  }
  CHECK(segment_starts == 3);
  const Decoded d = decode(bytes);
  CHECK(d.warnings.empty());
  CHECK(d.json.size() == blocks);
  // The second segment decodes without the first.
  std::size_t second = sluice::detail::binlog::kPreambleSize, first_segment_blocks = 0;
  for (std::size_t payload_so_far = 0; payload_so_far < sluice::detail::binlog::kSegmentBytes;
       ++first_segment_blocks) {
    payload_so_far += sizes[first_segment_blocks] - sluice::detail::binlog::kBlockHeaderSize;
    second += sizes[first_segment_blocks];
  }
  const Decoded rest = decode(BinaryEncoder::preamble() + bytes.substr(second));
  CHECK(rest.warnings.empty());
  CHECK(rest.json.size() == blocks - first_segment_blocks);
  CHECK(rest.json.back() == d.json.back());
}

TEST_CASE("files concatenated decode as one stream") {
  const Sample sample = make_sample();
  const Decoded d = decode(sample.bytes + sample.bytes);
  CHECK(d.warnings.empty());
  CHECK(d.json.size() == 12);
}

// Another file: its call site 0 is kCounters, where make_sample()'s is
// kStats; three blocks of two records, one segment.
Sample make_other_file() {
  const sluice::JsonFormatter json;
  Sample sample;
  sample.bytes = BinaryEncoder::preamble();
  BinaryEncoder encoder({4243, "host-b", "", "", 1'700'000'000'000'000'001});
  RecordFixture record;
  for (int i = 0; i < 6; ++i) {
    RecordMeta meta;
    meta.timestamp_ns += i * 1'000;
    meta.process_id = 4243;
    const sluice::RecordView& view = record.build<kCounters>(
        meta, std::int64_t{-3} * i, std::uint64_t{5}, static_cast<std::int8_t>(i),
        static_cast<std::uint16_t>(900 + i), nullptr);
    sample.json.emplace_back();
    json.format(view, sample.json.back());
    encoder.add(view);
    if (i % 2 == 1) {
      encoder.finish_block(sample.bytes);
      sample.block_end.push_back(sample.bytes.size());
    }
  }
  return sample;
}

TEST_CASE("a file whose preamble was lost is told from the one before it") {
  // Two files concatenated and damaged where they meet. Format 3 blocks do
  // not define what earlier blocks of their segment did, and the ids of two
  // files mean different call sites: the second file's blocks must never be
  // read with the first file's definitions. Each block's checksum is seeded
  // with its file's header, which a segment's first block carries.
  const Sample a = make_sample(), b = make_other_file();
  const std::size_t preamble = sluice::detail::binlog::kPreambleSize;
  std::vector<std::string> both = a.json;
  both.insert(both.end(), b.json.begin(), b.json.end());

  SECTION("the preamble alone: the file's first block starts it") {
    std::string damaged = b.bytes;
    damaged[3] = 'X';
    const Decoded d = decode(a.bytes + damaged);
    CHECK(d.json == both);
    CHECK(d.warnings == std::vector<std::string>{"offset " + std::to_string(a.bytes.size()) +
                                                 ": skipped 12 bytes (corrupt block)"});
  }
  SECTION("the preamble and the segment's first block: the rest of the segment is skipped") {
    std::string damaged = b.bytes;
    damaged[3] = 'X';
    damaged[preamble + 30] = static_cast<char>(damaged[preamble + 30] ^ 0x04);
    // A third file after it: its blocks are recognised even though its
    // preamble is inside the damaged stretch (where preambles are not looked
    // for).
    const Decoded d = decode(a.bytes + damaged + a.bytes);
    std::vector<std::string> expected = a.json;
    expected.insert(expected.end(), a.json.begin(), a.json.end());
    CHECK(d.json == expected);
    CHECK(d.warnings == std::vector<std::string>{
                            "offset " + std::to_string(a.bytes.size()) + ": skipped " +
                            std::to_string(damaged.size() + preamble) + " bytes (corrupt block)"});
  }
  SECTION("the same file twice: a copy's blocks are its own") {
    std::string second = a.bytes;
    second[3] = 'X';
    const Decoded d = decode(a.bytes + second);
    std::vector<std::string> expected = a.json;
    expected.insert(expected.end(), a.json.begin(), a.json.end());
    CHECK(d.json == expected);
    CHECK(d.warnings.size() == 1);
  }
}

TEST_CASE("other major versions and foreign data are refused with a clear message") {
  std::string bytes = make_sample().bytes;
  bytes[8] = 4;
  CHECK_THROWS_WITH(decode(bytes),
                    "binary log format version 4.0 is newer than this decoder "
                    "supports (1.0 to 3.0): use a newer sluice-decode");
  bytes[8] = 0;
  bytes[10] = 9;
  CHECK_THROWS_WITH(
      decode(bytes),
      "binary log format version 0.9 is older than this decoder supports (1.0 to 3.0)");
  CHECK_THROWS_WITH(decode("{\"timestamp\":1}\n"),
                    "not a sluice binary log (no file magic at offset 0)");
}

std::string read_data(const char* name) {
  std::ifstream in(std::string(SLUICE_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string lines_of(const std::vector<std::string>& json) {
  std::string lines;
  for (const std::string& line : json) lines += line + '\n';
  return lines;
}

TEST_CASE("the 1.0 sample file decodes as it did when it was written") {
  // tests/data/binlog-1.0.slog is make_sample() as format 1.0 wrote it; its
  // JSON is kept beside it. A change that breaks reading old files fails here.
  const Decoded d = decode(read_data("binlog-1.0.slog"));
  CHECK(d.warnings.empty());
  CHECK(lines_of(d.json) == read_data("binlog-1.0.jsonl"));
}

TEST_CASE("the 2.0 sample file decodes as it did when it was written") {
  // tests/data/binlog-2.0.slog is make_sample() as format 2.0 wrote it
  // (integers as differences, definitions in every block); the same
  // records, so the same JSON.
  const std::string bytes = read_data("binlog-2.0.slog");
  const Decoded d = decode(bytes);
  CHECK(d.warnings.empty());
  CHECK(lines_of(d.json) == read_data("binlog-2.0.jsonl"));
  // A 1.0 file and a 2.0 file concatenated (a sink of each version appending
  // to one file) decode as one stream.
  const Decoded both = decode(read_data("binlog-1.0.slog") + bytes);
  CHECK(both.warnings.empty());
  CHECK(lines_of(both.json) == read_data("binlog-1.0.jsonl") + read_data("binlog-2.0.jsonl"));
}

TEST_CASE("the 3.0 sample file decodes as it did, and this version writes it byte for byte") {
  // tests/data/binlog-3.0.slog is make_sample() as format 3.0 writes it
  // (definitions once per segment); the same records, so the same JSON.
  const std::string bytes = read_data("binlog-3.0.slog");
  CHECK(make_sample().bytes == bytes);
  const Decoded d = decode(bytes);
  CHECK(d.warnings.empty());
  CHECK(lines_of(d.json) == read_data("binlog-3.0.jsonl"));
  const Decoded all = decode(read_data("binlog-1.0.slog") + read_data("binlog-2.0.slog") + bytes);
  CHECK(all.warnings.empty());
  CHECK(lines_of(all.json) == read_data("binlog-1.0.jsonl") + read_data("binlog-2.0.jsonl") +
                                  read_data("binlog-3.0.jsonl"));
}

TEST_CASE("random corruption never crashes, and what decodes is intact") {
  const Sample sample = make_sample();
  std::uint64_t state = 0x9E3779B97F4A7C15u;  // xorshift64: the same bytes every run
  const auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = sample.bytes;
    const std::size_t preamble = sluice::detail::binlog::kPreambleSize;
    for (std::uint64_t flips = 1 + next() % 4; flips > 0; --flips) {
      const std::size_t at = preamble + next() % (bytes.size() - preamble);
      bytes[at] = static_cast<char>(bytes[at] ^ static_cast<char>(1 + next() % 255));
    }
    const std::size_t cut = round % 3 == 0 ? next() % (bytes.size() + 1) : bytes.size();
    const Decoded d = decode(std::string_view(bytes).substr(0, cut), 1 + next() % 64);
    for (const std::string& line : d.json) {
      INFO("round " << round);
      CHECK(std::find(sample.json.begin(), sample.json.end(), line) != sample.json.end());
    }
  }
}

TEST_CASE("integers are written as differences from the site's previous record in the block") {
  const sluice::JsonFormatter json;
  BinaryEncoder encoder({4242, "h", "", "", 0});
  RecordFixture record;
  std::vector<std::string> expected;
  std::string bytes = BinaryEncoder::preamble();
  // Neighbours, extremes and wrap-arounds, for every width and signedness.
  const auto add = [&](std::int64_t a, std::uint64_t b, std::int8_t c, std::uint16_t d,
                       const void* e) {
    const sluice::RecordView& view = record.build<kCounters>(RecordMeta{}, a, b, c, d, e);
    expected.emplace_back();
    json.format(view, expected.back());
    encoder.add(view);
  };
  add(1000, 7, -128, 65535, nullptr);
  const std::size_t before = encoder.pending_payload();
  add(1001, 8, -127, 0, reinterpret_cast<const void*>(8));
  // tag, site, logger, thread, time delta 0, then the differences
  // +1 +1 +1 -65535 +8 as svarints.
  CHECK(encoder.pending_payload() - before == 5 + 1 + 1 + 1 + 3 + 1);
  add(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::uint64_t>::max(), 127, 1,
      reinterpret_cast<const void*>(~std::uintptr_t{0}));
  add(std::numeric_limits<std::int64_t>::max(), 0, -1, 65535, nullptr);
  add(-1, 1, 0, 2, reinterpret_cast<const void*>(16));
  encoder.finish_block(bytes);
  // The next block restarts from 0: the first record's values are whole.
  add(5, 5, 5, 5, reinterpret_cast<const void*>(5));
  add(6, 6, 6, 6, reinterpret_cast<const void*>(6));
  encoder.finish_block(bytes);
  const Decoded d = decode(bytes);
  CHECK(d.warnings.empty());
  CHECK(d.json == expected);
}

namespace {

constexpr SourceLocation kEveryFixedKind{"{} {} {} {} {} {} {} {} {} {} {} {} {}", "k.cc", "kinds",
                                         3, Level::info};

}  // namespace

TEST_CASE("a call site's own argument writer writes what the run-time one does, for every kind") {
  using Site = sluice::detail::CallSiteOf<kEveryFixedKind, bool, char, std::int8_t, std::int16_t,
                                          std::int32_t, std::int64_t, std::uint8_t, std::uint16_t,
                                          std::uint32_t, std::uint64_t, const void*, float, double>;
  REQUIRE(Site::value.put_fixed_args != nullptr);
  CHECK(sluice::detail::CallSiteOf<kLogin, std::string_view, int>::value.put_fixed_args == nullptr);
  // The same site without its own writer, as a site read back from a file has.
  sluice::detail::CallSite run_time = Site::value;
  run_time.put_fixed_args = nullptr;

  BinaryEncoder own({4242, "h", "", "", 0});
  BinaryEncoder generic({4242, "h", "", "", 0});
  std::string own_bytes;
  std::string generic_bytes;
  RecordFixture record;
  const auto add = [&](bool a, char b, std::int8_t c, std::int16_t d, std::int32_t e,
                       std::int64_t f, std::uint8_t g, std::uint16_t h, std::uint32_t i,
                       std::uint64_t j, const void* k, float l, double m) {
    const sluice::RecordView& view =
        record.build<kEveryFixedKind>(RecordMeta{}, a, b, c, d, e, f, g, h, i, j, k, l, m);
    REQUIRE(&view.call_site() == &Site::value);
    own.add(view);
    sluice::RecordView other;
    sluice::detail::RecordBuilder::reset(
        other, {view.timestamp_ns(), &run_time, view.logger_name(), view.process_id(),
                view.thread_id(), view.thread_name(), view.encoded_args()});
    generic.add(other);
  };
  add(true, 'x', -128, -32768, -5, std::numeric_limits<std::int64_t>::min(), 255, 65535,
      4'000'000'000u, std::numeric_limits<std::uint64_t>::max(), nullptr, -1.5f, 1e300);
  add(false, '\n', 127, 32767, 5, std::numeric_limits<std::int64_t>::max(), 0, 0, 7, 0,
      reinterpret_cast<const void*>(~std::uintptr_t{0}), 3.25f, -0.0);
  own.finish_block(own_bytes);
  generic.finish_block(generic_bytes);
  add(true, 'y', 1, 2, 3, 4, 5, 6, 7, 8, reinterpret_cast<const void*>(9), 10.0f, 11.0);
  own.finish_block(own_bytes);
  generic.finish_block(generic_bytes);
  CHECK(own_bytes == generic_bytes);
  // The run-time site's definition is byte for byte the static one's, so the
  // files can only differ in the arguments: check they are really there.
  const Decoded d = decode(BinaryEncoder::preamble() + own_bytes);
  CHECK(d.warnings.empty());
  REQUIRE(d.json.size() == 3);
  CHECK(d.json[2].find("\"message\":\"true y 1 2 3 4 5 6 7 8 0x9 10 11\"") != std::string::npos);
}

namespace {

// A record as Arguments::skip keeps it: everything but the arguments.
struct Outlines {
  std::vector<std::string> records;
  std::vector<std::string> warnings;
  bool any_arguments = false;  // a view that lists arguments or fields
};

Outlines outline(std::string_view bytes, Arguments arguments, std::size_t chunk) {
  Outlines out;
  BinaryReader reader(
      [&](const sluice::RecordView& r) {
        out.records.push_back(fmt::format("{} {} {} {} {} {}:{} {} {} {}", r.timestamp_ns(),
                                          sluice::level_name(r.level()), r.logger_name(),
                                          r.thread_id(), r.thread_name(), r.file(), r.line(),
                                          r.function(), r.format_string(), r.process_id()));
        out.any_arguments |= r.call_site().arg_count != 0 || r.field_count() != 0;
      },
      [&](const std::string& w) { out.warnings.push_back(w); }, arguments);
  const auto* data = reinterpret_cast<const std::byte*>(bytes.data());
  for (std::size_t at = 0; at < bytes.size(); at += chunk) {
    reader.feed({data + at, std::min(chunk, bytes.size() - at)});
  }
  reader.finish();
  return out;
}

// Decoding and skipping must agree on every record and every warning.
void check_skip_matches_decode(std::string_view bytes, std::size_t chunk = 4096) {
  const Outlines decoded = outline(bytes, Arguments::decode, chunk);
  const Outlines skipped = outline(bytes, Arguments::skip, chunk);
  CHECK(skipped.records == decoded.records);
  CHECK(skipped.warnings == decoded.warnings);
  CHECK_FALSE(skipped.any_arguments);
}

std::string block_of(const Sample& sample, std::size_t index) {
  const std::size_t start =
      index == 0 ? sluice::detail::binlog::kPreambleSize : sample.block_end[index - 1];
  return sample.bytes.substr(start, sample.block_end[index] - start);
}

}  // namespace

TEST_CASE("skipping arguments reads the same records and warnings as decoding them") {
  const Sample sample = make_sample();
  const Outlines whole = outline(sample.bytes, Arguments::skip, 4096);
  CHECK(whole.warnings.empty());
  REQUIRE(whole.records.size() == 6);
  CHECK(whole.records[1] ==
        "1795434651123458289 INFO app.db 777 worker-1 src/app/pool.cpp:42 acquire "
        "user {} logged in from {} 4242");
  check_skip_matches_decode(sample.bytes);
  check_skip_matches_decode(sample.bytes + sample.bytes, 5);  // two file sections
  for (std::size_t cut = 0; cut <= sample.bytes.size(); ++cut) {
    INFO("cut at " << cut);
    check_skip_matches_decode(std::string_view(sample.bytes).substr(0, cut));
  }
}

TEST_CASE("skipping arguments reports malformed entries exactly as decoding does") {
  // The middle block's payload, cut at every byte or with one byte changed
  // and framed again: its checksum matches, so the reader parses its entries
  // and meets every way an argument can run past the block or be malformed.
  const Sample sample = make_sample();
  const std::string first = block_of(sample, 0), last = block_of(sample, 2);
  const std::string payload(sluice::testing::block_payload(block_of(sample, 1)));
  std::vector<std::string> reasons;
  const auto with_middle = [&](std::string_view middle_payload) {
    return BinaryEncoder::preamble() + first +
           sluice::testing::frame_block(middle_payload, sluice::testing::file_seed(first)) + last;
  };
  for (std::size_t cut = 0; cut < payload.size(); ++cut) {
    INFO("payload cut at " << cut);
    const std::string bytes = with_middle(std::string_view(payload).substr(0, cut));
    check_skip_matches_decode(bytes);
    for (const std::string& w : outline(bytes, Arguments::skip, 4096).warnings) {
      reasons.push_back(w.substr(w.find('(')));
    }
  }
  for (std::size_t at = 0; at < payload.size(); ++at) {
    for (const unsigned char flip : {0x01, 0x80, 0xff}) {
      INFO("payload byte " << at << " ^ " << int{flip});
      std::string changed = payload;
      changed[at] = static_cast<char>(changed[at] ^ static_cast<char>(flip));
      check_skip_matches_decode(with_middle(changed));
    }
  }
  // The arguments' own errors were among those met.
  CHECK(std::count(reasons.begin(), reasons.end(), "(string runs past the block)") > 0);
  CHECK(std::count(reasons.begin(), reasons.end(), "(entry runs past the block)") > 0);
}

TEST_CASE("definitions_freed() moves when a reader frees definitions, not for repeats") {
  using sluice::detail::binlog::definitions_freed;
  const Sample sample = make_sample();
  const auto* data = reinterpret_cast<const std::byte*>(sample.bytes.data());
  const std::uint64_t start = definitions_freed();
  std::uint64_t seen = start;
  {
    BinaryReader reader(nullptr, nullptr, Arguments::skip);
    // One section: every block defines its sites, loggers and threads again,
    // with the same content, so the reader keeps its objects.
    reader.feed({data, sample.bytes.size()});
    CHECK(reader.records() == 6);
    CHECK(definitions_freed() == start);
    // A second section starts with a preamble: its ids are its own.
    reader.feed({data, sample.bytes.size()});
    CHECK(reader.records() == 12);
    CHECK(definitions_freed() > seen);
    seen = definitions_freed();
    // A block of another encoder in the same section (id 0 is now another
    // site and logger) replaces the definitions.
    BinaryEncoder other({1, "h", "", "", 0});
    RecordFixture record;
    RecordMeta meta;
    meta.logger = "other";
    other.add(record.build<kCounters>(meta, 1, 2, 3, 4, 5));
    std::string block;
    other.finish_block(block);
    reader.feed({reinterpret_cast<const std::byte*>(block.data()), block.size()});
    CHECK(reader.records() == 13);
    CHECK(definitions_freed() > seen);
    seen = definitions_freed();
  }
  CHECK(definitions_freed() > seen);  // the reader's own, at its end
}

TEST_CASE("a 3.0 file and a 2.0 file joined at a torn block: the 2.0 file's blocks decode") {
  // A 3.0 sink killed mid-write, then a 2.0 one appending to the file: the
  // torn block swallows the 2.0 preamble. Its blocks (seed 0, the file
  // header in each) must still be found, and read by the 2.0 rules.
  const std::string v3 = read_data("binlog-3.0.slog");
  std::size_t last_block = sluice::detail::binlog::kPreambleSize;
  for (std::size_t at = last_block; at < v3.size();) {
    last_block = at;
    std::uint32_t length = 0;
    std::memcpy(&length, v3.data() + at + 4, 4);
    at += sluice::detail::binlog::kBlockHeaderSize + length;
  }
  const std::string torn = v3.substr(0, v3.size() - 5);
  const Decoded alone = decode(torn);
  REQUIRE(alone.json.size() < decode(v3).json.size());
  const std::string v2 = read_data("binlog-2.0.slog");
  for (const std::size_t chunk : {std::size_t{0}, std::size_t{7}}) {
    INFO("fed " << chunk << " bytes at a time");
    const Decoded d = decode(torn + v2, chunk);
    CHECK(lines_of(d.json) == lines_of(alone.json) + read_data("binlog-2.0.jsonl"));
    CHECK(d.warnings ==
          std::vector<std::string>{"offset " + std::to_string(last_block) + ": skipped " +
                                   std::to_string(torn.size() - last_block + 12) +
                                   " bytes (corrupt block)"});
  }
}
