// Differential test of the promise "a message is fmt::format of its format
// string and arguments": many calls (tables of edge values and specs, plus a
// fixed-seed generator for numbers and string lengths) go through the real
// queue and backend, and each message is compared byte for byte with fmt's,
// on all three paths that render one: the call site's typed formatter (live
// records), the run-time-typed MessageFormatter over RecordView::arg()
// (sites read back from a file), and a binary log decoded by BinaryReader.
// The only deviations expected are the documented ones (docs/design.md,
// "Arguments"): long double is narrowed to double and a null const char*
// logs as "(null)"; reference() applies them to fmt's side.

#include <catch2/catch.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sluice/sinks/binary_file_sink.hpp>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include "arg_decoding.hpp"
#include "binary_format.hpp"
#include "binlog_decode.hpp"
#include "capture_fixture.hpp"
#include "sluice/detail/short_decimal.hpp"
#include "temp_dir.hpp"

namespace diff {

enum Unscoped { u_zero, u_one = 1, u_big = 1000 };  // no formatter: fmt formats the number
enum class Scoped : std::int64_t { low = std::numeric_limits<std::int64_t>::min(), one = 1 };
enum class Small : std::uint8_t { top = 255 };
enum class Letter : char { a = 'a' };
enum class Named { dark, light };               // an fmt::formatter below
enum class Offset : std::int16_t { base = 7 };  // format_as below (fmt 9: enums only)
inline int format_as(Offset o) { return 1000 + static_cast<int>(o); }

struct Point {
  int x, y;
};

}  // namespace diff

template <>
struct fmt::formatter<diff::Named> : fmt::formatter<std::string_view> {
  auto format(diff::Named n, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(n == diff::Named::dark ? "dark" : "light", ctx);
  }
};
template <>
struct fmt::formatter<diff::Point> : fmt::formatter<std::string_view> {
  auto format(const diff::Point& p, fmt::format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(fmt::format("({}, {})", p.x, p.y), ctx);
  }
};
template <>
struct sluice::copy_loggable<diff::Point> : std::true_type {};
template <>
struct sluice::copy_loggable<std::chrono::milliseconds> : std::true_type {};

namespace {

using diff::Point;

// What fmt is given for an argument: the value itself, except for the
// documented deviations and for types fmt wants spelt differently.
template <class T>
auto reference(const T& v) {
  if constexpr (std::is_same_v<T, long double>) {
    return static_cast<double>(v);  // documented: narrowed to double
  } else if constexpr (std::is_same_v<T, const char*> || std::is_same_v<T, char*>) {
    return v != nullptr ? std::string_view(v) : std::string_view("(null)");  // documented
  } else if constexpr (std::is_pointer_v<T>) {
    return static_cast<const void*>(v);  // fmt::ptr
  } else if constexpr (std::is_enum_v<T> && !fmt::has_formatter<T, fmt::format_context>::value &&
                       !fmt::detail::has_format_as<T>::value) {
    return fmt::underlying(v);  // fmt 9 refuses a scoped enum without a formatter
  } else {
    return v;
  }
}
template <std::size_t N>
const char (&reference(const char (&a)[N]))[N] {
  return a;
}

template <class... Args>
std::string reference_format(std::string_view format, const Args&... args) {
  return fmt::format(fmt::runtime(format), reference(args)...);
}

// The run-time-typed rendering of each record, as sluice-decode's path does it.
class RunTimeSink final : public sluice::Sink {
 public:
  void write(const sluice::RecordView& record) override {
    if (record.logger_name() != "diff") return;
    std::vector<sluice::ArgValue> args;
    for (std::size_t i = 0; i < record.arg_count(); ++i) args.push_back(record.arg(i));
    std::string text;
    formatter_.format(record.format_string(), args, text);
    messages.push_back(std::move(text));
  }
  std::vector<std::string> messages;  // read after stop()

 private:
  sluice::detail::MessageFormatter formatter_;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> decode_messages(const std::string& bytes) {
  std::vector<std::string> messages;
  std::vector<std::string> warnings;
  sluice::detail::binlog::BinaryReader reader(
      [&](const sluice::RecordView& r) {
        if (r.logger_name() == "diff") messages.emplace_back(r.message());
      },
      [&](const std::string& w) { warnings.push_back(w); });
  reader.feed({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()});
  reader.finish();
  CHECK(warnings.empty());
  return messages;
}

struct Run {
  std::vector<std::string> expected;
  std::vector<std::string> live;
  std::vector<std::string> run_time;
  std::vector<std::string> binary;
};

void compare(const char* path, const std::vector<std::string>& expected,
             const std::vector<std::string>& actual) {
  CHECK(actual.size() == expected.size());
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
    if (actual[i] == expected[i]) continue;
    if (++mismatches > 40) continue;  // enough to read
    FAIL_CHECK(path << " #" << i << "\n  expected: \""
                    << sluice::testing::escaped_bytes(expected[i]) << "\"\n  actual:   \""
                    << sluice::testing::escaped_bytes(actual[i]) << "\"");
  }
  CHECK(mismatches == 0);
}

// Logs what `body` logs to logger "diff" (through the macro below, which
// records fmt's text for each call) and checks all three paths against it.
template <class Body>
void run_and_compare(Body body, std::size_t queue_capacity = std::size_t{1} << 20) {
  sluice::testing::TempDir dir("sluice-format-differential");
  const auto path = dir.path() / "diff.slog";
  Run run;
  auto run_time = std::make_shared<RunTimeSink>();
  {
    sluice::Options options;
    options.redaction.enabled = false;
    options.queue_capacity = queue_capacity;
    sluice::testing::CaptureFixture fx(options);
    sluice::root_logger().add_sink(run_time);
    sluice::BinaryFileOptions binary_options;
    binary_options.compression = sluice::Compression::none;
    sluice::root_logger().add_sink(std::make_shared<sluice::BinaryFileSink>(path, binary_options));
    body(sluice::get_logger("diff"), run.expected);
    sluice::flush();
    for (const auto& r : fx.capture->records()) {
      if (r.logger == "diff") run.live.push_back(r.message);
    }
  }
  compare("live", run.expected, run.live);
  compare("run-time", run.expected, run_time->messages);
  compare("binary", run.expected, decode_messages(read_file(path)));
}

}  // namespace

// One call, and fmt's text for it.
#define DIFF(fmtstr, ...)                                                    \
  do {                                                                       \
    SLUICE_INFO(log, fmtstr __VA_OPT__(, ) __VA_ARGS__);                     \
    expected.push_back(reference_format(fmtstr __VA_OPT__(, ) __VA_ARGS__)); \
  } while (false)

TEST_CASE("integers, bool and char, with specs, render as fmt renders them") {
  run_and_compare([](sluice::Logger& log, std::vector<std::string>& expected) {
    DIFF("{} {} {} {}", std::numeric_limits<signed char>::min(),
         std::numeric_limits<signed char>::max(), std::numeric_limits<unsigned char>::min(),
         std::numeric_limits<unsigned char>::max());
    DIFF("{} {} {} {}", std::numeric_limits<short>::min(), std::numeric_limits<short>::max(),
         std::numeric_limits<unsigned short>::max(), static_cast<unsigned short>(0));
    DIFF("{} {} {}", std::numeric_limits<int>::min(), std::numeric_limits<int>::max(),
         std::numeric_limits<unsigned>::max());
    DIFF("{} {} {}", std::numeric_limits<long>::min(), std::numeric_limits<long>::max(),
         std::numeric_limits<unsigned long>::max());
    DIFF("{} {} {}", std::numeric_limits<long long>::min(), std::numeric_limits<long long>::max(),
         std::numeric_limits<unsigned long long>::max());
    DIFF("{:>10}|{:<10}|{:^10}|{:*^11}", -5, 42u, static_cast<short>(-300), 7LL);
    DIFF("{:x} {:X} {:#x} {:#b} {:#o} {:b}", 255, 255u, -255, 5, 8,
         std::numeric_limits<long long>::min());
    DIFF("{:x} {:#x} {:b}", static_cast<signed char>(-1), static_cast<unsigned char>(200),
         static_cast<short>(-2));
    DIFF("{:+d} {: d} {:08} {:+08} {:#010x} {:08b}", 5, 5, -42, 42, 255,
         static_cast<unsigned char>(3));
    DIFF("{:c} {:c} {:c}", 65, static_cast<unsigned char>(66), 67LL);
    DIFF("{} {} {:d} {:>6} {:x} {:s}", true, false, true, false, true, true);
    DIFF("{} {:d} {:>3} {:x} {:<4}| {:?} {:?}", 'x', 'A', 'c', 'z', 'q', '\n', '\'');
    DIFF("[{}] [{}] [{:d}]", '\0', '\xff', '\xff');
    DIFF("{{}} {{{}}} }} {{", 1);
    DIFF("{1} {0} {1}", 10, 20);
    DIFF("{0:x} {0:#b} {0}", 300);
    DIFF("[{:{}}] [{:<{}}] [{:>{}}]", 5, 8, -5, 4, 'c', 3);
    DIFF("[{0:{1}}] [{1}]", 12, 6);
    DIFF("{:{}}", 1, static_cast<unsigned char>(4));
    DIFF("{:{}}", 1, 10LL);

    std::mt19937_64 random(20261206);
    for (int i = 0; i < 500; ++i) {
      const std::uint64_t bits = random();
      DIFF("{} {} {} {} {} {} {} {}", static_cast<std::int8_t>(bits),
           static_cast<std::uint8_t>(bits >> 8), static_cast<std::int16_t>(bits >> 16),
           static_cast<std::uint16_t>(bits >> 24), static_cast<std::int32_t>(bits),
           static_cast<std::uint32_t>(bits >> 32), static_cast<std::int64_t>(bits), bits);
      const auto shift = static_cast<int>(bits % 64);
      DIFF("{:x} {:#b} {:>24} {:+}", static_cast<std::int64_t>(bits) >> shift, bits >> shift,
           static_cast<std::int64_t>(bits) >> shift, static_cast<std::int32_t>(bits >> shift));
      DIFF("{} {}", (bits & 1) != 0, static_cast<char>(bits >> 3));
    }
  });
}

TEST_CASE("floating point values, with specs, render as fmt renders them") {
  run_and_compare([](sluice::Logger& log, std::vector<std::string>& expected) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const float fnan = std::numeric_limits<float>::quiet_NaN();
    const float finf = std::numeric_limits<float>::infinity();
    DIFF("{} {} {} {} {} {}", nan, -nan, inf, -inf, 0.0, -0.0);
    DIFF("{} {} {} {} {} {}", fnan, -fnan, finf, -finf, 0.0f, -0.0f);
    DIFF("{} {} {} {}", std::numeric_limits<double>::denorm_min(),
         std::numeric_limits<double>::min(), std::numeric_limits<double>::max(),
         std::numeric_limits<double>::lowest());
    DIFF("{} {} {} {}", std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::min(),
         std::numeric_limits<float>::max(), std::numeric_limits<float>::lowest());
    DIFF("{} {} {} {} {} {}", 1e308, 1e-308, 1e15, 1e16, 1e-4, 1e-5);
    DIFF("{} {} {} {} {}", 0.1, 0.2 + 0.1, 1.0 / 3, 2.0 / 3, 123456789012345.6);
    DIFF("{} {} {} {}", 0.1f, 1.0f / 3, 16777216.0f, 16777217.0f);
    DIFF("{} {} {} {} {}", 0.5, 12.5, 999999999999999.0, 0.000123, 100.0);
    DIFF("{:e} {:E} {:.3e} {:08.3f} {:+.2f} {:>12} {:<12}|", 12345.678, 0.5, -1e-300, 3.14159, 2.5,
         0.1, -0.0);
    DIFF("{:g} {:G} {:.17g} {:.0f} {:.0e} {:#} {:#g}", 1e-5, 1e20, 0.1, 2.5, 15.0, 1.0, 1.0);
    DIFF("{:a} {:A} {:.3a}", 1.0, -0.1, 3.0);
    DIFF("{:f} {:e} {:g} {:>10.2f}", 0.1f, 1e-45f, 3.4028235e38f, -2.5f);
    DIFF("{:08} {:+} {: } {:010.4}", -nan, inf, 1.5, -3.25);
    DIFF("{:.{}f} {:{}.{}f}", 3.14159, 2, 2.71828, 10, 3);
    DIFF("{} {} {} {} {:.20f}", 0.1L, 1.0L / 3, 1e300L, -0.0L, 0.1L);

    std::mt19937_64 random(1206);
    constexpr double kPowers[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7};
    for (int i = 0; i < 1000; ++i) {
      const std::uint64_t bits = random();
      double any;
      std::memcpy(&any, &bits, sizeof any);
      float any_float;
      const auto low = static_cast<std::uint32_t>(bits);
      std::memcpy(&any_float, &low, sizeof any_float);
      // Values short_decimal takes, and their neighbours, which it must not.
      const double n = static_cast<double>(random() % 1'000'000'000'000'000);
      const double decimal = n / kPowers[random() % 8];
      const double near = std::nextafter(decimal, (bits & 1) != 0 ? inf : -inf);
      const double small = static_cast<double>(random() % 100000) / kPowers[random() % 8] * 1e-4;
      DIFF("{} {} {} {} {} {}", any, any_float, decimal, -near, small, -decimal);
      DIFF("{:e} {:.6f} {:g}", any, decimal, any_float);
    }
  });
}

TEST_CASE("strings, pointers, enums, user types and fields render as fmt renders them") {
  run_and_compare([](sluice::Logger& log, std::vector<std::string>& expected) {
    const std::string owned = "owned";
    const std::string with_nul("a\0b\0", 4);
    const std::string_view view_nul("\0x\0", 3);
    const std::string_view empty_view;
    const std::string empty;
    const char* c_string = "c-string";
    const char* null_c = nullptr;
    char mutable_text[] = "mutable";
    char* mutable_pointer = mutable_text;
    char* null_mutable = nullptr;
    const char array[8] = "arr";  // shorter than the array: up to the NUL
    const char full[4] = {'a', 'b', 'c', '\0'};
    DIFF("{} {} {} {} [{}] [{}]", owned, std::string_view("view"), c_string, "literal", empty,
         empty_view);
    DIFF("[{}] [{}]", with_nul, view_nul);
    DIFF("{} {} {} {} {} {}", null_c, mutable_text, mutable_pointer, null_mutable, array, full);
    DIFF("[{:>10}] [{:<10}] [{:^9}] [{:*<12}] [{:.3}] [{:>8.2}]", owned, "left", c_string, array,
         owned, std::string_view("precision"));
    DIFF("{:?} {:?} {:?} {:?}", with_nul, std::string_view("tab\t\"q\"\\"), null_c, "\xff\x01");
    DIFF("[{:10}] [{:.0}] [{:s}]", empty, owned, c_string);
    DIFF("ünïcödé [{:>6}] [{:.2}] [{:^5}]", "ß✓", "ßßß", "é");

    int target = 0;
    int* int_pointer = &target;
    const int* const_int_pointer = &target;
    void* void_pointer = &target;
    const void* const_void_pointer = nullptr;
    DIFF("{} {} {} {} {}", int_pointer, const_int_pointer, void_pointer, const_void_pointer,
         nullptr);
    DIFF("[{:>20}] [{:<20}] [{:p}]", static_cast<const void*>(&target), nullptr, void_pointer);

    DIFF("{} {} {} {} {} {}", diff::u_zero, diff::u_big, diff::Scoped::low, diff::Small::top,
         diff::Letter::a, diff::Scoped::one);
    DIFF("{:x} {:>5} {:#b} {:d}", diff::u_big, diff::Small::top, diff::Scoped::one,
         diff::Letter::a);
    DIFF("{} [{:>8}] [{:<6}]", diff::Named::dark, diff::Named::light, diff::Named::dark);
    DIFF("{} {}", diff::Offset::base, std::byte{0xab});
    DIFF("{} [{:>12}] [{:.3}]", Point{1, -2}, Point{3, 4}, Point{5, 6});
    DIFF("{}", std::chrono::milliseconds(1500));

    // Fields take no part in the message: fmt sees only the message arguments.
    SLUICE_INFO(log, "{} and {}", sluice::kv<"a">(1), 2, sluice::kv<"s">(owned), "three",
                sluice::kv<"p">(Point{0, 0}));
    expected.push_back(fmt::format("{} and {}", 2, "three"));
    SLUICE_INFO(log, "{1}-{0:>4}", sluice::kv<"x">(1.5), 'a', sluice::kv<"y">(true), 'b');
    expected.push_back(fmt::format("{1}-{0:>4}", 'a', 'b'));

    std::mt19937_64 random(61206);
    for (int i = 0; i < 300; ++i) {
      std::string text(random() % 300, '\0');
      for (char& c : text) c = static_cast<char>(random() % 256);
      const std::string_view part = std::string_view(text).substr(0, random() % (text.size() + 1));
      const auto width = static_cast<int>(random() % 40);
      DIFF("[{}] [{}] [{:>{}}] [{:.{}}]", text, part, part, width, text, width);
    }
  });
}

namespace diff {
struct Bomb {
  int x;
};
}  // namespace diff
template <>
struct fmt::formatter<diff::Bomb> : fmt::formatter<std::string_view> {
  auto format(const diff::Bomb& b, fmt::format_context& ctx) const {
    if (b.x < 0) throw std::runtime_error("boom");
    return fmt::formatter<std::string_view>::format("ok", ctx);
  }
};
template <>
struct sluice::copy_loggable<diff::Bomb> : std::true_type {};

// What the same two records, a field and an argument of the value `bad`
// whose formatter throws, came out as: live (CaptureSink), through the
// run-time path and read back from a binary log.
struct ThrownValueOutputs {
  std::vector<sluice::CapturedRecord> live;
  std::vector<std::string> run_time;
  std::vector<std::string> read_back;
};

template <class Bad>
ThrownValueOutputs log_a_throwing_value(const Bad& bad, bool redaction) {
  sluice::testing::TempDir dir("sluice-format-differential");
  const auto path = dir.path() / "thrown.slog";
  auto run_time = std::make_shared<RunTimeSink>();
  ThrownValueOutputs out;
  {
    sluice::Options options;
    options.redaction.enabled = redaction;
    sluice::testing::CaptureFixture fx(options);
    sluice::root_logger().add_sink(run_time);
    sluice::BinaryFileOptions binary_options;
    binary_options.compression = sluice::Compression::none;
    sluice::root_logger().add_sink(std::make_shared<sluice::BinaryFileSink>(path, binary_options));
    sluice::Logger& log = sluice::get_logger("diff");
    SLUICE_INFO(log, "field {}", 1, sluice::kv<"bomb">(bad));
    SLUICE_INFO(log, "arg {} {}", bad, 2);
    sluice::flush();
    for (const auto& r : fx.capture->records()) {
      if (r.logger == "diff") out.live.push_back(r);
    }
    CHECK(sluice::stats().sink_errors == 0);
  }
  out.run_time = run_time->messages;
  out.read_back = decode_messages(read_file(path));
  return out;
}

using Fields = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("a custom value whose formatter throws loses no record, and reads back as written") {
  const ThrownValueOutputs out = log_a_throwing_value(diff::Bomb{-1}, /*redaction=*/false);
  REQUIRE(out.live.size() == 2);
  CHECK(out.live[0].message == "field 1");
  CHECK(out.live[0].fields == Fields{{"bomb", "[sluice: format error: boom]"}});
  // Live, from run-time kinds and from the file alike, the value is the
  // error's text and the rest of the message stays.
  CHECK(out.live[1].message == "arg [sluice: format error: boom] 2");
  const std::vector<std::string> read_back{"field 1", "arg [sluice: format error: boom] 2"};
  CHECK(out.run_time == read_back);
  CHECK(out.read_back == read_back);
}

namespace diff {
struct NotAnError {};  // thrown, as C++ allows, without std::exception
struct OddBomb {
  int x;
};
}  // namespace diff
template <>
struct fmt::formatter<diff::OddBomb> : fmt::formatter<std::string_view> {
  auto format(const diff::OddBomb& b, fmt::format_context& ctx) const {
    if (b.x < 0) throw diff::NotAnError{};
    return fmt::formatter<std::string_view>::format("ok", ctx);
  }
};
template <>
struct sluice::copy_loggable<diff::OddBomb> : std::true_type {};

// The same for an exception that is not a std::exception: it escaped the
// handlers, which caught std::exception only, and ended the process
// (std::terminate on the backend thread) with redaction on; with it off,
// every sink lost the record.
TEST_CASE("a custom formatter that throws a non-std exception loses no record") {
  for (const bool redaction : {true, false}) {
    INFO("redaction " << redaction);
    const ThrownValueOutputs out = log_a_throwing_value(diff::OddBomb{-1}, redaction);
    REQUIRE(out.live.size() == 2);
    CHECK(out.live[0].message == "field 1");
    CHECK(out.live[0].fields == Fields{{"bomb", "[sluice: format error: unknown exception]"}});
    CHECK(out.live[1].message == "arg [sluice: format error: unknown exception] 2");
    const std::vector<std::string> read_back{"field 1",
                                             "arg [sluice: format error: unknown exception] 2"};
    CHECK(out.run_time == read_back);
    CHECK(out.read_back == read_back);
  }
}

TEST_CASE("strings near and beyond a queue's capacity arrive whole or not at all") {
  constexpr std::size_t kCapacity = 4096;  // the minimum
  std::size_t logged = 0;
  std::vector<std::string> all;
  sluice::testing::TempDir dir("sluice-format-differential");
  std::vector<std::string> live;
  {
    sluice::Options options;
    options.redaction.enabled = false;
    options.queue_capacity = kCapacity;
    sluice::testing::CaptureFixture fx(options);
    sluice::Logger& log = sluice::get_logger("diff");
    const std::uint64_t dropped_before = sluice::stats().records_dropped;
    // From a thread of its own: a thread's queue takes the capacity of the
    // start() before its first record, and this one's queue may be older.
    std::thread([&] {
      // A record is a 16-byte header, its 4-byte size, a 4-byte length and
      // the bytes, rounded up to 8: lengths around kCapacity - 24 and well
      // past it.
      for (std::size_t n = kCapacity - 64; n <= kCapacity + 16; ++n) {
        std::string text(n, static_cast<char>('a' + n % 26));
        all.push_back(fmt::format("<{}>", text));
        SLUICE_INFO(log, "<{}>", text);
        ++logged;
      }
      const std::string huge(100000, 'h');
      SLUICE_INFO(log, "<{}>", huge);
      ++logged;
      all.push_back(fmt::format("<{}>", huge));
    }).join();
    sluice::flush();
    for (const auto& r : fx.capture->records()) {
      if (r.logger == "diff") live.push_back(r.message);
    }
    const std::uint64_t dropped = sluice::stats().records_dropped - dropped_before;
    CHECK(live.size() + dropped == logged);
  }
  // Every record that arrived is one of those logged, whole and in order.
  std::size_t at = 0;
  for (const std::string& m : live) {
    while (at < all.size() && all[at] != m) ++at;
    CHECK(at < all.size());
  }
  // Those that fit arrived: header 16 + size 4 + length 4 + the text ("<"
  // n ">" comes from the format string, not the record), rounded up to 8.
  std::size_t fitting = 0;
  for (std::size_t n = kCapacity - 64; n <= kCapacity + 16; ++n) {
    if (((16 + 4 + 4 + n + 7) & ~std::size_t{7}) <= kCapacity) ++fitting;
  }
  CHECK(live.size() == fitting);
}

TEST_CASE("write_short_decimal writes fmt's text or leaves the value to fmt") {
  std::mt19937_64 random(6122026);
  constexpr double kPowers[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7};
  std::size_t mismatches = 0;
  for (int i = 0; i < 2'000'000; ++i) {
    double value;
    if (i % 2 == 0) {
      value = static_cast<double>(random() % 1'000'000'000'000'000) / kPowers[random() % 8];
      if (i % 4 == 0) value = std::nextafter(value, (i & 8) != 0 ? 1e300 : -1e300);
    } else {
      const std::uint64_t bits = random();
      std::memcpy(&value, &bits, sizeof value);
    }
    char room[32];
    char* const end = sluice::detail::write_short_decimal(value, room);
    if (end == nullptr) continue;
    const std::string expected = fmt::format("{}", value);
    if (std::string_view(room, static_cast<std::size_t>(end - room)) != expected &&
        ++mismatches <= 20) {
      FAIL_CHECK(fmt::format("{:a}: expected {} got {}", value, expected,
                             std::string_view(room, static_cast<std::size_t>(end - room))));
    }
  }
  CHECK(mismatches == 0);
}
