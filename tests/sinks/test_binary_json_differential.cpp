// Differential test of the binary log against the live JSON: a seeded,
// pseudo-random mix of records from several threads, every argument kind at
// its edges, format specs, unusual logger and thread names, renames mid-run
// and redaction (on, as by default), written at once to a JsonFormatter
// capture and to binary sinks (plain, zstd, and a small rotated set). Every
// binary file set, decoded as sluice-decode decodes it, must give the live
// lines byte for byte, in the same order (docs/decoding.md).
//
// SLUICE_DIFF_SEED=<n> replays another seed.

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/log.hpp>
#include <sluice/runtime.hpp>
#include <sluice/sinks/binary_file_sink.hpp>
#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sinks/file_sink.hpp>
#include <sluice/sluice.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "binary_format.hpp"
#include "binary_input.hpp"
#include "binlog_decode.hpp"
#include "os.hpp"
#include "record_fixture.hpp"
#include "temp_dir.hpp"
#include "user_types.hpp"

namespace fs = std::filesystem;

namespace difftest {
// A copy_loggable value whose formatter throws for negative values.
struct Flaky {
  int v;
};
}  // namespace difftest

template <>
struct fmt::formatter<difftest::Flaky> : fmt::formatter<std::string_view> {
  auto format(const difftest::Flaky& f, fmt::format_context& ctx) const {
    if (f.v < 0) throw std::runtime_error(fmt::format("flaky {}", f.v));
    return fmt::format_to(ctx.out(), "ok {}", f.v);
  }
};
template <>
struct sluice::copy_loggable<difftest::Flaky> : std::true_type {};

namespace {

using sluice::kv;
using sluice::testing::Code;
using sluice::testing::Point;
using sluice::testing::Shade;
using sluice::testing::TempDir;

std::uint64_t seed() {
  const char* env = std::getenv("SLUICE_DIFF_SEED");
  return env != nullptr ? std::strtoull(env, nullptr, 0) : 0x5eed'2026'1206ull;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

#ifdef SLUICE_DECODE_PATH
// sluice-decode's JSON Lines for `args`, split at newlines.
std::vector<std::string> decode_cli(const std::string& args) {
  const std::string command = std::string(SLUICE_DECODE_PATH) + " " + args;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buffer[65536];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
  CHECK(pclose(pipe) == 0);
  std::vector<std::string> lines;
  for (std::size_t at = 0; at < out.size();) {
    const std::size_t end = out.find('\n', at);
    REQUIRE(end != std::string::npos);
    lines.push_back(out.substr(at, end - at));
    at = end + 1;
  }
  return lines;
}
#endif

// Each mismatch as the bytes around its first difference, exactly.
void compare(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < std::min(expected.size(), actual.size()); ++i) {
    if (expected[i] == actual[i]) continue;
    if (++mismatches > 6) continue;
    const std::string& e = expected[i];
    const std::string& a = actual[i];
    const std::size_t at = static_cast<std::size_t>(
        std::mismatch(e.begin(),
                      e.begin() + static_cast<std::ptrdiff_t>(std::min(e.size(), a.size())),
                      a.begin())
            .first -
        e.begin());
    const std::size_t from = at > 60 ? at - 60 : 0;
    INFO("record " << i << ", first difference at byte " << at << "\nexpected: ..."
                   << sluice::testing::escaped_bytes(e.substr(from, 140)) << "\nactual:   ..."
                   << sluice::testing::escaped_bytes(a.substr(from, 140)));
    CHECK(false);
  }
  INFO(mismatches << " records differ");
  CHECK(mismatches == 0);
  CHECK(actual.size() == expected.size());
}

class Gen {
 public:
  explicit Gen(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t next() { return rng_(); }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  bool coin() { return (rng_() & 1) != 0; }

  template <class T>
  T integer() {
    using L = std::numeric_limits<T>;
    switch (below(6)) {
      case 0:
        return L::min();
      case 1:
        return L::max();
      case 2:
        return T(0);
      case 3:
        return static_cast<T>(L::is_signed ? -1 : 1);
      default:
        return static_cast<T>(next());
    }
  }
  double real() {
    static const double kEdges[] = {0.0,
                                    -0.0,
                                    std::numeric_limits<double>::quiet_NaN(),
                                    -std::numeric_limits<double>::quiet_NaN(),
                                    std::numeric_limits<double>::infinity(),
                                    -std::numeric_limits<double>::infinity(),
                                    std::numeric_limits<double>::denorm_min(),
                                    std::numeric_limits<double>::min(),
                                    std::numeric_limits<double>::max(),
                                    std::numeric_limits<double>::lowest(),
                                    0.1,
                                    1e16,
                                    1e-7,
                                    123456789.125,
                                    1.0 / 3};
    if (coin()) return kEdges[below(std::size(kEdges))];
    double d;
    const std::uint64_t bits = next();
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  float real32() {
    if (coin()) return static_cast<float>(real());
    float f;
    const auto bits = static_cast<std::uint32_t>(next());
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }
  char character() {
    static const char kEdges[] = {'"',    '\\',   '\n',   '\t', '\0', '\x01', '\x1f', '\x7f',
                                  '\x80', '\xc3', '\xff', '{',  '}',  'a',    ' '};
    return kEdges[below(std::size(kEdges))];
  }
  std::string text() {
    static const char* const kEdges[] = {
        "",
        "plain",
        "quote \" and backslash \\ and slash /",
        "ctl \x01\x02\x1f\x7f tab\t nl\n cr\r",
        "bad utf8 \xff\xfe \xc3 \xe2\x82 \xed\xa0\x80 \xf4\x90\x80\x80 \xc0\xaf",
        "\xe2\x82",  // a sequence cut short: escaped alone or next to the text after it
        "\xac end",  // a continuation byte first
        "valid \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xe2\x80\xa8 \xe2\x80\xa9",
        "{} {{ }} {0} {:x}",
        "password=hunter2 and token: abc",
        "mail alice@example.com and card 4111 1111 1111 1111",
        "ssn 123-45-6789, jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
        "Authorization: Bearer abcDEF123456ghiJKL7890",
        "AKIAABCDEFGHIJKLMNOP",
        "embedded \0 nul",
    };
    switch (below(5)) {
      case 0:
      case 1:
        return kEdges[below(std::size(kEdges))];
      case 2: {  // random bytes, any of them
        std::string s(below(40), '\0');
        for (char& c : s) c = static_cast<char>(next());
        return s;
      }
      case 3: {  // long
        std::string s(below(3000) + 200, 'x');
        for (std::size_t i = 0; i < s.size(); i += 1 + below(50)) s[i] = character();
        return s;
      }
      default:
        return fmt::format("s{}", next() % 1000);
    }
  }

 private:
  std::mt19937_64 rng_;
};

const std::vector<std::string>& logger_names() {
  static const std::vector<std::string> names{
      "",  // the root
      "app",
      "app.db",
      "app.db.pool.conn.tx.stmt.row.cell.byte.bit",
      "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z",
      ".leading",
      "trailing.",
      "dou..ble",
      "with space.and \"quote\".back\\slash",
      "ctl\x01.tab\t",
      "bad\xff.utf8\xc3",
      "\xc3\xbc"
      "nic\xc3\xb6"
      "de.\xe6\x97\xa5\xe6\x9c\xac",
      std::string(300, 'L') + ".long",
      "root.child",
      "timestamp",  // a logger named like a key
  };
  return names;
}

const std::vector<std::string>& thread_names() {
  static const std::vector<std::string> names{
      "worker",
      "",
      "renamed-mid-run",
      "quote\"back\\slash",
      "ctl\x01\n",
      "bad\xff\xc3",
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
      std::string(200, 'T'),
      "alice@example.com",
  };
  return names;
}

// Call sites by the hundred (one per instantiation), so that ids take more
// than one varint byte in the binary log.
template <int N>
void numbered_site(Gen& g, sluice::Logger& log) {
  if constexpr (N % 3 == 0) {
    SLUICE_INFO(log, "site {} {}", N, g.integer<std::int64_t>());
  } else if constexpr (N % 3 == 1) {
    SLUICE_WARNING(log, "site {} [{:>5}]", N, g.text(), kv<"n">(N));
  } else {
    SLUICE_ERROR(log, "site {}", N, kv<"d">(g.real()), kv<"s">(g.text()));
  }
}

template <int... N>
void any_numbered_site(Gen& g, sluice::Logger& log, std::integer_sequence<int, N...>) {
  using Fn = void (*)(Gen&, sluice::Logger&);
  static constexpr Fn kSites[] = {&numbered_site<N>...};
  kSites[g.below(sizeof...(N))](g, log);
}

// One record from one of many call sites, its values drawn from `g`.
void log_one(Gen& g, sluice::Logger& log) {
  const void* const ptrs[] = {nullptr, &g, reinterpret_cast<const void*>(~std::uintptr_t{0}),
                              reinterpret_cast<const void*>(std::uintptr_t{1})};
  const void* const ptr = ptrs[g.below(std::size(ptrs))];
  // 30, the big record, is rare (1 time in 50); 32 and up is the default.
  const std::size_t pick = g.below(33);
  switch (pick == 30 && g.below(50) != 0 ? 32 : pick) {
    case 0:
      SLUICE_TRACE(log, "trace {} {}", g.integer<int>(), g.text());
      break;
    case 1:
      SLUICE_DEBUG(log, "debug {} {} {}", g.coin(), g.character(), g.integer<unsigned>());
      break;
    case 2:
      SLUICE_INFO(log, "signed {} {} {} {}", g.integer<std::int8_t>(), g.integer<std::int16_t>(),
                  g.integer<std::int32_t>(), g.integer<std::int64_t>());
      break;
    case 3:
      SLUICE_WARNING(log, "unsigned {} {} {} {}", g.integer<std::uint8_t>(),
                     g.integer<std::uint16_t>(), g.integer<std::uint32_t>(),
                     g.integer<std::uint64_t>());
      break;
    case 4:
      SLUICE_ERROR(log, "floats {} {} {} {}", g.real(), g.real32(), g.real(),
                   static_cast<long double>(g.real()));
      break;
    case 5:
      SLUICE_CRITICAL(log, "strings [{}] [{}] [{}]", g.text(), g.text(), g.text());
      break;
    case 6:
      SLUICE_INFO(log, "{}{}{}", g.text(), g.character(), g.text());  // text next to text
      break;
    case 7:
      SLUICE_INFO(log, "chars {}{}{} end", g.character(), g.character(), g.character());
      break;
    case 8:
      SLUICE_INFO(log, "pointer {} {}", ptr, nullptr);
      break;
    case 9:
      SLUICE_INFO(log, "specs [{:>10}] [{:<6}] [{:^9}] [{:x}] [{:#o}] [{:+d}]", g.text(),
                  g.integer<int>(), g.coin(), g.integer<std::uint64_t>(),
                  g.integer<std::uint16_t>(), g.integer<std::int64_t>());
      break;
    case 10:
      SLUICE_INFO(log, "float specs [{:.3f}] [{:e}] [{:g}] [{:08.2f}] [{:a}] [{:.0f}]", g.real(),
                  g.real(), g.real32(), g.real(), g.real(), g.real32());
      break;
    case 11:
      SLUICE_INFO(log, "more specs [{:*^12}] [{:d}] [{:p}] [{:10.3s}] [{:#b}]", g.text(),
                  g.character(), ptr, g.text(), g.integer<std::uint8_t>());
      break;
    case 12:
      SLUICE_INFO(log, "escapes {{literal}} {} }} {{", g.integer<long>());
      break;
    case 13:
      SLUICE_INFO(log, "fields", kv<"b">(g.coin()), kv<"c">(g.character()),
                  kv<"i8">(g.integer<std::int8_t>()), kv<"i16">(g.integer<std::int16_t>()),
                  kv<"i32">(g.integer<std::int32_t>()), kv<"i64">(g.integer<std::int64_t>()),
                  kv<"u8">(g.integer<std::uint8_t>()), kv<"u16">(g.integer<std::uint16_t>()),
                  kv<"u32">(g.integer<std::uint32_t>()), kv<"u64">(g.integer<std::uint64_t>()));
      break;
    case 14:
      SLUICE_INFO(log, "float fields {}", g.integer<int>(), kv<"f">(g.real32()), kv<"d">(g.real()),
                  kv<"s">(g.text()), kv<"p">(ptr), kv<"ld">(static_cast<long double>(g.real())));
      break;
    case 15:
      SLUICE_INFO(log, "standard keys as fields", kv<"message">(g.text()),
                  kv<"timestamp">(g.integer<int>()), kv<"level">(g.coin()),
                  kv<"logger">(g.character()), kv<"thread">(g.real()), kv<"redacted">(g.text()),
                  kv<"_message">(1));
      break;
    case 16:
      SLUICE_INFO(log, "odd keys", kv<"with space">(1), kv<"quo\"te">(2), kv<"back\\slash">(3),
                  kv<"ctl\x01">(4), kv<"x">(5), kv<"\xc3\xa9t\xc3\xa9">(6));
      break;
    case 17:
      SLUICE_INFO(log, "custom {} {:>12} {}", Point{g.integer<int>(), g.integer<int>()},
                  g.coin() ? Shade::dark : Shade::light, Code::e, kv<"pt">(Point{1, 2}),
                  kv<"shade">(Shade::light), kv<"code">(Code::e));
      break;
    case 18:  // redaction by call site: the argument after a sensitive key
      SLUICE_INFO(log, "login user={} password={} pin={}", g.text(), g.text(), g.integer<int>());
      break;
    case 19:  // redaction by key
      SLUICE_INFO(log, "secrets", kv<"db_password">(g.text()), kv<"token">(g.integer<int>()),
                  kv<"api_key">(g.real()), kv<"session_id">(g.coin()), kv<"user">(g.text()));
      break;
    case 20: {  // integers that may be card numbers
      const std::uint64_t cards[] = {4111111111111111ull, 5500000000000004ull, 378282246310005ull,
                                     4111111111111112ull, 1700000000000000000ull};
      const std::uint64_t card = cards[g.below(std::size(cards))];
      SLUICE_INFO(log, "amounts {} {} {:020d}", card, static_cast<std::int64_t>(card),
                  static_cast<std::int64_t>(card), kv<"card_id">(card));
      break;
    }
    case 21:  // a custom value whose text holds an e-mail
      SLUICE_INFO(log, "contact {}", Point{0, 0}, kv<"email">(std::string("bob@example.org")),
                  kv<"note">(fmt::format("write to carol{}@example.com", g.below(9))));
      break;
    case 22:
      SLUICE_INFO(log, "", kv<"only">(g.text()));
      break;
    case 23:
      SLUICE_INFO(log, "{} {}", "literal", std::string_view("view"));
      break;
    case 24: {
      const char* nul = nullptr;
      const char array[] = "array";
      SLUICE_INFO(log, "cstr {} {} [{:>8}]", nul, array, array);
      break;
    }
    case 25:
      SLUICE_INFO(log, "positional {1} {0} {1}", g.integer<int>(), g.text());
      break;
    case 26:
      SLUICE_INFO(log, "counter {} {} {}", g.below(4), static_cast<std::int64_t>(g.below(3)) - 1,
                  g.integer<std::uint64_t>());  // small differences
      break;
    case 27:
      SLUICE_INFO(log, "bools {} {} {:d} {:>6}", g.coin(), g.coin(), g.coin(), g.coin());
      break;
    case 28:
      SLUICE_WARNING(log, "char specs [{:>3}] [{:x}] [{:?}]", g.character(), g.character(),
                     g.character());
      break;
    case 29:
      any_numbered_site(g, log, std::make_integer_sequence<int, 300>{});
      break;
    case 31:  // a custom formatter that throws (for negative values)
      SLUICE_INFO(log, "flaky {} [{:>30}]", difftest::Flaky{g.integer<int>()},
                  difftest::Flaky{g.integer<int>()},
                  kv<"flaky">(difftest::Flaky{g.integer<int>()}));
      break;
    case 30: {  // longer than a block, and than a zstd block
      std::string big(70'000 + g.below(70'000), 'b');
      for (std::size_t i = 0; i < big.size(); i += 1 + g.below(5000)) big[i] = g.character();
      SLUICE_INFO(log, "big {} {}", big.size(), big, kv<"tail">(g.text()));
      break;
    }
    default:
      SLUICE_ERROR(log, "string specs [{:?}] [{:.5}] [{:>40}]", g.text(), g.text(), g.text());
      break;
  }
}

// The live lines without the redaction annotation, which only live records
// carry (docs/redaction.md: "The binary log does not keep it").
std::string without_annotation(std::string line) {
  const std::size_t at = line.rfind(",\"redacted\":[\"");
  if (at != std::string::npos && line.ends_with("]}")) line.erase(at, line.size() - 1 - at);
  return line;
}

// The rotated set `base`.N... oldest first, then `base` itself.
std::vector<fs::path> rotated_set(const fs::path& dir, const std::string& base,
                                  const std::string& active) {
  std::vector<fs::path> set;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (file.starts_with(base + ".") && file != active) set.push_back(entry.path());
  }
  const auto number = [&](const fs::path& p) {
    return std::stoi(p.filename().string().substr(base.size() + 1));
  };
  std::sort(set.begin(), set.end(),
            [&](const fs::path& a, const fs::path& b) { return number(a) > number(b); });
  set.push_back(dir / active);
  return set;
}

void run_differential(const sluice::Options& start_options, int records_per_thread) {
  const std::uint64_t base_seed = seed();
  INFO("seed " << base_seed << " (SLUICE_DIFF_SEED)");
  TempDir dir("sluice-diff");
  auto live = std::make_shared<sluice::CaptureSink>(std::make_shared<sluice::JsonFormatter>());
  // The JSON Lines file a FileSink writes live: the same lines.
  auto live_file = std::make_shared<sluice::FileSink>(dir / "live.jsonl",
                                                      std::make_shared<sluice::JsonFormatter>());
  sluice::BinaryFileOptions plain_options;
  plain_options.block_size = 700;  // many blocks, some records across a block's size
  auto plain = std::make_shared<sluice::BinaryFileSink>(dir / "plain.slog", plain_options);
  auto zstd = std::make_shared<sluice::BinaryFileSink>(dir / "big.slog.zst");
  sluice::BinaryFileOptions rotated_options;
  rotated_options.block_size = 300;
  rotated_options.rotation.max_bytes = 20'000;
  auto rotated = std::make_shared<sluice::BinaryFileSink>(dir / "rot.slog", rotated_options);
  // Compressed live and rotated: rot.slog.zst, then rot.slog.N.zst.
  auto rotated_zstd =
      std::make_shared<sluice::BinaryFileSink>(dir / "rotz.slog.zst", rotated_options);
  for (const auto& sink :
       {std::shared_ptr<sluice::Sink>(live), std::shared_ptr<sluice::Sink>(live_file),
        std::shared_ptr<sluice::Sink>(plain), std::shared_ptr<sluice::Sink>(zstd),
        std::shared_ptr<sluice::Sink>(rotated), std::shared_ptr<sluice::Sink>(rotated_zstd)}) {
    sluice::root_logger().add_sink(sink);
  }
  sluice::root_logger().set_level(sluice::Level::trace);
  sluice::start(start_options);

  constexpr int kThreads = 4;
  const int kRecords = records_per_thread;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, base_seed, kRecords] {
      Gen g(base_seed * 31 + static_cast<std::uint64_t>(t));
      const auto& names = thread_names();
      sluice::set_thread_name(names[static_cast<std::size_t>(t) % names.size()]);
      for (int i = 0; i < kRecords; ++i) {
        if (g.below(100) == 0) sluice::set_thread_name(names[g.below(names.size())]);
        if (g.below(40) == 0) sluice::set_thread_name(fmt::format("t{}-{}", t, i));
        if (g.below(300) == 0) sluice::flush();
        const auto& loggers = logger_names();
        const std::string name = g.below(4) == 0 ? fmt::format("many.l{}", g.below(400))
                                                 : loggers[g.below(loggers.size())];
        log_one(g, sluice::get_logger(name));
      }
    });
  }
  for (std::thread& th : threads) th.join();
  sluice::flush();
  sluice::stop();
  sluice::root_logger().clear_sinks();
  sluice::root_logger().clear_level();
  rotated->wait_for_rotations();
  rotated_zstd->wait_for_rotations();
  zstd.reset();  // closes the last frame
  plain.reset();
  rotated.reset();
  rotated_zstd.reset();
  live_file.reset();

  std::vector<std::string> expected = live->lines();
  {
    INFO("FileSink's JSON Lines");
    const std::string text = read_file(dir / "live.jsonl");
    std::vector<std::string> file_lines;
    for (std::size_t at = 0; at < text.size();) {
      const std::size_t end = text.find('\n', at);
      REQUIRE(end != std::string::npos);
      file_lines.push_back(text.substr(at, end - at));
      at = end + 1;
    }
    compare(expected, file_lines);
  }
  std::size_t annotated = 0, redacted = 0;
  for (std::string& line : expected) {
    const std::size_t size = line.size();
    line = without_annotation(std::move(line));
    annotated += line.size() != size;
    redacted += line.find("[REDACTED]") != std::string::npos;
  }
  CHECK(redacted > 0);  // redaction was on, and found something
  CHECK((annotated > 0) == start_options.redaction.annotate);
  REQUIRE(expected.size() > static_cast<std::size_t>(kThreads * kRecords / 2));

  for (const char* name : {"plain.slog", "big.slog.zst"}) {
    INFO(name);
    std::vector<std::string> warnings;
    const std::vector<std::string> decoded =
        sluice::testing::decode_to_json_lines(read_file(dir / name), warnings);
    CHECK(warnings.empty());
    compare(expected, decoded);
#ifdef SLUICE_DECODE_PATH
    INFO("sluice-decode");
    compare(expected, decode_cli((dir / name).string()));
#endif
  }

  // Each rotated set, oldest first, concatenated: the live order.
  for (const auto& [base, active] : {std::pair<std::string, std::string>{"rot.slog", "rot.slog"},
                                     {"rotz.slog", "rotz.slog.zst"}}) {
    INFO(active);
    const std::vector<fs::path> set = rotated_set(dir.path(), base, active);
    CHECK(set.size() >= 2);
    std::string all;
    for (const fs::path& file : set) all += read_file(file);
    std::vector<std::string> warnings;
    const std::vector<std::string> decoded = sluice::testing::decode_to_json_lines(all, warnings);
    CHECK(warnings.empty());
    compare(expected, decoded);
#ifdef SLUICE_DECODE_PATH
    INFO("sluice-decode, the set concatenated on stdin");
    std::ofstream(dir / "all.bin", std::ios::binary) << all;
    compare(expected, decode_cli("- < '" + (dir / "all.bin").string() + "'"));
#endif
  }
}

}  // namespace

TEST_CASE("binary logs decode to the live JSON: a seeded random mix, plain, zstd and rotated") {
  run_differential({}, 1500);  // redaction on, as by default
}

TEST_CASE("binary logs decode to the live JSON, redaction annotated live") {
  sluice::Options options;
  options.redaction.annotate = true;
  run_differential(options, 400);
}

TEST_CASE("a record that fills a block to the format's 16 MiB limit: every record decodes") {
  // Without the backend (one block, deterministic): three small records,
  // then one that fits in a block only alone, then one that fits nowhere.
  static constexpr sluice::detail::SourceLocation kSmall{"small {}", "big.cpp", "run", 1,
                                                         sluice::Level::info};
  static constexpr sluice::detail::SourceLocation kBig{"big {}", "big.cpp", "run", 2,
                                                       sluice::Level::warning};
  TempDir dir("sluice-diff");
  const sluice::JsonFormatter json;
  std::vector<std::string> expected;
  {
    sluice::BinaryFileSink sink(dir / "big.slog");
    sluice::testing::RecordFixture record;
    sluice::testing::RecordMeta meta;
    meta.process_id = sluice::detail::os::process_id();  // the file header's
    const auto write = [&](const sluice::RecordView& view) {
      sink.write(view);
      expected.emplace_back();
      json.format(view, expected.back());
    };
    for (int i = 0; i < 3; ++i) write(record.build<kSmall>(meta, i));
    const std::string fits(sluice::detail::binlog::kMaxPayload - 100, 'f');
    write(record.build<kBig>(meta, fits));
    write(record.build<kSmall>(meta, 3));
    const std::string too_big(sluice::detail::binlog::kMaxPayload, 't');
    CHECK_THROWS_WITH(sink.write(record.build<kBig>(meta, too_big)),
                      Catch::Contains("does not fit in a block"));
    write(record.build<kSmall>(meta, 4));
    write(record.build<kBig>(meta, std::string("small again")));
  }
  std::vector<std::string> warnings;
  const std::vector<std::string> decoded =
      sluice::testing::decode_to_json_lines(read_file(dir / "big.slog"), warnings);
  CHECK(warnings.empty());
  compare(expected, decoded);
}

TEST_CASE("a binary sink refuses a block size past half the format's limit") {
  TempDir dir("sluice-diff");
  sluice::BinaryFileOptions options;
  options.block_size = sluice::detail::binlog::kMaxPayload / 2 + 1;
  CHECK_THROWS_AS(sluice::BinaryFileSink(dir / "a.slog", options), sluice::Error);
  CHECK_FALSE(fs::exists(dir / "a.slog"));
  options.block_size = sluice::detail::binlog::kMaxPayload / 2;
  CHECK_NOTHROW(sluice::BinaryFileSink(dir / "a.slog", options));
}

TEST_CASE("a custom value whose formatter throws, redaction off: decoded as written live") {
  // The binary log stores such a value as "[sluice: format error: <what>]"
  // (docs/binary-format.md); redaction makes it that text before any sink.
  TempDir dir("sluice-diff");
  auto live = std::make_shared<sluice::CaptureSink>(std::make_shared<sluice::JsonFormatter>());
  auto binary = std::make_shared<sluice::BinaryFileSink>(dir / "flaky.slog");
  sluice::root_logger().add_sink(live);
  sluice::root_logger().add_sink(binary);
  std::vector<std::string> errors;
  sluice::set_error_handler([&](std::string_view e) { errors.emplace_back(e); });
  sluice::Options options;
  options.redaction.enabled = false;
  sluice::start(options);
  sluice::Logger& log = sluice::get_logger("flaky");
  for (const int v : {1, -2}) {
    SLUICE_INFO(log, "value {} [{:>24}] {}", difftest::Flaky{v}, difftest::Flaky{v}, v);
    SLUICE_INFO(log, "field {}", v, sluice::kv<"f">(difftest::Flaky{v}));
  }
  sluice::flush();
  sluice::stop();
  sluice::root_logger().clear_sinks();
  sluice::set_error_handler(nullptr);
  binary.reset();
  INFO((errors.empty() ? std::string() : errors.front()));
  CHECK(errors.empty());
  std::vector<std::string> warnings;
  const std::vector<std::string> decoded =
      sluice::testing::decode_to_json_lines(read_file(dir / "flaky.slog"), warnings);
  CHECK(warnings.empty());
  compare(live->lines(), decoded);
  REQUIRE(decoded.size() == 4);
  CHECK(decoded[2].find("\"message\":\"value [sluice: format error: flaky -2] [[sluice: format "
                        "error: flaky -2]] -2\"") != std::string::npos);
}
