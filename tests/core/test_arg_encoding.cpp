// Every argument kind, through the real queue and backend, renders exactly as
// fmt renders the original value.

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <sys/mman.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "arg_decoding.hpp"
#include "capture_fixture.hpp"
#include "drop_warning.hpp"

namespace {

enum class Color { red = 1, green = 2 };  // no formatter: logged as its number
enum class Mode : std::uint8_t { fast = 7 };

struct Point {
  int x, y;
};

enum class Shade { dark, light };

}  // namespace

template <>
struct fmt::formatter<Point> : fmt::formatter<std::string_view> {
  auto format(const Point& p, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "({}, {})", p.x, p.y);
  }
};
template <>
struct fmt::formatter<Shade> : fmt::formatter<std::string_view> {
  auto format(Shade s, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(s == Shade::dark ? "dark" : "light", ctx);
  }
};
template <>
struct sluice::copy_loggable<Point> : std::true_type {};

namespace {
// Larger than a thread's default stack (8 MiB), and within a queue of 32 MiB.
struct Snapshot {
  static constexpr std::size_t kSize = std::size_t{16} << 20;
  unsigned char bytes[kSize];
};
}  // namespace
template <>
struct fmt::formatter<Snapshot> : fmt::formatter<std::string_view> {
  auto format(const Snapshot& s, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "snapshot {}..{}", s.bytes[0], s.bytes[Snapshot::kSize - 1]);
  }
};
template <>
struct sluice::copy_loggable<Snapshot> : std::true_type {};

namespace {
// Larger than any queue (2 GiB at most), and than a uint32 can count.
struct Colossus {
  static constexpr std::size_t kSize = (std::size_t{1} << 32) + 8;
  unsigned char bytes[kSize];
};
}  // namespace
template <>
struct fmt::formatter<Colossus> : fmt::formatter<std::string_view> {
  auto format(const Colossus&, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format("colossus", ctx);
  }
};
template <>
struct sluice::copy_loggable<Colossus> : std::true_type {};

// Renders each record's message both ways: with the call site's static types
// (live records) and from run-time kinds (records read back from a binary
// log). The two must never differ.
class TwoPathSink final : public sluice::Sink {
 public:
  void write(const sluice::RecordView& record) override {
    std::vector<sluice::ArgValue> args;
    for (std::size_t i = 0; i < record.arg_count(); ++i) args.push_back(record.arg(i));
    std::string runtime;
    formatter_.format(record.format_string(), args, runtime);
    pairs.emplace_back(std::string(record.message()), std::move(runtime));
  }
  std::vector<std::pair<std::string, std::string>> pairs;  // read after flush()

 private:
  sluice::detail::MessageFormatter formatter_;
};

TEST_CASE("every argument kind renders as fmt renders it") {
  sluice::testing::CaptureFixture fx;
  auto two_paths = std::make_shared<TwoPathSink>();
  sluice::root_logger().add_sink(two_paths);
  sluice::Logger& log = sluice::get_logger("kinds");
  const std::string owned = "owned string";
  const std::string_view view = "a view";
  const char* c_string = "c string";
  const char* null_string = nullptr;
  int target = 5;
  const void* pointer = &target;

  SLUICE_INFO(log, "bool {} {}", true, false);
  SLUICE_INFO(log, "char {}", 'x');
  SLUICE_INFO(log, "ints {} {} {} {}", std::int8_t{-8}, std::int16_t{-16}, std::int32_t{-32},
              std::numeric_limits<std::int64_t>::min());
  SLUICE_INFO(log, "uints {} {} {} {}", std::uint8_t{255}, std::uint16_t{65535},
              std::uint32_t{4294967295u}, std::numeric_limits<std::uint64_t>::max());
  SLUICE_INFO(log, "floats {} {} {}", 0.1f, 0.1, 1.5L);
  SLUICE_INFO(log, "specs {:>6.2f}|{:#x}|{:08.3e}", 3.14159, 255, 12345.678);
  SLUICE_INFO(log, "strings {} {} {} {} {}", owned, view, c_string, "literal", null_string);
  SLUICE_INFO(log, "pointers {} {}", pointer, nullptr);
  SLUICE_INFO(log, "enums {} {} {}", Color::green, Mode::fast, Shade::light);
  SLUICE_INFO(log, "custom {} and {:>10}", Point{1, -2}, Point{3, 4});
  SLUICE_INFO(log, "empty {}", std::string());
  sluice::flush();

  const auto records = fx.capture->records();
  REQUIRE(records.size() == 11);
  CHECK(records[0].message == "bool true false");
  CHECK(records[1].message == "char x");
  CHECK(records[2].message == "ints -8 -16 -32 -9223372036854775808");
  CHECK(records[3].message == "uints 255 65535 4294967295 18446744073709551615");
  CHECK(records[4].message == fmt::format("floats {} {} {}", 0.1f, 0.1, 1.5));
  CHECK(records[4].message == "floats 0.1 0.1 1.5");
  CHECK(records[5].message == "specs   3.14|0xff|1.235e+04");
  CHECK(records[6].message == "strings owned string a view c string literal (null)");
  CHECK(records[7].message ==
        fmt::format("pointers {} {}", pointer, static_cast<const void*>(nullptr)));
  CHECK(records[8].message == "enums 2 7 light");
  CHECK(records[9].message == "custom (1, -2) and     (3, 4)");
  CHECK(records[10].message == "empty ");
  REQUIRE(two_paths->pairs.size() == 11);
  for (const auto& [typed, runtime] : two_paths->pairs) CHECK(typed == runtime);
}

// Plain format strings (only "{}" fields, no escapes) take a path of their
// own (detail::is_plain_format); it must render what fmt renders.
static_assert(sluice::detail::is_plain_format("a {} b {}"));
static_assert(sluice::detail::is_plain_format("{}{}"));
static_assert(sluice::detail::is_plain_format("no fields"));
static_assert(!sluice::detail::is_plain_format("{{}}"));
static_assert(!sluice::detail::is_plain_format("{:>4}"));
static_assert(!sluice::detail::is_plain_format("{0}"));
static_assert(!sluice::detail::is_plain_format("brace }}"));

TEST_CASE("plain format strings render as fmt renders them") {
  sluice::testing::CaptureFixture fx;
  auto two_paths = std::make_shared<TwoPathSink>();
  sluice::root_logger().add_sink(two_paths);
  sluice::Logger& log = sluice::get_logger("plain");
  const std::string long_text(1000, 'x');  // beyond fmt::memory_buffer's inline 500 bytes
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();

  SLUICE_INFO(log, "{}{}", 1, 2);
  SLUICE_INFO(log, "{} at the start, at the end {}", -1, 'z');
  SLUICE_INFO(log, "no fields at all");
  SLUICE_INFO(log, "{}", long_text);
  SLUICE_INFO(log, "{} {} {}", long_text, 42, long_text);
  SLUICE_INFO(log, "doubles {} {} {} {} {} {} {}", 1e16, 1e15, 1e-5, 1e-4, -0.0, nan, -inf);
  SLUICE_INFO(log, "floats {} {} {}", 3.4028235e38f, 1e-45f, 100.0f);
  SLUICE_INFO(log, "small ints {} {} {}", static_cast<signed char>(-128),
              static_cast<unsigned char>(200), std::int16_t{-32768});
  SLUICE_INFO(log, "escaped {{}} {}", 1);
  SLUICE_INFO(log, "ünïcödé {} ✓ {}", "ß", 2);
  sluice::flush();

  const auto records = fx.capture->records();
  REQUIRE(records.size() == 10);
  CHECK(records[0].message == "12");
  CHECK(records[1].message == "-1 at the start, at the end z");
  CHECK(records[2].message == "no fields at all");
  CHECK(records[3].message == long_text);
  CHECK(records[4].message == long_text + " 42 " + long_text);
  CHECK(records[5].message == "doubles 1e+16 1000000000000000 1e-05 0.0001 -0 nan -inf");
  CHECK(records[5].message ==
        fmt::format("doubles {} {} {} {} {} {} {}", 1e16, 1e15, 1e-5, 1e-4, -0.0, nan, -inf));
  CHECK(records[6].message == fmt::format("floats {} {} {}", 3.4028235e38f, 1e-45f, 100.0f));
  CHECK(records[7].message == "small ints -128 200 -32768");
  CHECK(records[8].message == "escaped {} 1");
  CHECK(records[9].message == "ünïcödé ß ✓ 2");
  REQUIRE(two_paths->pairs.size() == 10);
  for (const auto& [typed, runtime] : two_paths->pairs) CHECK(typed == runtime);
}

TEST_CASE("fields are kept apart from the message, in call order") {
  sluice::testing::CaptureFixture fx;
  sluice::Logger& log = sluice::get_logger("fields");
  const std::string user = "alice";
  SLUICE_INFO(log, "login by {}", user, sluice::kv<"user_id">(42), sluice::kv<"admin">(true),
              sluice::kv<"ratio">(0.25), sluice::kv<"name">(user),
              sluice::kv<"where">(Point{7, 8}));
  SLUICE_WARNING(log, "only fields", sluice::kv<"code">(std::uint16_t{503}));
  sluice::flush();

  const auto records = fx.capture->records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].message == "login by alice");
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(records[0].fields == Fields{{"user_id", "42"},
                                    {"admin", "true"},
                                    {"ratio", "0.25"},
                                    {"name", "alice"},
                                    {"where", "(7, 8)"}});
  CHECK(records[1].message == "only fields");
  CHECK(records[1].fields == Fields{{"code", "503"}});
}

TEST_CASE("volatile arguments log their value, as fmt formats them") {
  sluice::testing::CaptureFixture fx;
  sluice::Logger& log = sluice::get_logger("volatile");
  volatile int count = 3;
  volatile bool flag = true;
  volatile double ratio = 0.5;
  SLUICE_INFO(log, "{} {} {}", count, flag, ratio, sluice::kv<"n">(count));
  sluice::flush();

  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].message == fmt::format("{} {} {}", count, flag, ratio));
  CHECK(records[0].message == "3 true 0.5");
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(records[0].fields == Fields{{"n", "3"}});
}

// A default string_view's data() is null; memcpy from it, even of 0 bytes,
// is undefined (a SLUICE_SANITIZE=undefined build stops there).
TEST_CASE("an empty string_view with no data logs as an empty string") {
  sluice::testing::CaptureFixture fx;
  sluice::Logger& log = sluice::get_logger("empty_view");
  const std::string_view empty;
  REQUIRE(empty.data() == nullptr);
  SLUICE_INFO(log, "[{}] {}", empty, 5, sluice::kv<"key">(empty));
  sluice::flush();

  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].message == "[] 5");
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(records[0].fields == Fields{{"key", ""}});
}

// A char array is a string of at most its own size: a fixed-width field
// (a struct's char[3] code, a buffer strncpy filled to the brim) has no NUL
// of its own, and reading on to the next one read the bytes after it.
TEST_CASE("a char array without a NUL logs its own bytes only") {
  sluice::testing::CaptureFixture fx;
  sluice::Logger& log = sluice::get_logger("char_array");
  struct {
    char code[3];
    char after[5];
  } const fixed{{'a', 'b', 'c'}, {'X', 'Y', 'Z', 'W', '\0'}};
  char buffer[8] = "hi";  // NUL-terminated, with room left: stops at the NUL
  SLUICE_INFO(log, "[{}] [{}]", fixed.code, buffer, sluice::kv<"code">(fixed.code));
  sluice::flush();

  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].message == "[abc] [hi]");
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(records[0].fields == Fields{{"code", "abc"}});
}

// An array declared without its size (`extern const char version[];` in a
// header, defined in one .cpp) is a string fmt formats, but it did not
// compile (the backend's decoder took sizeof of it), and its extent, 0,
// taken as its size would have logged it as "". Its text runs to its NUL.
namespace unbounded {
extern const char kVersion[];
}

TEST_CASE("a char array of unknown size logs up to its NUL") {
  sluice::testing::CaptureFixture fx;
  sluice::Logger& log = sluice::get_logger("char_array");
  SLUICE_INFO(log, "[{}]", unbounded::kVersion, sluice::kv<"version">(unbounded::kVersion));
  sluice::flush();

  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].message == "[1.2.3]");
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(records[0].fields == Fields{{"version", "1.2.3"}});
}

namespace unbounded {
// Defined after its use: up to here the test saw `const char[]`, as a
// translation unit that includes only the declaration does.
extern const char kVersion[] = "1.2.3";
}  // namespace unbounded

// The backend formats a custom value from a copy of its bytes. On the
// backend thread's stack, a value as large as a queue allows (up to 2 GiB)
// overflowed it: the process died with SIGSEGV in format_custom.
TEST_CASE("a copy_loggable value larger than a thread's stack is formatted, not a crash") {
  sluice::Options options;
  options.queue_capacity = std::size_t{32} << 20;
  sluice::testing::CaptureFixture fx(options);
  auto snapshot = std::make_unique<Snapshot>();
  snapshot->bytes[0] = 1;
  snapshot->bytes[Snapshot::kSize - 1] = 2;
  const std::uint64_t dropped_before = sluice::stats().records_dropped;
  // From a thread of its own: a thread's queue takes the capacity of the
  // start() before its first record, and this one's queue may be older.
  std::thread([&] {
    SLUICE_INFO(sluice::get_logger("large"), "{}", *snapshot);
    SLUICE_INFO(sluice::get_logger("large"), "as a field", sluice::kv<"state">(*snapshot));
  }).join();
  sluice::flush();

  const auto records = fx.capture->records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].message == "snapshot 1..2");
  using Fields = std::vector<std::pair<std::string, std::string>>;
  CHECK(records[1].fields == Fields{{"state", "snapshot 1..2"}});
  CHECK(sluice::stats().records_dropped - dropped_before == 0);
}

namespace {
std::uint32_t log_from_named_function(const sluice::Logger& log) {
  const std::uint32_t line = __LINE__ + 1;
  SLUICE_ERROR(log, "here");
  return line;
}
}  // namespace

TEST_CASE("records carry the call site's file, line, function and level") {
  sluice::testing::CaptureFixture fx;
  const std::uint32_t line = log_from_named_function(sluice::get_logger("site"));
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].level == sluice::Level::error);
  CHECK(records[0].logger == "site");
  CHECK(records[0].line == line);
  CHECK(records[0].function == "log_from_named_function");
  CHECK(std::string_view(records[0].file).ends_with("test_arg_encoding.cpp"));
}

TEST_CASE("arguments below the logger's level are not evaluated") {
  sluice::testing::CaptureFixture fx;
  sluice::Logger& log = sluice::get_logger("lazy");
  log.set_level(sluice::Level::warning);
  int evaluated = 0;
  const auto costly = [&] {
    ++evaluated;
    return 1;
  };
  SLUICE_INFO(log, "skipped {}", costly());
  SLUICE_WARNING(log, "kept {}", costly());
  sluice::flush();
  CHECK(evaluated == 1);
  REQUIRE(fx.capture->size() == 1);
}

TEST_CASE("run-time messages: braces, bare and specified placeholders render as fmt does") {
  // Bare "{}" placeholders take a path of their own; anything else goes to
  // fmt. Both must give what fmt gives.
  std::vector<sluice::ArgValue> args(4);
  args[0].kind = sluice::ArgKind::i64;
  args[0].i = -5;
  args[1].kind = sluice::ArgKind::f64;
  args[1].d = 0.5;
  args[2].kind = sluice::ArgKind::string;
  args[2].text = "s";
  args[3].kind = sluice::ArgKind::character;
  args[3].c = '{';
  const auto render = [&](std::string_view format) {
    sluice::detail::MessageFormatter formatter;
    std::string out = "kept:";
    formatter.format(format, args, out);
    return out;
  };
  const auto expected = [](std::string_view format) {
    return "kept:" + fmt::format(fmt::runtime(format), -5LL, 0.5, "s", '{');
  };
  for (const char* format : {"{{x}} {} }} {} {} {}", "{}{}{}{}", "no placeholders", "", "{{}}",
                             "{} {:>4} {} {}", "{1} {0}", "{:d}, {}", "{} extra args"}) {
    INFO(format);
    CHECK(render(format) == expected(format));
  }
  for (const char* bad : {"{} {} {} {} {}", "a } b", "open {", "{x}"}) {
    INFO(bad);
    CHECK(render(bad).starts_with("kept:[sluice: format error: "));
  }
}

TEST_CASE("run-time messages: a bool or char width or precision is a format error, not a crash") {
  // A log call cannot pass one any more (a compile error, see
  // tests/compile_fail/bool_dynamic_width.cpp), but a binary log may hold
  // such a record; fmt 9 throws for it, and the message says so.
  std::vector<sluice::ArgValue> args(2);
  args[0].kind = sluice::ArgKind::f64;
  args[0].d = 4.5;
  args[1].kind = sluice::ArgKind::boolean;
  args[1].b = true;
  const auto render = [&](std::string_view format) {
    sluice::detail::MessageFormatter formatter;
    std::string out;
    formatter.format(format, args, out);
    return out;
  };
  CHECK(render("[{:{}}]") == "[sluice: format error: width is not integer] [{:{}}]");
  args[1].kind = sluice::ArgKind::character;
  args[1].c = '\x03';
  CHECK(render("[{:.{}f}]") == "[sluice: format error: precision is not integer] [{:.{}f}]");
}

TEST_CASE("two ints and a double take 32 bytes of the queue, and a string's record says its size") {
  // The header is 16 bytes: the site and logger in one word, the timestamp.
  // A record's size is its site's when the arguments have fixed sizes, else
  // a uint32 after the header.
  sluice::testing::CaptureFixture fx;
  sluice::Logger& log = sluice::get_logger("sizes");
  std::uint64_t fixed = 0;
  std::uint64_t with_string = 0;
  std::thread([&] {
    // A new thread: its queue starts at position 0.
    SLUICE_INFO(log, "{} {} {}", 1, 2, 3.5);
    const sluice::detail::ThreadQueue* queue = sluice::detail::tls_thread_queue;
    REQUIRE(queue != nullptr);
    fixed = queue->published_position();
    SLUICE_INFO(log, "{} {}", std::string(13, 'x'), 7);
    with_string = queue->published_position() - fixed;
  }).join();
  CHECK(fixed == 32);
  CHECK(with_string == 48);  // 16 + 4 (size) + 4 (length) + 13 + 4 (int) = 41, to 48
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].message == "1 2 3.5");
  CHECK(records[1].message == "xxxxxxxxxxxxx 7");
}

TEST_CASE(
    "a copy_loggable value larger than a uint32 counts is dropped like any oversized record") {
  // A record's fixed size is a uint32 in its call site: 16 + 4 GiB + 8
  // wrapped to 24, the queue handed out 24 bytes and the value's 4 GiB
  // were copied over the ring and past it (SIGSEGV). Like every record
  // larger than a queue, it is dropped and counted.
  sluice::testing::CaptureFixture fx;
  // Never touched: reserved address space, not memory.
  void* bytes = ::mmap(nullptr, Colossus::kSize, PROT_READ,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  REQUIRE(bytes != MAP_FAILED);
  const std::uint64_t dropped_before = sluice::stats().records_dropped;
  SLUICE_INFO(sluice::get_logger("colossal"), "{}", *static_cast<const Colossus*>(bytes));
  sluice::flush();
  ::munmap(bytes, Colossus::kSize);

  CHECK(sluice::stats().records_dropped - dropped_before == 1);
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].message == sluice::testing::drop_warning(1));
}
