// JsonFormatter: key order, every value kind, key collisions, and every
// escaping rule of the shared JSON string code (core/text_util).

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/kv.hpp>
#include <sluice/redaction.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "record_builder.hpp"
#include "record_fixture.hpp"
#include "text_util.hpp"
#include "user_types.hpp"

using sluice::testing::Code;
using sluice::testing::Point;
using sluice::testing::Shade;

namespace {

using sluice::JsonFormatter;
using sluice::JsonOptions;
using sluice::kv;
using sluice::Level;
using sluice::detail::SourceLocation;
using sluice::testing::RecordFixture;
using sluice::testing::RecordMeta;

constexpr SourceLocation kLogin{"user {} logged in", "src/app/db/pool.cpp", "acquire", 42,
                                Level::info};
constexpr SourceLocation kFields{"m", "f.cpp", "fn", 1, Level::debug};

// Everything before the static and structured fields, for kFields records.
constexpr std::string_view kFieldsHead =
    R"({"timestamp":"2026-11-23T11:50:51.123456789Z","level":"DEBUG","logger_name":"app.db",)"
    R"("message":"m","module":"f","function":"fn","line":1,"process":4242,"thread":777,)"
    R"("thread_name":"worker-1")";

std::string json(const JsonFormatter& formatter, const sluice::RecordView& record) {
  std::string out;
  formatter.format(record, out);
  return out;
}

// The fields part of the object for a kFields record with `args`.
template <class... Args>
std::string fields_json(const Args&... args) {
  RecordFixture record;
  const std::string out = json(JsonFormatter(), record.build<kFields>(RecordMeta{}, args...));
  REQUIRE(out.substr(0, kFieldsHead.size()) == kFieldsHead);
  return out.substr(kFieldsHead.size());
}

std::string escaped(std::string_view text) {
  std::string out;
  sluice::detail::append_json_escaped(text, out);
  return out;
}

constexpr std::string_view kBad = "\\ufffd";

std::string bad(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += kBad;
  return out;
}

}  // namespace

TEST_CASE("one object, keys in the documented order") {
  RecordFixture record;
  record.build<kLogin>(RecordMeta{}, "alice", kv<"id">(7), kv<"role">("admin"));
  const std::string out = json(JsonFormatter(), record.view());
  CHECK(out ==
        R"({"timestamp":"2026-11-23T11:50:51.123456789Z","level":"INFO","logger_name":"app.db",)"
        R"("message":"user alice logged in","module":"pool","function":"acquire","line":42,)"
        R"("process":4242,"thread":777,"thread_name":"worker-1","id":7,"role":"admin"})");
  CHECK(out.find('\n') == std::string::npos);
}

TEST_CASE("the timestamp is UTC whatever TZ says") {
  ::setenv("TZ", "XYZ-5", 1);
  ::tzset();
  RecordFixture record;
  RecordMeta meta;
  meta.timestamp_ns = 1'709'251'199'000'000'042;
  const std::string out = json(JsonFormatter(), record.build<kFields>(meta));
  CHECK(out.substr(0, 46) == R"({"timestamp":"2024-02-29T23:59:59.000000042Z",)");
}

TEST_CASE("the logger key is configurable") {
  JsonOptions options;
  options.logger_key = "logger";
  RecordFixture record;
  record.build<kFields>(RecordMeta{}, kv<"logger_name">("x"), kv<"logger">("y"));
  CHECK(json(JsonFormatter(options), record.view()) ==
        R"({"timestamp":"2026-11-23T11:50:51.123456789Z","level":"DEBUG","logger":"app.db",)"
        R"("message":"m","module":"f","function":"fn","line":1,"process":4242,"thread":777,)"
        R"("thread_name":"worker-1","logger_name":"x","_logger":"y"})");
}

TEST_CASE("a logger key that is empty or another standard key is refused") {
  const auto error_of = [](std::string key) -> std::string {
    JsonOptions options;
    options.logger_key = std::move(key);
    try {
      JsonFormatter formatter(options);
    } catch (const sluice::Error& e) {
      return e.what();
    }
    return "(no error)";
  };
  CHECK(error_of("") ==
        "invalid JsonOptions::logger_key \"\": it must be non-empty and differ from the other "
        "standard keys");
  CHECK(error_of("message") ==
        "invalid JsonOptions::logger_key \"message\": it must be non-empty and differ from the "
        "other standard keys");
  CHECK(error_of("thread_name").find("\"thread_name\"") != std::string::npos);
  CHECK(error_of("name") == "(no error)");
}

TEST_CASE("static fields follow the standard keys, before the record's fields") {
  JsonOptions options;
  options.static_fields = {
      {"service", "checkout"}, {"env", "prod \"eu\"\n"}, {"message", "taken"}, {"ke\"y", "v"}};
  RecordFixture record;
  record.build<kFields>(RecordMeta{}, kv<"service">("mine"), kv<"id">(1));
  CHECK(json(JsonFormatter(options), record.view()) ==
        std::string(kFieldsHead) +
            R"(,"service":"checkout","env":"prod \"eu\"\n","_message":"taken","ke\"y":"v",)"
            R"("_service":"mine","id":1})");
}

TEST_CASE("a field named like a standard key gets a leading underscore") {
  CHECK(fields_json(kv<"timestamp">(1), kv<"level">(2), kv<"logger_name">(3), kv<"message">(4),
                    kv<"module">(5)) ==
        R"(,"_timestamp":1,"_level":2,"_logger_name":3,"_message":4,"_module":5})");
  CHECK(fields_json(kv<"function">(6), kv<"line">(7), kv<"process">(8), kv<"thread">(9),
                    kv<"thread_name">(10)) ==
        R"(,"_function":6,"_line":7,"_process":8,"_thread":9,"_thread_name":10})");
  CHECK(fields_json(kv<"messages">(1), kv<"Message">(2), kv<"_message">(3)) ==
        R"(,"messages":1,"Message":2,"_message":3})");
}

TEST_CASE("a field named redacted does not duplicate the redaction annotation's key") {
  // The annotation (RedactionPolicy::annotate) is the object's last key: a
  // field of the same name gave two "redacted" keys, and a reader keeping the
  // first saw the field instead of the kinds removed.
  static constexpr SourceLocation kSite{"m", "f.cpp", "fn", 1, Level::debug};
  const auto field = kv<"redacted">(false);
  std::vector<std::byte> bytes(sluice::detail::encoded_args_size(field));
  sluice::detail::encode_args(bytes.data(), field);
  sluice::RecordView view;
  sluice::detail::RecordBuilder::reset(
      view, sluice::detail::RecordBuilder::Source{
                sluice::testing::kTestTimestampNs,
                &sluice::detail::CallSiteOf<kSite, std::decay_t<decltype(field)>>::value, "app.db",
                4242, 777, "worker-1", std::span<const std::byte>(bytes),
                1u << static_cast<unsigned>(sluice::RedactionKind::card), 0});
  const std::string out = json(JsonFormatter(), view);
  REQUIRE(out.substr(0, kFieldsHead.size()) == kFieldsHead);
  CHECK(out.substr(kFieldsHead.size()) == R"(,"_redacted":false,"redacted":["card"]})");
  // Renamed whether or not the record was redacted: the same field keeps one
  // key, in live and in decoded output (which has no annotation).
  CHECK(fields_json(kv<"redacted">(1)) == R"(,"_redacted":1})");
  JsonOptions options;
  options.static_fields = {{"redacted", "no"}};
  RecordFixture record;
  CHECK(json(JsonFormatter(options), record.build<kFields>(RecordMeta{}))
            .substr(kFieldsHead.size()) == R"(,"_redacted":"no"})");
}

TEST_CASE("every field kind") {
  CHECK(fields_json(kv<"t">(true), kv<"f">(false)) == R"(,"t":true,"f":false})");
  CHECK(fields_json(kv<"c">('x'), kv<"q">('"'), kv<"n">('\n'), kv<"hi">('\xe9')) ==
        R"(,"c":"x","q":"\"","n":"\n","hi":"\ufffd"})");
  CHECK(fields_json(kv<"a">(std::int8_t{-128}), kv<"b">(std::int16_t{-32768}),
                    kv<"c">(std::numeric_limits<std::int32_t>::min()),
                    kv<"d">(std::numeric_limits<std::int64_t>::min())) ==
        R"(,"a":-128,"b":-32768,"c":-2147483648,"d":-9223372036854775808})");
  CHECK(fields_json(kv<"a">(std::uint8_t{255}), kv<"b">(std::uint16_t{65535}),
                    kv<"c">(std::numeric_limits<std::uint32_t>::max()),
                    kv<"d">(std::numeric_limits<std::uint64_t>::max()), kv<"z">(0)) ==
        R"(,"a":255,"b":65535,"c":4294967295,"d":18446744073709551615,"z":0})");
  CHECK(fields_json(kv<"f">(0.1f), kv<"d">(0.1), kv<"big">(1e300), kv<"small">(1e-7),
                    kv<"neg0">(-0.0), kv<"whole">(100.0), kv<"fmax">(3.4028235e38f)) ==
        R"(,"f":0.1,"d":0.1,"big":1e+300,"small":1e-07,"neg0":-0,"whole":100,)"
        R"("fmax":3.4028235e+38})");
  CHECK(fields_json(kv<"ld">(2.5L)) == R"(,"ld":2.5})");
  CHECK(fields_json(kv<"p">(reinterpret_cast<const void*>(std::uintptr_t{0xdeadbeef})),
                    kv<"null">(nullptr)) == R"(,"p":"0xdeadbeef","null":"0x0"})");
  CHECK(fields_json(kv<"s">("text"), kv<"e">(""), kv<"v">(std::string_view("a\\b")),
                    kv<"o">(std::string("o\tk"))) ==
        R"(,"s":"text","e":"","v":"a\\b","o":"o\tk"})");
  CHECK(fields_json(kv<"pt">(Point{1, 2}), kv<"shade">(Shade::light), kv<"code">(Code::e)) ==
        R"j(,"pt":"(1, \"2\")","shade":"light","code":-3})j");
}

TEST_CASE("NaN and infinities are strings") {
  constexpr double inf = std::numeric_limits<double>::infinity();
  constexpr float finf = std::numeric_limits<float>::infinity();
  CHECK(fields_json(kv<"a">(std::numeric_limits<double>::quiet_NaN()), kv<"b">(inf),
                    kv<"c">(-inf)) == R"(,"a":"NaN","b":"Infinity","c":"-Infinity"})");
  CHECK(fields_json(kv<"a">(std::numeric_limits<float>::quiet_NaN()), kv<"b">(finf), kv<"c">(-finf),
                    kv<"d">(-std::numeric_limits<double>::quiet_NaN())) ==
        R"(,"a":"NaN","b":"Infinity","c":"-Infinity","d":"NaN"})");
}

TEST_CASE("strings of the record are escaped too") {
  static constexpr SourceLocation kOdd{"tab\there \"{}\"", "dir/we\"ird.cpp", "op<\\>", 3,
                                       Level::error};
  RecordMeta meta;
  meta.logger = "a\nb";
  meta.thread_name = "t\x01";
  RecordFixture record;
  record.build<kOdd>(meta, "bad\xff\xc2\x9b");
  CHECK(
      json(JsonFormatter(), record.view()) ==
      R"({"timestamp":"2026-11-23T11:50:51.123456789Z","level":"ERROR","logger_name":"a\nb",)"
      R"("message":"tab\there \"bad\ufffd\u009b\"","module":"we\"ird","function":"op<\\>","line":3,)"
      R"("process":4242,"thread":777,"thread_name":"t\u0001"})");
}

TEST_CASE("escaping: quote, backslash and the short escapes") {
  CHECK(escaped("") == "");
  CHECK(escaped("plain / text") == "plain / text");
  CHECK(escaped("\"") == "\\\"");
  CHECK(escaped("\\") == "\\\\");
  CHECK(escaped("a\"b\\c") == "a\\\"b\\\\c");
  CHECK(escaped("\n\r\t\b\f") == "\\n\\r\\t\\b\\f");

  std::string quoted;
  sluice::detail::append_json_string("say \"hi\"", quoted);
  CHECK(quoted == "\"say \\\"hi\\\"\"");
}

TEST_CASE("escaping: every control byte and DEL") {
  const char* const expected[32] = {
      "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
      "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
      "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
      "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"};
  for (int b = 0; b < 32; ++b) {
    INFO("byte " << b);
    const char ch = static_cast<char>(b);
    CHECK(escaped(std::string_view(&ch, 1)) == expected[b]);
    // Built with append: GCC 12 warns (-Wrestrict) on `"x" + std::string(...)`
    // here, a false positive (https://gcc.gnu.org/bugzilla/show_bug.cgi?id=105651).
    std::string text = "x";
    text.append(1, ch).append("y");
    std::string expected_text = "x";
    expected_text.append(expected[b]).append("y");
    CHECK(escaped(text) == expected_text);
  }
  CHECK(escaped("\x7f") == "\\u007f");
  CHECK(escaped(" ~") == " ~");  // the printable ends pass through
}

TEST_CASE("escaping: valid UTF-8 passes through") {
  const char* const valid[] = {
      "\xc2\xa0",          // U+00A0, the first 2-byte after the C1 controls
      "\xc3\xa9",          // é
      "\xdf\xbf",          // U+07FF, the last 2-byte
      "\xe0\xa0\x80",      // U+0800, the first 3-byte
      "\xe2\x82\xac",      // €
      "\xed\x9f\xbf",      // U+D7FF, below the surrogates
      "\xee\x80\x80",      // U+E000, above them
      "\xef\xbf\xbf",      // U+FFFF
      "\xf0\x90\x80\x80",  // U+10000, the first 4-byte
      "\xf0\x9f\x98\x80",  // 😀
      "\xf4\x8f\xbf\xbf",  // U+10FFFF, the last code point
  };
  for (const char* text : valid) {
    INFO(text);
    CHECK(escaped(text) == text);
    CHECK(escaped(std::string("a") + text + "b") == std::string("a") + text + "b");
  }
  CHECK(escaped("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80!") ==
        "h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80!");
}

TEST_CASE("escaping: the C1 controls U+0080..U+009F as u escapes, like the C0 ones") {
  // Valid JSON either way, but a terminal that shows the log (tail -f, jq
  // without -a) takes U+009B as CSI: escaped like the C0 controls.
  constexpr char kHex[] = "0123456789abcdef";
  for (int b = 0x80; b <= 0x9F; ++b) {
    INFO("U+00" << std::hex << b);
    const char text[] = {'x', '\xc2', static_cast<char>(b), 'y', '\0'};
    CHECK(escaped(text) == std::string("x\\u00") + kHex[b >> 4] + kHex[b & 0xF] + "y");
  }
  CHECK(escaped("\xc2\x9b"
                "2J\xc2\x9f\xc2\xa0") == "\\u009b2J\\u009f\xc2\xa0");
  // A raw 0x9B is ill-formed UTF-8, replaced as before.
  CHECK(escaped("\x9b"
                "2J") == bad(1) + "2J");
}

TEST_CASE("escaping: each ill-formed UTF-8 subsequence becomes one U+FFFD") {
  // Lone continuation bytes and bytes that never start a sequence.
  CHECK(escaped("\x80") == bad(1));
  CHECK(escaped("\xbf") == bad(1));
  CHECK(escaped("a\x80\x80z") == "a" + bad(2) + "z");
  CHECK(escaped("\xfe") == bad(1));
  CHECK(escaped("\xff") == bad(1));
  CHECK(escaped("\xf5\x80\x80\x80") == bad(4));
  CHECK(escaped("\xf8\x88\x80\x80\x80") == bad(5));
  // Overlong forms.
  CHECK(escaped("\xc0\x80") == bad(2));
  CHECK(escaped("\xc1\xbf") == bad(2));
  CHECK(escaped("\xe0\x80\x80") == bad(3));
  CHECK(escaped("\xe0\x9f\xbf") == bad(3));
  CHECK(escaped("\xf0\x80\x80\x80") == bad(4));
  CHECK(escaped("\xf0\x8f\xbf\xbf") == bad(4));
  // Surrogates.
  CHECK(escaped("\xed\xa0\x80") == bad(3));
  CHECK(escaped("\xed\xbf\xbf") == bad(3));
  // Above U+10FFFF.
  CHECK(escaped("\xf4\x90\x80\x80") == bad(4));
  CHECK(escaped("\xf7\xbf\xbf\xbf") == bad(4));
  // Truncated sequences: the valid prefix is one subpart.
  CHECK(escaped("\xc3") == bad(1));
  CHECK(escaped("\xe2\x82") == bad(1));
  CHECK(escaped("\xe0\xa0") == bad(1));
  CHECK(escaped("\xf0\x9f\x98") == bad(1));
  CHECK(escaped("\xe2\x82"
                "A") == bad(1) + "A");
  CHECK(escaped("\xf0\x9f\x98"
                "A") == bad(1) + "A");
  CHECK(escaped("\xf0\x9f"
                "\xf0\x9f\x98\x80") == bad(1) + "\xf0\x9f\x98\x80");
  CHECK(escaped("\xc3\xc3\xa9") == bad(1) + "\xc3\xa9");
  CHECK(escaped("\xe2\x82\xe2\x82\xac") == bad(1) + "\xe2\x82\xac");
  CHECK(escaped("\xe2(\xa1") == bad(1) + "(" + bad(1));
  CHECK(escaped("\xc3\n") == bad(1) + "\\n");
}

TEST_CASE("escaping: long strings, at every alignment") {
  // Longer than the 512-byte staging buffer, with every kind of byte at every
  // offset of the 8-byte scan.
  const std::string chunk =
      "plain text, then \"q\" \\ \n\t\x01\x7f \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xff.";
  const std::string chunk_escaped =
      "plain text, then \\\"q\\\" \\\\ \\n\\t\\u0001\\u007f \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 "
      "\\ufffd.";
  for (std::size_t shift = 0; shift < 9; ++shift) {
    INFO("shift " << shift);
    std::string text(shift, 'a');
    std::string expected(shift, 'a');
    for (int i = 0; i < 40; ++i) {
      text += chunk;
      expected += chunk_escaped;
    }
    CHECK(escaped(text) == expected);
  }
  // One special byte or sequence alone in clean text, at every offset.
  const std::pair<std::string, std::string> lone[] = {
      {"\"", "\\\""},      {"\\", "\\\\"},           {"\x01", "\\u0001"},
      {"\x1f", "\\u001f"}, {"\x7f", "\\u007f"},      {"\x80", "\\ufffd"},
      {"\xff", "\\ufffd"}, {"\xc3\xa9", "\xc3\xa9"}, {"\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"}};
  for (const auto& [special, special_escaped] : lone) {
    for (std::size_t shift = 0; shift < 17; ++shift) {
      INFO("shift " << shift << ", special " << special_escaped);
      const std::string before(shift, 'a'), after(20, 'b');
      CHECK(escaped(before + special + after) == before + special_escaped + after);
    }
  }
  const std::string clean(5000, 'z');
  CHECK(escaped(clean) == clean);
  CHECK(escaped(clean + "\n") == clean + "\\n");
}

TEST_CASE("a record longer than the staging buffer") {
  static constexpr SourceLocation kLong{"{}", "f.cpp", "fn", 1, Level::info};
  const std::string message(3000, 'm');
  RecordMeta meta;
  meta.logger = std::string(600, 'l');
  RecordFixture record;
  record.build<kLong>(meta, message, kv<"k">(std::string(700, 'v')));
  CHECK(json(JsonFormatter(), record.view()) ==
        R"({"timestamp":"2026-11-23T11:50:51.123456789Z","level":"INFO","logger_name":")" +
            meta.logger + R"(","message":")" + message +
            R"(","module":"f","function":"fn","line":1,"process":4242,"thread":777,)"
            R"("thread_name":"worker-1","k":")" +
            std::string(700, 'v') + "\"}");
}
