// RecordView::formatted: a record is formatted once per distinct formatter
// its sinks use, not once per sink; the cache starts over with each record,
// and a formatter that throws leaves nothing cached.
//
// The first cases hand one RecordView to several sinks as the backend's
// deliver() does; the last goes through the backend and so needs a fresh
// process, as ctest gives each case (catch_discover_tests).

#include <catch2/catch.hpp>
#include <sluice/formatter.hpp>
#include <sluice/record.hpp>
#include <sluice/sink.hpp>
#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "record_fixture.hpp"
#include "text_util.hpp"

namespace {

using sluice::CaptureSink;
using sluice::Level;
using sluice::detail::SourceLocation;
using sluice::testing::RecordFixture;
using sluice::testing::RecordMeta;
using Lines = std::vector<std::string>;

constexpr SourceLocation kLogin{"user {} logged in", "src/app/db/pool.cpp", "acquire", 42,
                                Level::info};
constexpr SourceLocation kDisk{"disk {}% full", "src/app/io/disk.cpp", "check", 7, Level::warning};

// Renders "<tag>|<logger>|<message>" and counts its calls (atomic: the
// backend calls it on its own thread).
class CountingFormatter final : public sluice::Formatter {
 public:
  explicit CountingFormatter(std::string tag) : tag_(std::move(tag)) {}
  void format(const sluice::RecordView& record, std::string& out) const override {
    calls_.fetch_add(1, std::memory_order_relaxed);
    out += tag_;
    out += '|';
    out += record.logger_name();
    out += '|';
    out += record.message();
  }
  int calls() const noexcept { return calls_.load(std::memory_order_relaxed); }

 private:
  std::string tag_;
  mutable std::atomic<int> calls_{0};
};

// Writes half a line, then throws, on its first call only.
class FailsOnceFormatter final : public sluice::Formatter {
 public:
  void format(const sluice::RecordView& record, std::string& out) const override {
    ++calls_;
    out += "partial ";
    if (calls_ == 1) throw std::runtime_error("formatter failed");
    out += record.message();
  }
  int calls() const noexcept { return calls_; }

 private:
  mutable int calls_ = 0;
};

// Renders its tag alone: short enough for std::string's inline buffer, so
// that a moved cache entry would take the text's bytes with it.
class TagFormatter final : public sluice::Formatter {
 public:
  explicit TagFormatter(std::string tag) : tag_(std::move(tag)) {}
  void format(const sluice::RecordView&, std::string& out) const override { out += tag_; }

 private:
  std::string tag_;
};

// Renders the texts of other formatters, taken from the record's cache.
class WrappingFormatter final : public sluice::Formatter {
 public:
  explicit WrappingFormatter(std::vector<std::shared_ptr<const sluice::Formatter>> inner)
      : inner_(std::move(inner)) {}
  void format(const sluice::RecordView& record, std::string& out) const override {
    out += '[';
    for (const auto& formatter : inner_) {
      out += record.formatted(*formatter);
      out += ';';
    }
    out += ']';
  }

 private:
  std::vector<std::shared_ptr<const sluice::Formatter>> inner_;
};

// As Backend::deliver: every sink, in order, gets the same view.
void deliver(const sluice::RecordView& record,
             const std::vector<std::shared_ptr<CaptureSink>>& sinks) {
  for (const auto& sink : sinks) sink->write(record);
}

RecordMeta meta_for(std::string logger) {
  RecordMeta meta;
  meta.logger = std::move(logger);
  return meta;
}

}  // namespace

TEST_CASE("a record is formatted once per distinct formatter its sinks use, not once per sink") {
  const auto text = std::make_shared<CountingFormatter>("text");
  const auto json = std::make_shared<CountingFormatter>("json");
  // The formatters interleaved, so that a cache hit is not always the last entry.
  const auto text_a = std::make_shared<CaptureSink>(text);
  const auto json_a = std::make_shared<CaptureSink>(json);
  const auto text_b = std::make_shared<CaptureSink>(text);
  const auto text_c = std::make_shared<CaptureSink>(text);
  const std::vector<std::shared_ptr<CaptureSink>> sinks{text_a, json_a, text_b, text_c};

  // One RecordView for both records, as the backend reuses its view.
  RecordFixture record;
  deliver(record.build<kLogin>(meta_for("app.db"), "alice"), sinks);
  CHECK(text->calls() == 1);
  CHECK(json->calls() == 1);

  deliver(record.build<kDisk>(meta_for("app.io"), 93), sinks);
  CHECK(text->calls() == 2);
  CHECK(json->calls() == 2);

  // The second record's text, not the first one's from the cache.
  const Lines text_lines{"text|app.db|user alice logged in", "text|app.io|disk 93% full"};
  CHECK(text_a->lines() == text_lines);
  CHECK(text_b->lines() == text_lines);
  CHECK(text_c->lines() == text_lines);
  CHECK(json_a->lines() == Lines{"json|app.db|user alice logged in", "json|app.io|disk 93% full"});
}

TEST_CASE("two formatter objects that render alike are still two formatters: each formats once") {
  // The cache is keyed by the formatter object, not by what it renders.
  const auto first = std::make_shared<CountingFormatter>("same");
  const auto second = std::make_shared<CountingFormatter>("same");
  const std::vector<std::shared_ptr<CaptureSink>> sinks{
      std::make_shared<CaptureSink>(first), std::make_shared<CaptureSink>(second),
      std::make_shared<CaptureSink>(first), std::make_shared<CaptureSink>(second)};

  RecordFixture record;
  deliver(record.build<kLogin>(meta_for("app.db"), "bob"), sinks);
  CHECK(first->calls() == 1);
  CHECK(second->calls() == 1);
  for (const auto& sink : sinks) CHECK(sink->lines() == Lines{"same|app.db|user bob logged in"});
}

TEST_CASE(
    "a formatter that throws caches nothing: the next sink using it formats the record again") {
  const auto fails_once = std::make_shared<FailsOnceFormatter>();
  const auto first = std::make_shared<CaptureSink>(fails_once);
  const auto second = std::make_shared<CaptureSink>(fails_once);
  const auto third = std::make_shared<CaptureSink>(fails_once);

  RecordFixture record;
  const sluice::RecordView& view = record.build<kLogin>(meta_for("app.db"), "carol");
  CHECK_THROWS_WITH(first->write(view), "formatter failed");
  CHECK(fails_once->calls() == 1);
  CHECK(first->size() == 0);

  // Not the half-written "partial " of the failed call.
  second->write(view);
  CHECK(fails_once->calls() == 2);
  CHECK(second->lines() == Lines{"partial user carol logged in"});

  // Now cached.
  third->write(view);
  CHECK(fails_once->calls() == 2);
  CHECK(third->lines() == Lines{"partial user carol logged in"});
}

TEST_CASE("through the backend, sinks sharing a formatter cost one format call per record") {
  // Needs a process of its own (the backend and the root logger's sinks).
  const auto text = std::make_shared<CountingFormatter>("text");
  const auto json = std::make_shared<CountingFormatter>("json");
  const std::vector<std::shared_ptr<CaptureSink>> sinks{
      std::make_shared<CaptureSink>(text), std::make_shared<CaptureSink>(json),
      std::make_shared<CaptureSink>(text), std::make_shared<CaptureSink>(text)};
  for (const auto& sink : sinks) sluice::root_logger().add_sink(sink);
  sluice::start();

  sluice::Logger& log = sluice::get_logger("shared.formatters");
  SLUICE_INFO(log, "one {}", 1);
  SLUICE_WARNING(log, "two {}", "2");
  SLUICE_ERROR(log, "three");
  sluice::flush();
  sluice::stop();
  sluice::root_logger().clear_sinks();

  CHECK(text->calls() == 3);
  CHECK(json->calls() == 3);
  const Lines text_lines{"text|shared.formatters|one 1", "text|shared.formatters|two 2",
                         "text|shared.formatters|three"};
  CHECK(sinks[0]->lines() == text_lines);
  CHECK(sinks[2]->lines() == text_lines);
  CHECK(sinks[3]->lines() == text_lines);
  CHECK(sinks[1]->lines() == Lines{"json|shared.formatters|one 1", "json|shared.formatters|two 2",
                                   "json|shared.formatters|three"});
}

TEST_CASE("texts a record was formatted to stay valid while more formatters format it") {
  // Under AddressSanitizer (scripts/test.sh) a moved cache entry is a
  // use-after-free, not just a wrong text.
  RecordFixture record;
  const sluice::RecordView& view = record.build<kLogin>(meta_for("app.db"), "dave");
  std::vector<std::shared_ptr<TagFormatter>> tags;
  std::vector<std::string_view> texts;
  for (int i = 0; i < 40; ++i) {
    tags.push_back(std::make_shared<TagFormatter>("f" + std::to_string(i)));
    texts.push_back(view.formatted(*tags.back()));
  }
  for (int i = 0; i < 40; ++i) CHECK(texts[i] == "f" + std::to_string(i));

  // Met first inside another formatter's format(): the cache grows while
  // the outer text is being written.
  const auto a = std::make_shared<CountingFormatter>("a");
  const auto b = std::make_shared<TagFormatter>("b");
  const WrappingFormatter wrapping({a, b, a});
  CHECK(view.formatted(wrapping) ==
        "[a|app.db|user dave logged in;b;a|app.db|user dave logged in;]");
  CHECK(a->calls() == 1);
  CHECK(view.formatted(wrapping) ==
        "[a|app.db|user dave logged in;b;a|app.db|user dave logged in;]");
}

namespace {

// Writes every text the record has, separated by '|', and the arguments'
// kinds: what a user's formatter could copy to a terminal.
class EverythingFormatter final : public sluice::Formatter {
 public:
  explicit EverythingFormatter(bool raw) : raw_(raw) {}
  void format(const sluice::RecordView& record, std::string& out) const override {
    for (const std::string_view text :
         {record.logger_name(), record.thread_name(), record.format_string(), record.file(),
          record.function(), record.module(), record.message()}) {
      out += text;
      out += '|';
    }
    for (std::size_t i = 0; i < record.arg_count(); ++i) {
      const sluice::ArgValue& arg = record.arg(i);
      if (arg.kind == sluice::ArgKind::character) {
        out += "char:";
        out += arg.c;
      } else {
        out += arg.kind == sluice::ArgKind::string ? "string:" : "other:";
        out += arg.text;
      }
      out += '|';
    }
    for (std::size_t i = 0; i < record.field_count(); ++i) {
      out += record.field(i).name;
      out += '=';
      out += record.field(i).value.text;
      out += '|';
    }
  }
  bool reads_raw_text() const noexcept override { return raw_; }

 private:
  bool raw_;
};

constexpr SourceLocation kEscapes{"u {} c {} \x7f", "src/\x1b[1m/x.cpp", "f\x07", 3, Level::info};

const sluice::RecordView& record_with_escapes(RecordFixture& record) {
  RecordMeta meta;
  meta.logger = "app\x1b[8m";
  meta.thread_name = "w\x9b";
  return record.build<kEscapes>(meta, "\x1b]0;t\x07\na\tb", '\x1b',
                                sluice::kv<"note">("\x1b[2J\xc2\x9b"),
                                sluice::kv<"k\x1b[2J">(std::string_view("ok")));
}

}  // namespace

TEST_CASE(
    "a formatter of the user's own reads the record's text with its terminal controls escaped") {
  // Before: every one of these reached the formatter's output as raw bytes.
  RecordFixture record;
  const sluice::RecordView& view = record_with_escapes(record);
  const EverythingFormatter escaped(false);
  CHECK(view.formatted(escaped) ==
        "app\\x1b[8m|w\\x9b|u {} c {} \\x7f|src/\\x1b[1m/x.cpp|f\\x07|x|"
        "u \\x1b]0;t\\x07\na\tb c \\x1b \\x7f|"
        "string:\\x1b]0;t\\x07\na\tb|string:\\x1b|"
        "note=\\x1b[2J\\xc2\\x9b|k\\x1b[2J=ok|");
}

TEST_CASE("a formatter that reads raw text gets the exact bytes, and so does a sink") {
  RecordFixture record;
  const sluice::RecordView& view = record_with_escapes(record);
  const EverythingFormatter raw(true);
  const std::string expected =
      "app\x1b[8m|w\x9b|u {} c {} \x7f|src/\x1b[1m/x.cpp|f\x07|x|"
      "u \x1b]0;t\x07\na\tb c \x1b \x7f|"
      "string:\x1b]0;t\x07\na\tb|char:\x1b|"
      "note=\x1b[2J\xc2\x9b|k\x1b[2J=ok|";
  CHECK(view.formatted(raw) == expected);
  // Outside formatted(), as a sink reads it (after an escaped formatting too).
  const EverythingFormatter escaped(false);
  (void)view.formatted(escaped);
  std::string direct;
  raw.format(view, direct);
  CHECK(direct == expected);
  CHECK(view.message() == "u \x1b]0;t\x07\na\tb c \x1b \x7f");
  CHECK(view.logger_name() == "app\x1b[8m");
}

TEST_CASE("a formatter inside another reads the text its own reads_raw_text asks for") {
  RecordFixture record;
  const sluice::RecordView& view = record_with_escapes(record);
  const auto raw = std::make_shared<EverythingFormatter>(true);
  const auto escaped = std::make_shared<EverythingFormatter>(false);
  // The wrapper does not read raw text: escaped, then the raw one, then the
  // escaped one's cached text, then its own read of the logger again.
  class Wrapper final : public sluice::Formatter {
   public:
    Wrapper(std::shared_ptr<const sluice::Formatter> a, std::shared_ptr<const sluice::Formatter> b)
        : a_(std::move(a)), b_(std::move(b)) {}
    void format(const sluice::RecordView& record, std::string& out) const override {
      out += record.logger_name();
      out += '[';
      out += record.formatted(*a_).substr(0, 7);  // the logger's name
      out += "][";
      out += record.formatted(*b_).substr(0, 10);
      out += ']';
      out += record.logger_name();
    }

   private:
    std::shared_ptr<const sluice::Formatter> a_, b_;
  };
  const Wrapper wrapper(raw, escaped);
  CHECK(view.formatted(wrapper) == "app\\x1b[8m[app\x1b[8m][app\\x1b[8m]app\\x1b[8m");
}

namespace {

// Writes "<file>|<function>|<module>|<message>" and keeps the message's
// view, to tell a copy from the record's own text.
class SiteAndMessageFormatter final : public sluice::Formatter {
 public:
  void format(const sluice::RecordView& record, std::string& out) const override {
    message_ = record.message();
    for (const std::string_view text : {record.file(), record.function(), record.module()}) {
      out += text;
      out += '|';
    }
    out += message_;
  }
  std::string_view message() const noexcept { return message_; }

 private:
  mutable std::string_view message_;
};

constexpr SourceLocation kCleanSite{"user {} logged in", "src/app/db/pool.cpp", "acquire", 42,
                                    Level::info};

}  // namespace

TEST_CASE("a clean message reaches a formatter of the user's own as the record's own text") {
  // Before, every message was copied for it, escape or none: the formatter's
  // view was of that copy.
  const SiteAndMessageFormatter formatter;
  RecordFixture record;
  const sluice::RecordView& clean = record.build<kCleanSite>(meta_for("app.db"), "alice");
  CHECK(clean.formatted(formatter) == "src/app/db/pool.cpp|acquire|pool|user alice logged in");
  CHECK(static_cast<const void*>(formatter.message().data()) ==
        static_cast<const void*>(clean.message().data()));

  const sluice::RecordView& dirty = record.build<kCleanSite>(meta_for("app.db"), "\x1b[2J");
  CHECK(dirty.formatted(formatter) == "src/app/db/pool.cpp|acquire|pool|user \\x1b[2J logged in");
  CHECK(dirty.message() == "user \x1b[2J logged in");
}

TEST_CASE("from one call site, a message with an escape after a clean one is escaped, and back") {
  const SiteAndMessageFormatter formatter;
  RecordFixture record;
  for (int round = 0; round < 2; ++round) {
    const sluice::RecordView& clean = record.build<kCleanSite>(meta_for("app.db"), "alice");
    CHECK(clean.formatted(formatter) == "src/app/db/pool.cpp|acquire|pool|user alice logged in");
    const sluice::RecordView& dirty = record.build<kCleanSite>(meta_for("app.db"), "\x1b]0;t\x07");
    CHECK(dirty.formatted(formatter) ==
          "src/app/db/pool.cpp|acquire|pool|user \\x1b]0;t\\x07 logged in");
  }
  // The escape's text is not left behind for a shorter clean message.
  const sluice::RecordView& short_clean = record.build<kCleanSite>(meta_for("app.db"), "b");
  CHECK(short_clean.formatted(formatter) == "src/app/db/pool.cpp|acquire|pool|user b logged in");
}

namespace {

// "<logger>|<thread>|<format>|<file>|<function>|<module>|<message>"
class NamesFormatter final : public sluice::Formatter {
 public:
  void format(const sluice::RecordView& record, std::string& out) const override {
    for (const std::string_view text :
         {record.logger_name(), record.thread_name(), record.format_string(), record.file(),
          record.function(), record.module()}) {
      out += text;
      out += '|';
    }
    out += record.message();
  }
};

constexpr SourceLocation kDirtySite{"q {} \x7f", "src/\x1b[1m/x.cpp", "f\x07", 3, Level::info};

RecordMeta names_meta(std::string logger, std::string thread, std::uint64_t names_key) {
  RecordMeta meta;
  meta.logger = std::move(logger);
  meta.thread_name = std::move(thread);
  meta.names_key = names_key;
  return meta;
}

}  // namespace

TEST_CASE("the same call sites logged many times keep their escaped names right") {
  // The sites' names are escaped once per site, the logger's and thread's
  // once per names_key; every record must still read its own.
  const NamesFormatter formatter;
  RecordFixture record;
  for (int i = 0; i < 300; ++i) {
    const std::uint64_t key = i % 3 == 0 ? 0 : (std::uint64_t{1} << 32) | (i % 3);
    const bool dirty_logger = i % 3 == 2;
    const RecordMeta meta =
        names_meta(dirty_logger ? "app\x1b[8m" : "app.db", dirty_logger ? "w\x9b" : "w1", key);
    const std::string names = dirty_logger ? "app\\x1b[8m|w\\x9b|" : "app.db|w1|";
    const std::string value = i % 2 == 0 ? "v" + std::to_string(i) : "\x1b" + std::to_string(i);
    const std::string shown = i % 2 == 0 ? value : "\\x1b" + std::to_string(i);
    CHECK(record.build<kCleanSite>(meta, std::string_view(value)).formatted(formatter) ==
          names + "user {} logged in|src/app/db/pool.cpp|acquire|pool|user " + shown +
              " logged in");
    CHECK(record.build<kDirtySite>(meta, std::string_view(value)).formatted(formatter) ==
          names + "q {} \\x7f|src/\\x1b[1m/x.cpp|f\\x07|x|q " + shown + " \\x7f");
  }
  // Without a names_key (a decoder's records) nothing is promised: one
  // after another, each reads its own.
  for (int i = 0; i < 4; ++i) {
    const bool dirty = i % 2 == 0;
    CHECK(record
              .build<kCleanSite>(names_meta(dirty ? "app\x1b[8m" : "app.db", "w1", 0),
                                 std::string_view("c"))
              .formatted(formatter) ==
          std::string(dirty ? "app\\x1b[8m" : "app.db") +
              "|w1|user {} logged in|src/app/db/pool.cpp|acquire|pool|user c logged in");
  }
}

TEST_CASE("a record under the names_key of the last one reads its own names, wherever they are") {
  // The backend promises the same names under one key, not the same
  // addresses: a thread's name moves when its queue list changes. Names too
  // long for std::string's inline buffer, so that each build frees the last
  // one's (a use-after-free under AddressSanitizer).
  const NamesFormatter formatter;
  RecordFixture record;
  const std::uint64_t key = (std::uint64_t{7} << 32) | 3;
  for (int i = 0; i < 3; ++i) {
    CHECK(record
              .build<kCleanSite>(names_meta("app.orders.shipping.europe", "worker-thread-17", key),
                                 std::string_view("ann"))
              .formatted(formatter) ==
          "app.orders.shipping.europe|worker-thread-17|user {} logged in|src/app/db/pool.cpp|"
          "acquire|pool|user ann logged in");
  }
}

TEST_CASE("a run-time call site redefined at the same address is escaped again") {
  // A decoder's call sites are freed or redefined in place as a log's
  // sections end; only a static site's address identifies it.
  std::string format = "disk full";
  std::string file = "src/app/io/disk.cpp";
  std::string function = "check";
  sluice::detail::CallSite site{format,  file, function, 9,       Level::warning,
                                nullptr, 0,    0,        nullptr, nullptr};
  sluice::RecordView view;
  const NamesFormatter formatter;
  const auto format_record = [&] {
    sluice::detail::RecordBuilder::reset(
        view, {sluice::testing::kTestTimestampNs, &site, "app.io", 1, 2, "w1", {}, 0, 0});
    return std::string(view.formatted(formatter));
  };
  CHECK(format_record() == "app.io|w1|disk full|src/app/io/disk.cpp|check|disk|disk full");
  CHECK(format_record() == "app.io|w1|disk full|src/app/io/disk.cpp|check|disk|disk full");

  file = "src/\x1b[1m/disk.cpp";
  function = "check\x07";
  format = "disk \x7f full";
  site.file = file;
  site.function = function;
  site.format = format;
  CHECK(format_record() ==
        "app.io|w1|disk \\x7f full|src/\\x1b[1m/disk.cpp|check\\x07|disk|disk \\x7f full");

  // Long enough for the heap: assigning a string frees the old one.
  file = std::string("src/app/io/disk.cpp") + std::string(40, '_');
  function = std::string("check") + std::string(40, '_');
  format = std::string("disk full") + std::string(40, '_');
  site.file = file;
  site.function = function;
  site.format = format;
  const std::string tail(40, '_');
  CHECK(format_record() == "app.io|w1|disk full" + tail + "|src/app/io/disk.cpp" + tail + "|check" +
                               tail + "|disk|disk full" + tail);
  // The same names in another buffer, the old one freed.
  file = std::string(file);
  site.file = file;
  CHECK(format_record() == "app.io|w1|disk full" + tail + "|src/app/io/disk.cpp" + tail + "|check" +
                               tail + "|disk|disk full" + tail);
}

TEST_CASE("escaped names a formatter holds stay where they are while another formats the record") {
  // Under AddressSanitizer (scripts/test.sh) a text escaped again or
  // moved while held is a use-after-free, not just a wrong text.
  class Holding final : public sluice::Formatter {
   public:
    explicit Holding(std::vector<std::shared_ptr<const sluice::Formatter>> inner)
        : inner_(std::move(inner)) {}
    void format(const sluice::RecordView& record, std::string& out) const override {
      const std::string_view held[] = {record.logger_name(), record.file(), record.function(),
                                       record.message()};
      for (const auto& formatter : inner_) out += record.formatted(*formatter);
      for (const std::string_view text : held) {
        out += '|';
        out += text;
      }
    }

   private:
    std::vector<std::shared_ptr<const sluice::Formatter>> inner_;
  };
  std::vector<std::shared_ptr<const sluice::Formatter>> inner;
  for (int i = 0; i < 20; ++i) inner.push_back(std::make_shared<NamesFormatter>());
  const Holding holding(inner);
  RecordFixture record;
  const std::string names = "app\\x1b[8m|w\\x9b|q {} \\x7f|src/\\x1b[1m/x.cpp|f\\x07|x|";
  for (const std::uint64_t key : {std::uint64_t{0}, (std::uint64_t{2} << 32) | 4}) {
    const sluice::RecordView& view = record.build<kDirtySite>(
        names_meta("app\x1b[8m", "w\x9b", key), std::string_view("\x1b[2J"));
    std::string expected;
    for (int i = 0; i < 20; ++i) expected += names + "q \\x1b[2J \\x7f";
    expected += "|app\\x1b[8m|src/\\x1b[1m/x.cpp|f\\x07|q \\x1b[2J \\x7f";
    CHECK(view.formatted(holding) == expected);
  }
}

TEST_CASE("record views on two threads escape the same call sites at once, TSan-clean") {
  // Each RecordView keeps its own escaped names: the backend's, a decoder's
  // and a test's own views share nothing.
  const auto format_many = [](std::vector<std::string>& lines) {
    const NamesFormatter formatter;
    RecordFixture record;
    for (int i = 0; i < 200; ++i) {
      const RecordMeta meta = names_meta("app\x1b[8m", "w1", (std::uint64_t{1} << 32) | 9);
      lines.emplace_back(
          record.build<kDirtySite>(meta, std::string_view("a")).formatted(formatter));
      lines.emplace_back(
          record.build<kCleanSite>(meta, std::string_view("b")).formatted(formatter));
    }
  };
  std::vector<std::string> first, second;
  std::thread other(format_many, std::ref(second));
  format_many(first);
  other.join();
  std::vector<std::string> expected;
  for (int i = 0; i < 200; ++i) {
    expected.emplace_back("app\\x1b[8m|w1|q {} \\x7f|src/\\x1b[1m/x.cpp|f\\x07|x|q a \\x7f");
    expected.emplace_back(
        "app\\x1b[8m|w1|user {} logged in|src/app/db/pool.cpp|acquire|pool|user b logged in");
  }
  CHECK(first == expected);
  CHECK(second == expected);
}

TEST_CASE(
    "escaping a text copies its clean prefix and escapes the rest: the same bytes as escaping the "
    "whole") {
  using sluice::detail::append_log_text;
  using sluice::detail::escape_log_text_unless_as_is;
  using sluice::detail::log_text_as_is_prefix;
  struct Case {
    std::string text;
    std::size_t clean_prefix;
    std::string escaped;  // empty: the text is as it is
  };
  const std::vector<Case> cases = {
      {"plain text, tabs\tand\nnewlines", 29, ""},
      {"", 0, ""},
      {"h\xc3\xa9llo \x1b[2J", 7, "h\xc3\xa9llo \\x1b[2J"},
      {"\x1b at the start", 0, "\\x1b at the start"},
      {"a long clean run of text, then a C1 \xc2\x9b", 36,
       "a long clean run of text, then a C1 \\xc2\\x9b"},
      {"invalid \xff then \x7f", 8, "invalid \\xff then \\x7f"},
      {"cut short \xe2\x82", 10, "cut short \\xe2\\x82"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(log_text_as_is_prefix(c.text) == c.clean_prefix);
    std::string storage = "left over";
    const bool as_is = escape_log_text_unless_as_is(c.text, storage);
    CHECK(as_is == c.escaped.empty());
    if (as_is) {
      CHECK(storage == "left over");  // untouched
      continue;
    }
    CHECK(storage == c.escaped);
    std::string whole;
    append_log_text(c.text, whole);
    CHECK(storage == whole);
  }
}
