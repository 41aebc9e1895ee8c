// Logger tree: names, level inheritance, run-time changes, propagation.

#include <catch2/catch.hpp>
#include <sluice/sinks/capture_logs.hpp>

#include <memory>
#include <string>
#include <thread>

#include "capture_fixture.hpp"
#include "logger_registry.hpp"

using sluice::Level;

TEST_CASE("loggers are created with their ancestors and found again by name") {
  sluice::Logger& leaf = sluice::get_logger("app.db.pool");
  REQUIRE(leaf.name() == "app.db.pool");
  REQUIRE(leaf.parent() == &sluice::get_logger("app.db"));
  REQUIRE(leaf.parent()->parent() == &sluice::get_logger("app"));
  REQUIRE(leaf.parent()->parent()->parent() == &sluice::root_logger());
  REQUIRE(&sluice::get_logger("") == &sluice::root_logger());
  REQUIRE(&sluice::get_logger("root") == &sluice::root_logger());
  REQUIRE(sluice::root_logger().name() == "root");
  REQUIRE(&sluice::get_logger("app.db.pool") == &leaf);
}

TEST_CASE("a logger without a level inherits its nearest ancestor's") {
  sluice::Logger& app = sluice::get_logger("inherit");
  sluice::Logger& leaf = sluice::get_logger("inherit.a.b");
  REQUIRE(sluice::root_logger().effective_level() == Level::info);
  REQUIRE(leaf.effective_level() == Level::info);
  REQUIRE_FALSE(leaf.level().has_value());

  app.set_level(Level::error);
  REQUIRE(leaf.effective_level() == Level::error);
  REQUIRE_FALSE(leaf.should_log(Level::warning));
  REQUIRE(leaf.should_log(Level::error));

  sluice::get_logger("inherit.a").set_level(Level::debug);
  REQUIRE(leaf.effective_level() == Level::debug);

  sluice::get_logger("inherit.a").clear_level();
  REQUIRE(leaf.effective_level() == Level::error);
  app.clear_level();
  sluice::root_logger().set_level(Level::critical);
  REQUIRE(leaf.effective_level() == Level::critical);
  sluice::root_logger().clear_level();  // the root always keeps a level
  REQUIRE(sluice::root_logger().level() == Level::info);
}

TEST_CASE("a child created after its parent's level was set inherits it") {
  sluice::get_logger("late").set_level(Level::warning);
  REQUIRE(sluice::get_logger("late.child").effective_level() == Level::warning);
}

TEST_CASE("level changes from another thread take effect on the next call") {
  sluice::testing::CaptureFixture fx;
  sluice::Logger& log = sluice::get_logger("runtime");
  SLUICE_INFO(log, "one");
  std::thread([] { sluice::get_logger("runtime").set_level(Level::error); }).join();
  SLUICE_INFO(log, "two");  // filtered
  SLUICE_ERROR(log, "three");
  std::thread([] { sluice::get_logger("runtime").set_level(Level::trace); }).join();
  SLUICE_TRACE(log, "four");
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 3);
  CHECK(records[0].message == "one");
  CHECK(records[1].message == "three");
  CHECK(records[2].message == "four");
}

TEST_CASE("records go to the logger's sinks and its ancestors' unless propagation is off") {
  sluice::testing::CaptureFixture fx;  // on root
  auto mid = std::make_shared<sluice::CaptureSink>();
  sluice::get_logger("prop").add_sink(mid);
  sluice::Logger& leaf = sluice::get_logger("prop.leaf");

  // Routing is resolved on the backend when it processes a record, so each
  // change is preceded by a flush (see docs/design.md, "Routing").
  SLUICE_INFO(leaf, "both");
  sluice::flush();
  sluice::get_logger("prop").set_propagate(false);
  SLUICE_INFO(leaf, "mid only");
  sluice::flush();
  sluice::get_logger("prop").set_propagate(true);
  sluice::get_logger("prop").remove_sink(mid);
  SLUICE_INFO(leaf, "root only");
  sluice::flush();

  const auto mid_lines = mid->records();
  REQUIRE(mid_lines.size() == 2);
  CHECK(mid_lines[0].message == "both");
  CHECK(mid_lines[1].message == "mid only");
  const auto root_lines = fx.capture->records();
  REQUIRE(root_lines.size() == 2);
  CHECK(root_lines[0].message == "both");
  CHECK(root_lines[1].message == "root only");
}

TEST_CASE("a sink's own level filters what it receives") {
  sluice::testing::CaptureFixture fx;
  auto errors = std::make_shared<sluice::CaptureSink>();
  errors->set_level(Level::error);
  sluice::root_logger().add_sink(errors);
  sluice::Logger& log = sluice::get_logger("sinklevel");
  SLUICE_INFO(log, "info");
  SLUICE_ERROR(log, "error");
  SLUICE_CRITICAL(log, "critical");
  sluice::flush();
  REQUIRE(fx.capture->size() == 3);
  const auto records = errors->records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].message == "error");
  CHECK(records[1].message == "critical");
}

TEST_CASE("a sink attached to two loggers of one chain gets each record once") {
  sluice::testing::CaptureFixture fx;
  sluice::get_logger("dup").add_sink(fx.capture);  // also on root
  SLUICE_INFO(sluice::get_logger("dup.x"), "once");
  sluice::flush();
  REQUIRE(fx.capture->size() == 1);
}

TEST_CASE("level names and parsing") {
  CHECK(sluice::level_name(Level::warning) == "WARNING");
  CHECK(sluice::level_name(Level::critical) == "CRITICAL");
  CHECK(sluice::parse_level("warn") == Level::warning);
  CHECK(sluice::parse_level("Error") == Level::error);
  CHECK(sluice::parse_level("TRACE") == Level::trace);
  CHECK_FALSE(sluice::parse_level("loud").has_value());
  CHECK(sluice::parse_level("iNfO") == Level::info);
  CHECK(sluice::parse_level("critical") == Level::critical);
  for (const char* bad : {"", "inf", "infoo", "warn ", "\xc4\xb1nfo"}) {  // the last: dotless i
    INFO(bad);
    CHECK_FALSE(sluice::parse_level(bad).has_value());
  }
}

TEST_CASE("a name with a leading dot has the root as its parent (no logger named empty)") {
  sluice::Logger& dotted = sluice::get_logger(".a");
  CHECK(dotted.name() == ".a");
  CHECK(dotted.parent() == &sluice::root_logger());
  CHECK(sluice::get_logger(".").parent() == &sluice::root_logger());
  CHECK(sluice::get_logger("..b").parent() == &sluice::get_logger("."));
  sluice::root_logger().set_level(Level::error);
  CHECK(dotted.effective_level() == Level::error);
}

TEST_CASE("add_sink of a null sink is an error, not a silent no-op") {
  // A sink factory that returned null left the logger without output and
  // nothing said why.
  sluice::Logger& log = sluice::get_logger("nullsink");
  CHECK_THROWS_WITH(log.add_sink(nullptr), "cannot add a null sink to logger \"nullsink\"");
  CHECK(log.sinks().empty());
}

TEST_CASE("adding a sink a logger already has changes nothing, as Python's addHandler") {
  sluice::Logger& log = sluice::get_logger("twice");
  auto sink = std::make_shared<sluice::CaptureSink>();
  log.add_sink(sink);
  log.add_sink(sink);
  REQUIRE(log.sinks().size() == 1);
  log.remove_sink(sink);
  CHECK(log.sinks().empty());
}

TEST_CASE("a logger made among many takes its parent's level, and follows later changes") {
  // A new logger now copies its parent's effective level instead of
  // recomputing every logger's (which made creating n loggers quadratic:
  // that cost is measured by bench/loggers.cpp, not here).
  sluice::get_logger("many").set_level(Level::warning);
  for (int i = 0; i < 1000; ++i) sluice::get_logger("many." + std::to_string(i));
  CHECK(sluice::get_logger("many.999").effective_level() == Level::warning);
  CHECK(sluice::get_logger("many.1000.x").effective_level() == Level::warning);
  sluice::get_logger("many").set_level(Level::error);
  CHECK(sluice::get_logger("many.999").effective_level() == Level::error);
  CHECK(sluice::get_logger("many.1000.x").effective_level() == Level::error);
  sluice::get_logger("many.1000").set_level(Level::debug);
  CHECK(sluice::get_logger("many.1000.x").effective_level() == Level::debug);
  CHECK(sluice::get_logger("many.1000.y").effective_level() == Level::debug);
}

TEST_CASE("has_sink follows every way a sink joins and leaves loggers") {
  // The backend asks it to know whether a sink whose flush failed is still
  // wanted; it counts holders rather than scan every logger, so each way in
  // and out must keep the count.
  auto& registry = sluice::detail::LoggerRegistry::instance();
  sluice::Logger& a = sluice::get_logger("holders.a");
  sluice::Logger& b = sluice::get_logger("holders.b");
  auto sink = std::make_shared<sluice::CaptureSink>();
  auto other = std::make_shared<sluice::CaptureSink>();
  CHECK_FALSE(registry.has_sink(sink));
  a.add_sink(sink);
  a.add_sink(sink);  // once only: one removal must undo it
  b.add_sink(sink);
  CHECK(registry.has_sink(sink));
  a.remove_sink(sink);
  CHECK(registry.has_sink(sink));  // b still has it
  a.remove_sink(sink);             // a has it no more: changes nothing
  a.remove_sink(other);            // never had it
  CHECK(registry.has_sink(sink));
  CHECK_FALSE(registry.has_sink(other));
  b.remove_sink(sink);
  CHECK_FALSE(registry.has_sink(sink));

  a.add_sink(sink);
  a.add_sink(other);
  a.clear_sinks();
  CHECK_FALSE(registry.has_sink(sink));
  CHECK_FALSE(registry.has_sink(other));

  // set_routing (CaptureLogs) replaces a list: the old sinks leave, the new
  // join, a sink in both stays, and one listed twice counts twice.
  a.add_sink(sink);
  registry.set_routing(a, {other, other}, true);
  CHECK_FALSE(registry.has_sink(sink));
  CHECK(registry.has_sink(other));
  registry.set_routing(a, {sink, other}, true);
  CHECK(registry.has_sink(sink));
  CHECK(registry.has_sink(other));
  a.remove_sink(other);
  CHECK_FALSE(registry.has_sink(other));
  {
    const sluice::CaptureLogs capture("holders.a");
    CHECK_FALSE(registry.has_sink(sink));  // set aside while the capture lives
  }
  CHECK(registry.has_sink(sink));  // and back after
  a.clear_sinks();
  CHECK_FALSE(registry.has_sink(sink));
}
