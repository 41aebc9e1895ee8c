// PatternFormatter: exact bytes of every token and spec, literal braces, the
// error messages, and timestamp rendering in UTC and in a fixed local zone.

#include <catch2/catch.hpp>
#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/kv.hpp>
#include <sluice/sink.hpp>

#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "record_fixture.hpp"

namespace {

using sluice::Level;
using sluice::PatternFormatter;
using sluice::TimeZone;
using sluice::detail::SourceLocation;
using sluice::testing::RecordFixture;
using sluice::testing::RecordMeta;

constexpr SourceLocation kLogin{"user {} logged in", "src/app/db/pool.cpp", "acquire", 42,
                                Level::info};
constexpr SourceLocation kPlain{"ready", "main.cc", "main", 7, Level::warning};
constexpr SourceLocation kCritical{"disk {}", "/abs/path/disk.hpp", "check", 12345,
                                   Level::critical};

std::string format(const PatternFormatter& formatter, const sluice::RecordView& record) {
  std::string out;
  formatter.format(record, out);
  return out;
}

// The record most tests use: "user alice logged in" with one field id=7.
std::string format_login(std::string_view pattern, RecordMeta meta = {}) {
  RecordFixture record;
  record.build<kLogin>(std::move(meta), "alice", sluice::kv<"id">(7));
  return format(PatternFormatter(pattern), record.view());
}

std::string format_at(std::int64_t ns, TimeZone zone = TimeZone::utc) {
  RecordFixture record;
  RecordMeta meta;
  meta.timestamp_ns = ns;
  record.build<kPlain>(meta);
  return format(PatternFormatter("{timestamp}", zone), record.view());
}

constexpr std::int64_t kSecond = 1'000'000'000;

std::string error_of(std::string_view pattern) {
  try {
    PatternFormatter formatter(pattern);
  } catch (const sluice::Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Sets TZ for one test and restores it (and the C library's idea of it).
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    if (const char* old = std::getenv("TZ")) {
      old_ = old;
      had_ = true;
    }
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ScopedTz() {
    if (had_) {
      ::setenv("TZ", old_.c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::string old_;
  bool had_ = false;
};

}  // namespace

TEST_CASE("default pattern") {
  CHECK(PatternFormatter::default_pattern == "{timestamp} {level:<8} {logger}: {message}{fields}");
  CHECK(format_login(PatternFormatter::default_pattern) ==
        "2026-11-23T11:50:51.123456789Z INFO     app.db: user alice logged in id=7");

  RecordFixture record;
  record.build<kLogin>(RecordMeta{}, "bob");
  std::string out;
  sluice::FormattedSink::default_formatter()->format(record.view(), out);
  CHECK(out == "2026-11-23T11:50:51.123456789Z INFO     app.db: user bob logged in");
  CHECK(sluice::FormattedSink::default_formatter() == sluice::FormattedSink::default_formatter());
}

TEST_CASE("every token renders its field of the record") {
  CHECK(format_login("{timestamp}") == "2026-11-23T11:50:51.123456789Z");
  CHECK(format_login("{level}") == "INFO");
  CHECK(format_login("{logger}") == "app.db");
  CHECK(format_login("{message}") == "user alice logged in");
  CHECK(format_login("{thread}") == "777");
  CHECK(format_login("{thread_name}") == "worker-1");
  CHECK(format_login("{process}") == "4242");
  CHECK(format_login("{file}") == "src/app/db/pool.cpp");
  CHECK(format_login("{line}") == "42");
  CHECK(format_login("{source}") == "src/app/db/pool.cpp:42");
  CHECK(format_login("{function}") == "acquire");
  CHECK(format_login("{module}") == "pool");
  CHECK(format_login("{fields}") == " id=7");

  CHECK(format_login("[{level}] {logger} {thread}/{thread_name} {process} {source} "
                     "{function} {module}:{message}|{fields}|") ==
        "[INFO] app.db 777/worker-1 4242 src/app/db/pool.cpp:42 acquire pool:user alice "
        "logged in| id=7|");
}

TEST_CASE("tokens of another record") {
  RecordMeta meta;
  meta.logger = "";
  meta.thread_id = std::numeric_limits<std::uint64_t>::max();
  meta.process_id = 1;
  meta.thread_name = "";
  RecordFixture record;
  record.build<kCritical>(meta, std::string("sda1"));
  CHECK(format(PatternFormatter("{level}|{logger}|{thread}|{thread_name}|{process}|{source}|"
                                "{module}|{message}|{fields}|"),
               record.view()) ==
        "CRITICAL||18446744073709551615||1|/abs/path/disk.hpp:12345|disk|disk sda1||");
}

TEST_CASE("every level name") {
  static constexpr SourceLocation kTrace{"m", "f.cpp", "fn", 1, Level::trace};
  static constexpr SourceLocation kDebug{"m", "f.cpp", "fn", 1, Level::debug};
  static constexpr SourceLocation kError{"m", "f.cpp", "fn", 1, Level::error};
  const PatternFormatter formatter("{level}");
  RecordFixture record;
  CHECK(format(formatter, record.build<kTrace>({})) == "TRACE");
  CHECK(format(formatter, record.build<kDebug>({})) == "DEBUG");
  CHECK(format(formatter, record.build<kLogin>({}, 1)) == "INFO");
  CHECK(format(formatter, record.build<kPlain>({})) == "WARNING");
  CHECK(format(formatter, record.build<kError>({})) == "ERROR");
  CHECK(format(formatter, record.build<kCritical>({}, 1)) == "CRITICAL");

  // Padded names are rendered once per formatter: each level has its own.
  const PatternFormatter padded("[{level:>9}]");
  CHECK(format(padded, record.build<kTrace>({})) == "[    TRACE]");
  CHECK(format(padded, record.build<kDebug>({})) == "[    DEBUG]");
  CHECK(format(padded, record.build<kLogin>({}, 1)) == "[     INFO]");
  CHECK(format(padded, record.build<kPlain>({})) == "[  WARNING]");
  CHECK(format(padded, record.build<kError>({})) == "[    ERROR]");
  CHECK(format(padded, record.build<kCritical>({}, 1)) == "[ CRITICAL]");
}

TEST_CASE("alignment and width pad with spaces and never truncate") {
  CHECK(format_login("|{level:<8}|") == "|INFO    |");
  CHECK(format_login("|{level:>8}|") == "|    INFO|");
  CHECK(format_login("|{level:^8}|") == "|  INFO  |");
  CHECK(format_login("|{level:^9}|") == "|  INFO   |");  // odd fill: the extra space right
  CHECK(format_login("|{level:8}|") == "|INFO    |");    // left by default
  CHECK(format_login("|{level:4}|") == "|INFO|");
  CHECK(format_login("|{level:>2}|") == "|INFO|");
  CHECK(format_login("|{level:1024}|").size() == 1026);
  CHECK(format_login("|{line:>5}|{thread:06}|") == "|   42|777   |");
  CHECK(format_login("|{fields:>6}|") == "|  id=7|");
  CHECK(format_login("|{timestamp:>31}|") == "| 2026-11-23T11:50:51.123456789Z|");
  CHECK(format_login("|{message:^24}|") == "|  user alice logged in  |");
}

TEST_CASE("output longer than the staging buffer") {
  // Formatters stage output in 512 bytes: pieces that cross or exceed it.
  static constexpr SourceLocation kLong{"{}", "f.cpp", "fn", 1, Level::info};
  const std::string message(3000, 'm');
  RecordFixture record;
  record.build<kLong>(RecordMeta{}, message, sluice::kv<"k">(std::string(700, 'v')));
  const std::string filler(500, '.');
  CHECK(format(PatternFormatter(filler + "{timestamp}|{message}|{level:>600}|{fields}"),
               record.view()) == filler + "2026-11-23T11:50:51.123456789Z|" + message + "|" +
                                     std::string(596, ' ') + "INFO| k=" + std::string(700, 'v'));
  // A piece that fits the buffer but not what is left of it.
  record.build<kLong>(RecordMeta{}, std::string(300, 'm'));
  CHECK(format(PatternFormatter(std::string(300, '.') + "{message}"), record.view()) ==
        std::string(300, '.') + std::string(300, 'm'));

  const std::string medium(1000, 'm');
  record.build<kLong>(RecordMeta{}, medium, sluice::kv<"k">(std::string(700, 'v')));
  // " k=vvv...": 703 code points, padded to 710.
  CHECK(format(PatternFormatter("{message:^1010}|{fields:>710}"), record.view()) ==
        "     " + medium + "     |" + std::string(7, ' ') + " k=" + std::string(700, 'v'));
}

TEST_CASE("width counts UTF-8 code points, not bytes") {
  RecordMeta meta;
  meta.logger = "caf\xc3\xa9";  // café: 4 code points, 5 bytes
  CHECK(format_login("|{logger:>6}|", meta) == "|  caf\xc3\xa9|");
  CHECK(format_login("|{logger:<6}|", meta) == "|caf\xc3\xa9  |");
}

TEST_CASE("terminal controls in the record's text are shown escaped, newline and tab kept") {
  // patterns.md: a user name such as "\x1b[2J" or "\x1b]0;title\x07", or the
  // C1 CSI (U+009B, or a raw 0x9B byte), went raw to a terminal that tails
  // the log and rewrote it. Newline and tab stay: multi-line messages.
  RecordMeta meta;
  meta.logger = "db\x1b[2J";
  meta.thread_name = "w\x1b]0;title\x07";
  RecordFixture record;
  record.build<kLogin>(std::move(meta), "al\nice\x1b[31m\xc2\x9b\x9b\xff\r\x7f\tend");
  CHECK(format(PatternFormatter("{logger} {thread_name}: {message}"), record.view()) ==
        "db\\x1b[2J w\\x1b]0;title\\x07: user al\nice\\x1b[31m\\xc2\\x9b\\x9b\\xff\\x0d\\x7f\tend "
        "logged in");
}

TEST_CASE("every C0 control but newline and tab, and DEL, as a hex escape") {
  RecordFixture record;
  for (int b = 0; b < 0x20; ++b) {
    INFO("byte " << b);
    std::string text = "x";
    text.append(1, static_cast<char>(b)).append("y");
    record.build<kLogin>(RecordMeta{}, text);
    std::string expected = "user x";
    if (b == '\n' || b == '\t') {
      expected += static_cast<char>(b);
    } else {
      constexpr char kHex[] = "0123456789abcdef";
      expected += std::string("\\x") + kHex[b >> 4] + kHex[b & 0xF];
    }
    expected += "y logged in";
    CHECK(format(PatternFormatter("{message}"), record.view()) == expected);
  }
  record.build<kLogin>(RecordMeta{}, "\x7f");
  CHECK(format(PatternFormatter("{message}"), record.view()) == "user \\x7f logged in");
}

TEST_CASE("every C1 control in UTF-8 as two hex escapes, U+00A0 and up as they are") {
  RecordFixture record;
  for (int b = 0x80; b <= 0x9F; ++b) {
    INFO("U+00" << std::hex << b);
    const char text[] = {'\xc2', static_cast<char>(b), '\0'};
    record.build<kLogin>(RecordMeta{}, text);
    constexpr char kHex[] = "0123456789abcdef";
    CHECK(format(PatternFormatter("{message}"), record.view()) ==
          std::string("user \\xc2\\x") + kHex[b >> 4] + kHex[b & 0xF] + " logged in");
  }
  record.build<kLogin>(RecordMeta{}, "\xc2\xa0\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
  CHECK(format(PatternFormatter("{message}"), record.view()) ==
        "user \xc2\xa0\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 logged in");
}

TEST_CASE("invalid UTF-8 in the record's text as hex escapes, a byte at a time") {
  // As in the error messages: each byte of an ill-formed sequence, so that
  // a raw 0x9B (CSI in 8-bit terminals) never reaches the output.
  RecordFixture record;
  record.build<kLogin>(RecordMeta{},
                       "\x80|\xe2\x82|\xe2\x82\xac|\xed\xa0\x80|\xc0\xaf|\xf4\x90\x80\x80");
  CHECK(format(PatternFormatter("{message}"), record.view()) ==
        "user \\x80|\\xe2\\x82|\xe2\x82\xac|\\xed\\xa0\\x80|\\xc0\\xaf|\\xf4\\x90\\x80\\x80 logged "
        "in");
}

TEST_CASE("backslashes and printable text in the record's text as they are") {
  RecordFixture record;
  record.build<kLogin>(RecordMeta{}, "C:\\tmp\\x1b ~!");
  CHECK(format(PatternFormatter("{message}"), record.view()) == "user C:\\tmp\\x1b ~! logged in");
}

TEST_CASE("the call site's text is escaped too") {
  static constexpr SourceLocation kOdd{"m", "dir/a\x1b[1m.cpp", "f\x1b", 3, Level::error};
  RecordFixture record;
  record.build<kOdd>(RecordMeta{});
  CHECK(format(PatternFormatter("{file}|{source}|{function}|{module}"), record.view()) ==
        "dir/a\\x1b[1m.cpp|dir/a\\x1b[1m.cpp:3|f\\x1b|a\\x1b[1m");
}

TEST_CASE("a padded token is padded to the width of its escaped text") {
  RecordMeta meta;
  meta.logger = "a\x1b";  // 2 code points, shown as 5
  RecordFixture record;
  record.build<kLogin>(std::move(meta), "\x01");
  CHECK(format(PatternFormatter("|{logger:>7}|{logger:<3}|{message:^18}|"), record.view()) ==
        "|  a\\x1b|a\\x1b|user \\x01 logged in|");
  CHECK(format(PatternFormatter("|{message:^22}|"), record.view()) == "| user \\x01 logged in  |");
}

TEST_CASE("escaping long text, at every alignment") {
  // Longer than the 512-byte staging buffer, with every kind of byte at
  // every offset of the 8-byte scan.
  const std::string chunk =
      "plain text \\ \n\t\x1b\x7f \xc2\x9b\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \xff.";
  const std::string shown =
      "plain text \\ \n\t\\x1b\\x7f \\xc2\\x9b\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80 \\xff.";
  RecordFixture record;
  for (std::size_t shift = 0; shift < 9; ++shift) {
    INFO("shift " << shift);
    std::string text(shift, 'a');
    std::string expected = "user " + std::string(shift, 'a');
    for (int i = 0; i < 40; ++i) {
      text += chunk;
      expected += shown;
    }
    record.build<kLogin>(RecordMeta{}, text);
    CHECK(format(PatternFormatter("{message}"), record.view()) == expected + " logged in");
  }
  const std::pair<std::string, std::string> lone[] = {
      {"\x1b", "\\x1b"}, {"\x7f", "\\x7f"}, {"\x80", "\\x80"}, {"\xc2\x9b", "\\xc2\\x9b"},
      {"\n", "\n"},      {"\t", "\t"},      {"\\", "\\"},      {"\xc3\xa9", "\xc3\xa9"}};
  for (const auto& [special, special_shown] : lone) {
    for (std::size_t shift = 0; shift < 17; ++shift) {
      INFO("shift " << shift << ", special " << special_shown);
      const std::string before(shift, 'a'), after(20, 'b');
      record.build<kLogin>(RecordMeta{}, before + special + after);
      CHECK(format(PatternFormatter("{message}"), record.view()) ==
            "user " + before + special_shown + after + " logged in");
    }
  }
}

TEST_CASE("literal text and doubled braces") {
  CHECK(format_login("") == "");
  CHECK(format_login("plain text") == "plain text");
  CHECK(format_login("{{") == "{");
  CHECK(format_login("}}") == "}");
  CHECK(format_login("{{level}}") == "{level}");
  CHECK(format_login("{{{level}}}") == "{INFO}");
  CHECK(format_login("a {{ b }} c") == "a { b } c");
  CHECK(format_login("{{}}{{{{") == "{}{{");
  CHECK(format_login("{level}{level}") == "INFOINFO");
  CHECK(format_login("x:{level:<5}:y") == "x:INFO :y");
}

TEST_CASE("pattern errors name the problem, the offset and the pattern") {
  CHECK(error_of("{timestamp} {levle}") ==
        "unknown pattern token '{levle}' at offset 12 in \"{timestamp} {levle}\"");
  CHECK(error_of("{}") == "unknown pattern token '{}' at offset 0 in \"{}\"");
  CHECK(error_of("{Level}") == "unknown pattern token '{Level}' at offset 0 in \"{Level}\"");
  CHECK(error_of("{ level}") == "unknown pattern token '{ level}' at offset 0 in \"{ level}\"");
  CHECK(error_of("{levle:<8}") ==
        "unknown pattern token '{levle:<8}' at offset 0 in \"{levle:<8}\"");
  CHECK(error_of("a {le{vel}") == "unknown pattern token '{le{vel}' at offset 2 in \"a {le{vel}\"");
  CHECK(error_of("{level} {message") == "unclosed '{' at offset 8 in \"{level} {message\"");
  CHECK(error_of("{") == "unclosed '{' at offset 0 in \"{\"");
  CHECK(error_of("{{{") == "unclosed '{' at offset 2 in \"{{{\"");
  CHECK(error_of("level}") == "unmatched '}' at offset 5 in \"level}\"");
  CHECK(error_of("}}}") == "unmatched '}' at offset 2 in \"}}}\"");
  CHECK(error_of("{level}}") == "unmatched '}' at offset 7 in \"{level}}\"");
  // Control bytes are escaped: a NUL cut the message short.
  CHECK(error_of(std::string_view("{mes\0sage}\n", 11)) ==
        "unknown pattern token '{mes\\x00sage}' at offset 0 in \"{mes\\x00sage}\\x0a\"");
  // And so is a backslash: the text \x00 typed in a pattern read exactly
  // like an escaped NUL.
  CHECK(error_of("{mes\\x00sage}") ==
        "unknown pattern token '{mes\\\\x00sage}' at offset 0 in \"{mes\\\\x00sage}\"");
  CHECK(error_of("C:\\logs\\{level} }") ==
        "unmatched '}' at offset 16 in \"C:\\\\logs\\\\{level} }\"");
  // And the C1 controls written in UTF-8 (U+009B is a terminal's CSI, as
  // ESC [ is) and each byte of invalid UTF-8; other UTF-8 passes.
  CHECK(error_of("{lev\xc2\x9b"
                 "31mel} \xff\xe2\x82 caf\xc3\xa9") ==
        "unknown pattern token '{lev\\xc2\\x9b31mel}' at offset 0 in \"{lev\\xc2\\x9b31mel} "
        "\\xff\\xe2\\x82 caf\xc3\xa9\"");

  const std::string hint = ": expected <, > or ^ and a width from 1 to 1024";
  CHECK(error_of("{level:x8}") ==
        "invalid spec 'x8' in pattern token '{level:x8}' at offset 0 in \"{level:x8}\"" + hint);
  CHECK(error_of("{level:}") ==
        "invalid spec '' in pattern token '{level:}' at offset 0 in \"{level:}\"" + hint);
  CHECK(error_of("{level:<}") ==
        "invalid spec '<' in pattern token '{level:<}' at offset 0 in \"{level:<}\"" + hint);
  CHECK(error_of("{level:0}") ==
        "invalid spec '0' in pattern token '{level:0}' at offset 0 in \"{level:0}\"" + hint);
  CHECK(error_of("{level:1025}") ==
        "invalid spec '1025' in pattern token '{level:1025}' at offset 0 in \"{level:1025}\"" +
            hint);
  CHECK(error_of("{level:99999}") ==
        "invalid spec '99999' in pattern token '{level:99999}' at offset 0 in "
        "\"{level:99999}\"" +
            hint);
  CHECK(error_of("{level:<<8}") ==
        "invalid spec '<<8' in pattern token '{level:<<8}' at offset 0 in \"{level:<<8}\"" + hint);
  CHECK(error_of("x {level:8<}") ==
        "invalid spec '8<' in pattern token '{level:8<}' at offset 2 in \"x {level:8<}\"" + hint);
  CHECK(error_of("{level:-8}") ==
        "invalid spec '-8' in pattern token '{level:-8}' at offset 0 in \"{level:-8}\"" + hint);

  CHECK(error_of("{level:1024}") == "(no error)");
  CHECK_THROWS_AS(PatternFormatter("{nope}"), sluice::Error);
}

TEST_CASE("fields are logfmt pairs with quoting where needed") {
  static constexpr SourceLocation kSite{"m", "f.cpp", "fn", 1, Level::info};
  const PatternFormatter formatter("{fields}");
  RecordFixture record;
  const auto fields = [&](const auto&... args) {
    return format(formatter, record.build<kSite>({}, args...));
  };
  using sluice::kv;
  CHECK(fields() == "");
  CHECK(fields(kv<"a">(1), kv<"b">(-2)) == " a=1 b=-2");
  CHECK(fields(kv<"s">("plain")) == " s=plain");
  CHECK(fields(kv<"s">("")) == " s=\"\"");
  CHECK(fields(kv<"s">("two words")) == " s=\"two words\"");
  CHECK(fields(kv<"s">("say \"hi\"")) == " s=\"say \\\"hi\\\"\"");
  CHECK(fields(kv<"s">("a\"b")) == " s=\"a\\\"b\"");
  CHECK(fields(kv<"s">("k=v")) == " s=\"k=v\"");
  CHECK(fields(kv<"s">("back\\slash")) == " s=back\\slash");  // no quoting needed
  CHECK(fields(kv<"s">("back\\slash and space")) == " s=\"back\\\\slash and space\"");
  CHECK(fields(kv<"s">("line\nbreak")) == " s=\"line\\nbreak\"");
  CHECK(fields(kv<"s">("cr\rtab\t")) == " s=\"cr\\rtab\\t\"");
  CHECK(fields(kv<"s">(std::string_view("nul\0x", 5))) == " s=\"nul\\u0000x\"");
  CHECK(fields(kv<"s">("\x01\x1f")) == " s=\"\\u0001\\u001f\"");
  CHECK(fields(kv<"s">("del\x7f")) == " s=\"del\\u007f\"");
  CHECK(fields(kv<"s">("caf\xc3\xa9")) == " s=caf\xc3\xa9");
  // A C1 control (U+009B is a terminal's CSI) is quoted and escaped as the
  // C0 controls are; ill-formed UTF-8 (a raw 0x9B too) is quoted and each
  // maximal ill-formed subsequence becomes \ufffd, as go-logfmt and JSON do.
  CHECK(fields(kv<"s">("\xc2\x9b"
                       "2J")) == " s=\"\\u009b2J\"");
  CHECK(fields(kv<"s">("\xc2\x80\xc2\x9f")) == " s=\"\\u0080\\u009f\"");
  CHECK(fields(kv<"s">("\x9b"
                       "2J")) == " s=\"\\ufffd2J\"");
  CHECK(fields(kv<"s">("bad\xff\xe2\x82"
                       "A\xc3\xa9")) == " s=\"bad\\ufffd\\ufffdA\xc3\xa9\"");
  CHECK(fields(kv<"s">("nbsp\xc2\xa0")) == " s=nbsp\xc2\xa0");  // U+00A0 is no control
  CHECK(fields(kv<"c">('x'), kv<"c">(' '), kv<"c">('=')) == " c=x c=\" \" c=\"=\"");
  CHECK(fields(kv<"t">(true), kv<"f">(false)) == " t=true f=false");
  CHECK(fields(kv<"i8">(std::int8_t{-128}), kv<"u8">(std::uint8_t{255})) == " i8=-128 u8=255");
  CHECK(fields(kv<"i64">(std::numeric_limits<std::int64_t>::min())) == " i64=-9223372036854775808");
  CHECK(fields(kv<"u64">(std::numeric_limits<std::uint64_t>::max())) ==
        " u64=18446744073709551615");
  CHECK(fields(kv<"f">(0.1f), kv<"d">(0.1), kv<"e">(1e300)) == " f=0.1 d=0.1 e=1e+300");
  CHECK(fields(kv<"p">(reinterpret_cast<const void*>(std::uintptr_t{0xdeadbeef}))) ==
        " p=0xdeadbeef");
  CHECK(fields(kv<"p">(nullptr)) == " p=0x0");
}

TEST_CASE("field keys are quoted as values are, so that a key cannot drive the terminal") {
  // A key is a template argument, so it may hold any bytes (and a binary log
  // read back any at all). Before: " a\x1b[2Jb=1 two words=2 k=v=3", the ESC
  // raw and the pairs unreadable.
  static constexpr SourceLocation kSite{"m", "f.cpp", "fn", 1, Level::info};
  RecordFixture record;
  record.build<kSite>({}, sluice::kv<"a\x1b[2Jb">(1), sluice::kv<"two words">(2),
                      sluice::kv<"k=v">(3), sluice::kv<"\xc2\x9b">(4), sluice::kv<"plain_key">(5));
  CHECK(format(PatternFormatter("{fields}"), record.view()) ==
        " \"a\\u001b[2Jb\"=1 \"two words\"=2 \"k=v\"=3 \"\\u009b\"=4 plain_key=5");
}

TEST_CASE("fields sit apart from message arguments") {
  static constexpr SourceLocation kSite{"{} then {}", "f.cpp", "fn", 1, Level::info};
  RecordFixture record;
  record.build<kSite>({}, sluice::kv<"first">(1), "a", sluice::kv<"mid">("x y"), 2,
                      sluice::kv<"last">(3));
  CHECK(format(PatternFormatter("{message}{fields}"), record.view()) ==
        "a then 2 first=1 mid=\"x y\" last=3");
}

TEST_CASE("UTC timestamps") {
  CHECK(format_at(0) == "1970-01-01T00:00:00.000000000Z");
  CHECK(format_at(5) == "1970-01-01T00:00:00.000000005Z");
  CHECK(format_at(kSecond - 1) == "1970-01-01T00:00:00.999999999Z");
  CHECK(format_at(kSecond) == "1970-01-01T00:00:01.000000000Z");
  CHECK(format_at(1'795'434'651 * kSecond + 120'000) == "2026-11-23T11:50:51.000120000Z");
  // Leap years: 2024 (divisible by 4), 2000 (by 400), and 2100 is not one.
  CHECK(format_at(1'709'251'199 * kSecond + 1) == "2024-02-29T23:59:59.000000001Z");
  CHECK(format_at(1'709'251'200 * kSecond) == "2024-03-01T00:00:00.000000000Z");
  CHECK(format_at(951'825'600 * kSecond) == "2000-02-29T12:00:00.000000000Z");
  CHECK(format_at(4'107'542'399 * kSecond) == "2100-02-28T23:59:59.000000000Z");
  CHECK(format_at(4'107'542'400 * kSecond) == "2100-03-01T00:00:00.000000000Z");
  CHECK(format_at(1'704'067'199 * kSecond + 999'999'999) == "2023-12-31T23:59:59.999999999Z");
  CHECK(format_at(1'704'067'200 * kSecond) == "2024-01-01T00:00:00.000000000Z");
  CHECK(format_at(std::numeric_limits<std::int64_t>::max()) == "2262-04-11T23:47:16.854775807Z");
}

TEST_CASE("the per-second cache follows the clock both ways") {
  // One formatter, successive records: within a second, to the next one,
  // and back (records can arrive slightly out of order across formatters).
  const PatternFormatter formatter("{timestamp}");
  RecordFixture record;
  const auto at = [&](std::int64_t ns) {
    RecordMeta meta;
    meta.timestamp_ns = ns;
    return format(formatter, record.build<kPlain>(meta));
  };
  const std::int64_t base = 1'709'251'199 * kSecond;
  CHECK(at(base + 1) == "2024-02-29T23:59:59.000000001Z");
  CHECK(at(base + 999'999'999) == "2024-02-29T23:59:59.999999999Z");
  CHECK(at(base + kSecond) == "2024-03-01T00:00:00.000000000Z");
  CHECK(at(base + kSecond + 7) == "2024-03-01T00:00:00.000000007Z");
  CHECK(at(base + 2) == "2024-02-29T23:59:59.000000002Z");
  CHECK(at(base + 61 * kSecond) == "2024-03-01T00:01:00.000000000Z");
}

TEST_CASE("local timestamps carry the zone's offset") {
  SECTION("a fixed offset east of UTC") {
    ScopedTz tz("XYZ-1");
    CHECK(format_at(1'795'434'651'123'456'789, TimeZone::local) ==
          "2026-11-23T12:50:51.123456789+01:00");
    // The UTC formatter is not affected by TZ.
    CHECK(format_at(1'795'434'651'123'456'789, TimeZone::utc) == "2026-11-23T11:50:51.123456789Z");
  }
  SECTION("a negative offset with minutes, across midnight") {
    ScopedTz tz("NST+3:30");
    CHECK(format_at(1'704'067'200 * kSecond + 5, TimeZone::local) ==
          "2023-12-31T20:30:00.000000005-03:30");
  }
  SECTION("UTC as the local zone is +00:00") {
    ScopedTz tz("UTC0");
    CHECK(format_at(0, TimeZone::local) == "1970-01-01T00:00:00.000000000+00:00");
  }
  SECTION("daylight saving time, and its start") {
    ScopedTz tz("CET-1CEST,M3.5.0,M10.5.0/3");
    CHECK(format_at(1'782'900'000 * kSecond, TimeZone::local) ==
          "2026-07-01T12:00:00.000000000+02:00");
    CHECK(format_at(1'795'434'652'000'000'000, TimeZone::local) ==
          "2026-11-23T12:50:52.000000000+01:00");
    // 2026-03-29 01:00 UTC: clocks go from 02:00 CET to 03:00 CEST.
    CHECK(format_at(1'774'745'999 * kSecond + 999'999'999, TimeZone::local) ==
          "2026-03-29T01:59:59.999999999+01:00");
    CHECK(format_at(1'774'746'000 * kSecond, TimeZone::local) ==
          "2026-03-29T03:00:00.000000000+02:00");
  }
  SECTION("in a pattern") {
    ScopedTz tz("XYZ-1");
    RecordFixture record;
    record.build<kLogin>(RecordMeta{}, "alice");
    CHECK(format(PatternFormatter("{timestamp} {level}", TimeZone::local), record.view()) ==
          "2026-11-23T12:50:51.123456789+01:00 INFO");
  }
}
