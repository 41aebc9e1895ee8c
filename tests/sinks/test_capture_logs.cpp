// CaptureLogs, Python's assertLogs: what it captures while it lives (the
// logger's tree at its level and above, nothing else), the lines output()
// gives, and that the logger's sinks, level and propagation are back as they
// were once it is gone. Through the real backend; ctest runs each case in a
// process of its own. Run whole (in one process), every case passes but
// "a capture made before the backend ever ran ...", which needs a process
// whose backend never started (only a process's first log calls start it):
// declared first, it passes in declared order, not after another case. The
// other cases start the backend they use and leave the loggers' levels as
// they found them.

#include <catch2/catch.hpp>
#include <sluice/error.hpp>
#include <sluice/log.hpp>
#include <sluice/runtime.hpp>
#include <sluice/sinks/capture_logs.hpp>
#include <sluice/sinks/capture_sink.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "capture_fixture.hpp"

namespace {

using Lines = std::vector<std::string>;

// The backend running for one case, whatever ran before it in the process.
class RunningBackend {
 public:
  RunningBackend() { sluice::start(); }
  ~RunningBackend() { sluice::stop(); }
  RunningBackend(const RunningBackend&) = delete;
  RunningBackend& operator=(const RunningBackend&) = delete;
};

// Root-logger records as "LEVEL logger: message", for CaptureFixture.
std::shared_ptr<const sluice::Formatter> level_logger_message() {
  return std::make_shared<sluice::PatternFormatter>("{level} {logger}: {message}");
}

}  // namespace

TEST_CASE("a capture made before the backend ever ran captures once logging starts it") {
  sluice::Logger& app = sluice::get_logger("app");
  const sluice::CaptureLogs logs("app");
  CHECK(logs.output().empty());  // nothing logged yet: nothing to capture
  SLUICE_INFO(app, "first record {}", 1);
  CHECK(logs.output() == Lines{"INFO:app:first record 1"});
  // Where the backend ran before (the binary run whole), the check above
  // fails and the record waits for a start: this one gives it to the
  // capture, so that it does not reach a later case's sinks.
  if (!sluice::running()) sluice::start();
  sluice::stop();  // as every other case leaves it
}

TEST_CASE("CaptureLogs takes the logger's records while it lives, and only then") {
  const sluice::testing::CaptureFixture fx({}, level_logger_message());
  sluice::Logger& auth = sluice::get_logger("app.auth");
  SLUICE_INFO(auth, "before {}", 1);
  {
    const sluice::CaptureLogs logs("app.auth");
    SLUICE_INFO(auth, "login ok for {}", "alice");
    SLUICE_WARNING(sluice::get_logger("app.auth.oauth"), "token for {} expired", "bob");
    SLUICE_DEBUG(auth, "below the level {}", 2);
    SLUICE_INFO(sluice::get_logger("app.db"), "not in the tree {}", 3);
    CHECK(logs.output() == Lines{"INFO:app.auth:login ok for alice",
                                 "WARNING:app.auth.oauth:token for bob expired"});
    const std::vector<sluice::CapturedRecord> records = logs.records();
    REQUIRE(records.size() == 2);
    CHECK(records[1].logger == "app.auth.oauth");
    CHECK(records[1].level == sluice::Level::warning);
  }
  SLUICE_INFO(auth, "after {}", 4);
  sluice::flush();
  CHECK(fx.capture->lines() == Lines{"INFO app.auth: before 1", "INFO app.db: not in the tree 3",
                                     "INFO app.auth: after 4"});
}

TEST_CASE("CaptureLogs sets the logger's level while it lives and puts back what was there") {
  sluice::Logger& db = sluice::get_logger("app.db");
  sluice::Logger& cache = sluice::get_logger("app.cache");
  db.set_level(sluice::Level::error);
  sluice::start();
  {
    const sluice::CaptureLogs logs("app.db", sluice::Level::debug);
    CHECK(db.level() == sluice::Level::debug);
    SLUICE_DEBUG(db, "query {}", 1);
    CHECK(logs.output() == Lines{"DEBUG:app.db:query 1"});
  }
  CHECK(db.level() == sluice::Level::error);
  CHECK(db.effective_level() == sluice::Level::error);
  {
    // A descendant with a lower level of its own is captured from the
    // capture's level only, as the level of Python's handler does.
    sluice::Logger& query = sluice::get_logger("app.db.query");
    query.set_level(sluice::Level::debug);
    const sluice::CaptureLogs logs("app.db", sluice::Level::warning);
    SLUICE_DEBUG(query, "plan {}", 1);
    SLUICE_WARNING(query, "slow {}", 2);
    CHECK(logs.output() == Lines{"WARNING:app.db.query:slow 2"});
  }
  {
    // A logger that inherited its level inherits again afterwards.
    const sluice::CaptureLogs logs("app.cache", sluice::Level::warning);
    SLUICE_INFO(cache, "hit {}", 1);
    SLUICE_ERROR(cache, "evicted {}", 2);
    CHECK(logs.output() == Lines{"ERROR:app.cache:evicted 2"});
  }
  CHECK(cache.level() == std::nullopt);
  CHECK(cache.effective_level() == sluice::Level::info);
  sluice::stop();
  // As a new process has them: another case logs INFO to "app.db".
  db.clear_level();
  sluice::get_logger("app.db.query").clear_level();
}

TEST_CASE("CaptureLogs puts back the logger's own sinks and its propagation") {
  const sluice::testing::CaptureFixture fx({}, level_logger_message());
  sluice::Logger& http = sluice::get_logger("http");
  const auto requests = std::make_shared<sluice::CaptureSink>(
      std::make_shared<sluice::PatternFormatter>("{logger}: {message}"));
  http.add_sink(requests);
  {
    const sluice::CaptureLogs logs("http");
    CHECK(http.sinks().size() == 1);
    CHECK(!http.propagate());
    SLUICE_INFO(http, "GET /health {}", 200);
    CHECK(logs.output() == Lines{"INFO:http:GET /health 200"});
  }
  CHECK(http.sinks() == std::vector<std::shared_ptr<sluice::Sink>>{requests});
  CHECK(http.propagate());
  SLUICE_INFO(http, "GET /ready {}", 200);
  sluice::flush();
  CHECK(requests->lines() == Lines{"http: GET /ready 200"});
  CHECK(fx.capture->lines() == Lines{"INFO http: GET /ready 200"});
}

TEST_CASE("nested captures of one logger: the inner one takes the records while it lives") {
  sluice::Logger& app = sluice::get_logger("app");
  sluice::start();
  const sluice::CaptureLogs outer("app");
  SLUICE_INFO(app, "one {}", 1);
  {
    const sluice::CaptureLogs inner("app", sluice::Level::warning);
    SLUICE_INFO(app, "two {}", 2);
    SLUICE_WARNING(app, "three {}", 3);
    CHECK(inner.output() == Lines{"WARNING:app:three 3"});
  }
  SLUICE_INFO(app, "four {}", 4);
  CHECK(outer.output() == Lines{"INFO:app:one 1", "INFO:app:four 4"});
  sluice::stop();
}

TEST_CASE("captures begun and ended while another thread logs: each record once on one side",
          "[stress]") {
  // Records are routed when the backend takes them, so a record another
  // thread logs while a capture is set up or taken down may go to either
  // side, but to one: not to both, and not to neither.
  const sluice::testing::CaptureFixture fx({},
                                           std::make_shared<sluice::PatternFormatter>("{message}"));
  sluice::Logger& worker = sluice::get_logger("app.worker");
  // Many loggers make a level change (which recomputes every logger's
  // level) take a while, as in a large program: the capture's set-up and
  // teardown take longer, and more records meet them.
  for (int i = 0; i < 20'000; ++i) sluice::get_logger("lib.module" + std::to_string(i));
  constexpr std::size_t kRecords = 200'000;
  std::atomic<bool> done{false};
  std::thread producer([&] {
    // Spread over the rounds below, so that many records meet a capture's
    // set-up or teardown.
    for (std::size_t seq = 0; seq < kRecords; ++seq) {
      SLUICE_INFO(worker, "{}", seq);
      if (seq % 16 == 15) std::this_thread::sleep_for(std::chrono::microseconds(20));
    }
    done = true;
  });
  std::vector<std::string> captured;
  sluice::Logger& app = sluice::get_logger("app");
  const auto formatter = std::make_shared<sluice::PatternFormatter>("{message}");
  int rounds = 0;
  for (; !done || rounds < 100; ++rounds) {
    // A sink added during the capture gets what the capture's sink gets
    // from then on, and outlives the capture (which drops it at its end):
    // with the capture's records read once it is there, it gives all of them.
    auto mirror = std::make_shared<sluice::CaptureSink>(formatter);
    std::set<std::string> round;
    {
      const sluice::CaptureLogs logs("app");
      app.add_sink(mirror);
      for (const sluice::CapturedRecord& record : logs.records()) round.insert(record.message);
    }
    // The backend checks a record's route before it writes it: one taken
    // just before the capture ended may reach the mirror just after. The
    // flush waits for it (one lost record in 200,000 under TSan without).
    sluice::flush();
    for (const std::string& line : mirror->lines()) round.insert(line);
    captured.insert(captured.end(), round.begin(), round.end());
  }
  producer.join();
  sluice::flush();
  std::vector<int> seen(kRecords, 0);
  for (const std::string& message : captured) ++seen.at(std::stoul(message));
  for (const std::string& line : fx.capture->lines()) ++seen.at(std::stoul(line));
  std::size_t lost = 0, doubled = 0;
  for (const int count : seen) {
    lost += count == 0;
    doubled += count > 1;
  }
  INFO(rounds << " captures; " << captured.size() << " records captured, " << fx.capture->size()
              << " to the root's sink");
  CHECK(lost == 0);
  CHECK(doubled == 0);
  WARN(rounds << " captures; " << captured.size() << " records captured, " << fx.capture->size()
              << " to the root's sink");
}

TEST_CASE("a capture after stop() says why it cannot capture instead of staying empty") {
  // Logging starts the backend only the first time: after stop(), records
  // wait in their queues for the next start(), and output() would be empty
  // although the code under test logged.
  sluice::Logger& app = sluice::get_logger("app");
  sluice::start();
  sluice::stop();
  {
    const sluice::CaptureLogs logs("app");
    SLUICE_INFO(app, "while stopped {}", 1);
    const std::string why =
        "CaptureLogs(\"app\"): the backend is stopped (sluice::stop()): records logged since "
        "wait in their queues for sluice::start() and cannot be captured";
    CHECK_THROWS_WITH(logs.output(), why);
    CHECK_THROWS_WITH(logs.records(), why);
    CHECK(logs.sink().size() == 0);
  }
  // Nothing was lost: the record goes where it was sent once the backend
  // runs again, the capture being over.
  const auto after = std::make_shared<sluice::CaptureSink>(level_logger_message());
  sluice::root_logger().add_sink(after);
  sluice::start();
  sluice::flush();
  CHECK(after->lines() == Lines{"INFO app: while stopped 1"});
  sluice::stop();
}

TEST_CASE("a capture that stop() drained is read after it") {
  // stop() writes everything logged before it: nothing waits, and the
  // capture is complete.
  sluice::Logger& app = sluice::get_logger("app");
  sluice::start();
  const sluice::CaptureLogs logs("app");
  SLUICE_INFO(app, "before stop {}", 1);
  sluice::stop();
  CHECK(logs.output() == Lines{"INFO:app:before stop 1"});
  CHECK(logs.records().size() == 1);
}

TEST_CASE("a secret logged during a capture is captured redacted") {
  sluice::Logger& auth = sluice::get_logger("app.auth");
  const RunningBackend backend;
  const sluice::CaptureLogs logs("app.auth");
  SLUICE_INFO(auth, "login user={} password={}", "alice", "hunter2",
              sluice::kv<"api_key">("sk_live_0123456789abcdef"));
  CHECK(logs.output() == Lines{"INFO:app.auth:login user=alice password=[REDACTED]"});
  const std::vector<sluice::CapturedRecord> records = logs.records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].message == "login user=alice password=[REDACTED]");
  CHECK(records[0].fields ==
        std::vector<std::pair<std::string, std::string>>{{"api_key", "[REDACTED]"}});
}

TEST_CASE("a test that throws inside a capture gets the logger back as it was") {
  const sluice::testing::CaptureFixture fx({}, level_logger_message());
  sluice::Logger& app = sluice::get_logger("app");
  try {
    const sluice::CaptureLogs logs("app", sluice::Level::debug);
    SLUICE_DEBUG(app, "step {}", 1);
    throw std::runtime_error("test failed");
  } catch (const std::runtime_error&) {
  }
  CHECK(app.level() == std::nullopt);
  CHECK(app.propagate());
  CHECK(app.sinks().empty());
  SLUICE_INFO(app, "after {}", 2);
  sluice::flush();
  CHECK(fx.capture->lines() == Lines{"INFO app: after 2"});
}

TEST_CASE("records another thread logged during a capture are captured with its thread name") {
  sluice::Logger& app = sluice::get_logger("app");
  const RunningBackend backend;
  const sluice::CaptureLogs logs("app");
  std::thread([&] {
    sluice::set_thread_name("helper");
    SLUICE_INFO(app, "from {}", "helper");
  }).join();
  const std::vector<sluice::CapturedRecord> records = logs.records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].formatted == "INFO:app:from helper");
  CHECK(records[0].thread_name == "helper");
}

TEST_CASE("a capture keeps the exact bytes logged, and its lines show them as a log file does") {
  // CapturedRecord's message, logger, thread name and field values are what
  // the program logged, byte for byte, for a test to compare; the formatted
  // lines (output(), lines()) are text output and escape terminal controls.
  const RunningBackend backend;
  sluice::CaptureLogs logs("app.input");
  sluice::Logger& log = sluice::get_logger("app.input");
  SLUICE_WARNING(log, "name {}", "\x1b[2J\x9b\xc2\x9b", sluice::kv<"raw">("\x07\r"));
  const std::vector<sluice::CapturedRecord> records = logs.records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].message == "name \x1b[2J\x9b\xc2\x9b");
  CHECK(records[0].fields == std::vector<std::pair<std::string, std::string>>{{"raw", "\x07\r"}});
  CHECK(logs.output() == Lines{"WARNING:app.input:name \\x1b[2J\\x9b\\xc2\\x9b"});
}
