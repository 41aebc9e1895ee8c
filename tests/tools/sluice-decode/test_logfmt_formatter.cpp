// --format logfmt: the JSON formatter's keys and order, go-logfmt quoting.

#include <catch2/catch.hpp>
#include <sluice/kv.hpp>

#include <string>
#include <string_view>

#include "decode_test_support.hpp"
#include "logfmt_formatter.hpp"

namespace {

using namespace sluice::testing;
using sluice::kv;

constexpr sluice::detail::SourceLocation kQuote{"said {}", "src/q.cpp", "talk", 5,
                                                sluice::Level::critical};

}  // namespace

TEST_CASE("logfmt quotes what needs quoting and renames standard keys") {
  RecordFixture record;
  const sluice::RecordView& view = record.build<kQuote>(
      meta_at(kT0, "", ""), std::string_view("hi \"there\"\n\\"),
      kv<"note">(std::string_view("a=b c")), kv<"level">(std::string_view("x")),
      kv<"empty">(std::string_view("")), kv<"n">(-3), kv<"ok">(true), kv<"ratio">(0.25),
      kv<"bell">(std::string_view("\a")), kv<"key with=odd\"bytes">('c'));
  std::string out;
  sluice::detail::decode::LogfmtFormatter().format(view, out);
  CHECK(out ==
        "timestamp=2026-11-23T10:00:00.000000000Z level=CRITICAL logger_name=\"\" "
        "message=\"said hi \\\"there\\\"\\n\\\\\" module=q function=talk line=5 process=4242 "
        "thread=100 thread_name=\"\" note=\"a=b c\" _level=x empty=\"\" n=-3 ok=true ratio=0.25 "
        "bell=\"\\u0007\" key_with_odd_bytes=c");
}

TEST_CASE("logfmt quotes C1 controls and invalid UTF-8, as JSON escapes them") {
  RecordFixture record;
  const sluice::RecordView& view = record.build<kQuote>(meta_at(kT0, "db", "w"),
                                                        std::string_view("\xc2\x9b"
                                                                         "2J"),
                                                        kv<"raw">(std::string_view("\x9b"
                                                                                   "2J")));
  std::string out;
  sluice::detail::decode::LogfmtFormatter().format(view, out);
  CHECK(out ==
        "timestamp=2026-11-23T10:00:00.000000000Z level=CRITICAL logger_name=db "
        "message=\"said \\u009b2J\" module=q function=talk line=5 process=4242 thread=100 "
        "thread_name=w raw=\"\\ufffd2J\"");
}

TEST_CASE("logfmt keys: C1 controls and invalid UTF-8 become _ as control bytes do") {
  // Before: written as they were, "\xc2\x9b" (a terminal's CSI) and a raw
  // 0x9B included: " a\xc2\x9b2J=1 b\x9b=2".
  RecordFixture record;
  const sluice::RecordView& view = record.build<kQuote>(meta_at(kT0, "db", "w"), 1,
                                                        kv<"a\xc2\x9b"
                                                           "2J">(1),
                                                        kv<"b\x9b">(2),
                                                        kv<"c\xe2\x82"
                                                           "A">(3),
                                                        kv<"caf\xc3\xa9\xf0\x9f\x98\x80">(4));
  std::string out;
  sluice::detail::decode::LogfmtFormatter().format(view, out);
  CHECK(out ==
        "timestamp=2026-11-23T10:00:00.000000000Z level=CRITICAL logger_name=db "
        "message=\"said 1\" module=q function=talk line=5 process=4242 thread=100 "
        "thread_name=w a__2J=1 b_=2 c__A=3 caf\xc3\xa9\xf0\x9f\x98\x80=4");
}

TEST_CASE("sluice-decode --format logfmt writes one line per record") {
  TempDir dir("sluice-decode-test");
  LogBuilder log;
  log.add<kLogin>(meta_at(kT0, "app.db", "worker 1", 7), "alice", kv<"user_id">(123), 2);
  log.add<kCache>(meta_at(kT0 + kSecond));
  write_file(dir.file("l.slog"), log.bytes());
  const DecodeResult r = decode({"--format", "logfmt", dir.file("l.slog")});
  CHECK(r.status == 0);
  CHECK(r.out ==
        "timestamp=2026-11-23T10:00:00.000000000Z level=INFO logger_name=app.db "
        "message=\"user alice logged in from 2\" module=pool function=acquire line=42 "
        "process=4242 thread=7 thread_name=\"worker 1\" user_id=123\n"
        "timestamp=2026-11-23T10:00:01.000000000Z level=DEBUG logger_name=app "
        "message=\"cache miss\" module=cache function=get line=12 process=4242 thread=100 "
        "thread_name=main\n");
}

TEST_CASE("logfmt renames a field the JSON formatter renames: redacted too") {
  // "redacted" is the key of the redaction annotation, reserved in JSON
  // whether or not the record was redacted; logfmt has the same keys.
  RecordFixture record;
  const sluice::RecordView& view = record.build<kQuote>(
      meta_at(kT0, "app", "main"), 1, kv<"redacted">(std::string_view("no")), kv<"thread">(2));
  std::string json;
  sluice::JsonFormatter().format(view, json);
  CHECK(json.substr(json.find(",\"thread_name\"")) ==
        ",\"thread_name\":\"main\",\"_redacted\":\"no\",\"_thread\":2}");
  std::string logfmt;
  sluice::detail::decode::LogfmtFormatter().format(view, logfmt);
  CHECK(logfmt.substr(logfmt.find(" thread_name=")) == " thread_name=main _redacted=no _thread=2");
}
