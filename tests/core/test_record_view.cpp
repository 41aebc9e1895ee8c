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
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "record_fixture.hpp"

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
