// The JSON formatter's per-definition cache (core/json_fragments): a call
// site, logger or thread whose address or id now means something else must
// never get the text rendered for the old one. The decoder frees its
// definitions at every file section and reuses their memory; the backend
// renames threads in place. Every case asserts the exact JSON.

#include <catch2/catch.hpp>
#include <sluice/formatter.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "binary_format.hpp"
#include "json_fragments.hpp"
#include "record_fixture.hpp"
#include "same_text.hpp"

namespace {

using sluice::JsonFormatter;
using sluice::Level;
using sluice::detail::SourceLocation;
using sluice::detail::binlog::BinaryEncoder;
using sluice::detail::binlog::BinaryReader;
using sluice::testing::RecordFixture;
using sluice::testing::RecordMeta;

// Same file; they differ only in the function, or only in the line.
constexpr SourceLocation kAlpha{"a {}", "src/app/x.cpp", "alpha", 10, Level::info};
constexpr SourceLocation kBeta{"a {}", "src/app/x.cpp", "beta", 10, Level::info};
constexpr SourceLocation kAlpha11{"a {}", "src/app/x.cpp", "alpha", 11, Level::info};
constexpr SourceLocation kOther{"b {}", "lib/y.cc", "gamma", 7, Level::warning};

constexpr std::string_view kTime = R"({"timestamp":"2026-11-23T11:50:51.123456789Z",)";

std::string json(const sluice::RecordView& record) {
  std::string out;
  JsonFormatter().format(record, out);
  return out;
}

RecordMeta meta(std::string logger, std::uint64_t thread_id, std::string thread_name) {
  RecordMeta m;
  m.logger = std::move(logger);
  m.thread_id = thread_id;
  m.thread_name = std::move(thread_name);
  return m;
}

// One binary file (preamble and one block) of the records `add` makes.
template <class Add>
std::string binary_file(std::uint32_t process_id, Add add) {
  std::string bytes = BinaryEncoder::preamble();
  BinaryEncoder encoder({process_id, "host", "", "", 0});
  RecordFixture record;
  add([&](const sluice::RecordView& view) { encoder.add(view); }, record);
  encoder.finish_block(bytes);
  return bytes;
}

std::vector<std::string> decode_to_json(const std::string& bytes) {
  BinaryReader reader;
  reader.append(std::as_bytes(std::span(bytes.data(), bytes.size())));
  reader.end_input();
  std::vector<std::string> out;
  while (const sluice::RecordView* record = reader.next()) out.push_back(json(*record));
  CHECK(reader.warnings() == 0);
  return out;
}

}  // namespace

TEST_CASE("a logger or thread name changed in place is rendered anew") {
  // The fixture keeps its names in the same strings: same address, new bytes.
  RecordFixture record;
  CHECK(json(record.build<kAlpha>(meta("app", 1001, "main"), 1)) ==
        std::string(kTime) +
            R"("level":"INFO","logger_name":"app","message":"a 1","module":"x","function":"alpha",)"
            R"("line":10,"process":4242,"thread":1001,"thread_name":"main"})");
  CHECK(json(record.build<kAlpha>(meta("apq", 1001, "mair"), 2)) ==
        std::string(kTime) +
            R"("level":"INFO","logger_name":"apq","message":"a 2","module":"x","function":"alpha",)"
            R"("line":10,"process":4242,"thread":1001,"thread_name":"mair"})");
  // Names that need escaping, at the same addresses again.
  CHECK(json(record.build<kAlpha>(meta("a\"b\\c\n", 1001, "t\x01\xff"), 3)) ==
        std::string(kTime) +
            R"("level":"INFO","logger_name":"a\"b\\c\n","message":"a 3","module":"x",)"
            R"("function":"alpha","line":10,"process":4242,"thread":1001,)"
            R"("thread_name":"t\u0001\ufffd"})");
  // The empty name (the root logger's) is not an empty cache slot.
  CHECK(json(record.build<kAlpha>(meta("", 0, ""), 4)) ==
        std::string(kTime) +
            R"("level":"INFO","logger_name":"","message":"a 4","module":"x","function":"alpha",)"
            R"("line":10,"process":4242,"thread":0,"thread_name":""})");
}

TEST_CASE("the process id is part of the thread's text") {
  RecordFixture record;
  RecordMeta m = meta("app", 5, "w");
  CHECK(json(record.build<kOther>(m, 1)).find(R"("process":4242,"thread":5,)") !=
        std::string::npos);
  m.process_id = 17;
  CHECK(json(record.build<kOther>(m, 1)).find(R"("process":17,"thread":5,)") != std::string::npos);
}

TEST_CASE("many loggers and threads interleaved, colliding in the cache") {
  RecordFixture record;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 40; ++i) {
      // Thread ids 16 apart share a slot; logger names share storage.
      const std::string logger = "logger." + std::to_string(i);
      const std::string thread = "thread-" + std::to_string(i);
      const std::uint64_t thread_id = 1000 + 16 * static_cast<std::uint64_t>(i % 5);
      const std::string out = json(record.build<kOther>(meta(logger, thread_id, thread), i));
      CHECK(out == std::string(kTime) + R"("level":"WARNING","logger_name":")" + logger +
                       R"(","message":"b )" + std::to_string(i) +
                       R"(","module":"y","function":"gamma","line":7,"process":4242,"thread":)" +
                       std::to_string(thread_id) + R"(,"thread_name":")" + thread + R"("})");
    }
  }
}

TEST_CASE("decoded: concatenated files whose ids mean other sites, loggers and threads") {
  // In each file the site, logger and thread all have id 0; the reader frees
  // the previous file's definitions at each preamble, and the next ones are
  // likely to be built at the same addresses.
  std::string bytes;
  bytes += binary_file(1, [](auto add, RecordFixture& record) {
    add(record.build<kAlpha>(meta("app", 1001, "main"), 1));
  });
  bytes += binary_file(1, [](auto add, RecordFixture& record) {
    add(record.build<kBeta>(meta("app\"q", 1001, "main\t2"), 2));  // another function
  });
  bytes += binary_file(1, [](auto add, RecordFixture& record) {
    add(record.build<kAlpha11>(meta("app", 1001, "main"), 3));  // another line
  });
  bytes += binary_file(2, [](auto add, RecordFixture& record) {
    add(record.build<kAlpha>(meta("app", 1001, "main"), 4));  // another process
  });
  const std::vector<std::string> decoded = decode_to_json(bytes);
  REQUIRE(decoded.size() == 4);
  CHECK(decoded[0] ==
        std::string(kTime) +
            R"("level":"INFO","logger_name":"app","message":"a 1","module":"x","function":"alpha",)"
            R"("line":10,"process":1,"thread":1001,"thread_name":"main"})");
  CHECK(decoded[1] ==
        std::string(kTime) +
            R"("level":"INFO","logger_name":"app\"q","message":"a 2","module":"x",)"
            R"("function":"beta","line":10,"process":1,"thread":1001,"thread_name":"main\t2"})");
  CHECK(decoded[2] ==
        std::string(kTime) +
            R"("level":"INFO","logger_name":"app","message":"a 3","module":"x","function":"alpha",)"
            R"("line":11,"process":1,"thread":1001,"thread_name":"main"})");
  CHECK(decoded[3] ==
        std::string(kTime) +
            R"("level":"INFO","logger_name":"app","message":"a 4","module":"x","function":"alpha",)"
            R"("line":10,"process":2,"thread":1001,"thread_name":"main"})");
}

TEST_CASE("decoded: a thread renamed mid-file, sites with one file and two functions") {
  const std::string bytes = binary_file(1, [](auto add, RecordFixture& record) {
    add(record.build<kAlpha>(meta("app", 1001, "main"), 1));
    add(record.build<kBeta>(meta("app", 1001, "main"), 2));
    add(record.build<kAlpha>(meta("app", 1001, "renamed"), 3));
    add(record.build<kBeta>(meta("app", 1001, "main"), 4));
  });
  const std::vector<std::string> decoded = decode_to_json(bytes);
  REQUIRE(decoded.size() == 4);
  const std::string head = std::string(kTime) + R"("level":"INFO","logger_name":"app",)";
  CHECK(decoded[0] == head + R"("message":"a 1","module":"x","function":"alpha","line":10,)"
                             R"("process":1,"thread":1001,"thread_name":"main"})");
  CHECK(decoded[1] == head + R"("message":"a 2","module":"x","function":"beta","line":10,)"
                             R"("process":1,"thread":1001,"thread_name":"main"})");
  CHECK(decoded[2] == head + R"("message":"a 3","module":"x","function":"alpha","line":10,)"
                             R"("process":1,"thread":1001,"thread_name":"renamed"})");
  CHECK(decoded[3] == head + R"("message":"a 4","module":"x","function":"beta","line":10,)"
                             R"("process":1,"thread":1001,"thread_name":"main"})");
}

TEST_CASE("same_text compares every length exactly") {
  using sluice::detail::same_text;
  const std::string base = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (std::size_t n = 0; n <= base.size(); ++n) {
    const std::string a = base.substr(0, n);
    CHECK(same_text(a, std::string(a)));
    for (std::size_t i = 0; i < n; ++i) {
      std::string b = a;
      b[i] = '#';
      CHECK_FALSE(same_text(a, b));
    }
    if (n < base.size()) CHECK_FALSE(same_text(a, base.substr(0, n + 1)));
  }
}
