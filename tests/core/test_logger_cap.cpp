// The most loggers a process can have (a record names its logger in 19
// bits). Each case fills the process's logger table, which nothing empties:
// ctest runs each case in a process of its own (catch_discover_tests), and
// so must anyone who runs this binary by hand (`./test_logger_cap "<case>"`).
// Apart from test_logger so that that one can still be run whole.

#include <catch2/catch.hpp>

#include <string>

#include "capture_fixture.hpp"
#include "drop_warning.hpp"
#include "sluice/detail/call_site.hpp"

using sluice::Level;

TEST_CASE("loggers up to the most a record can name are made, and the next one is a clear error") {
  // A record's header names its logger in 19 bits: ids 0 to 524,287. The
  // root, "sluice", "cap" and any logger an earlier case made take some.
  sluice::Logger& parent = sluice::get_logger("cap");
  constexpr std::uint32_t kLoggers = sluice::detail::RecordHeader::kMaxLoggerId + 1;
  for (std::uint32_t i = parent.id() + 1; i < kLoggers; ++i) {
    sluice::get_logger("cap." + std::to_string(i));
  }
  CHECK(sluice::get_logger("cap." + std::to_string(kLoggers - 1)).id() == kLoggers - 1);
  CHECK_THROWS_WITH(sluice::get_logger("cap.more"),
                    "cannot create logger \"cap.more\": 524288 loggers exist, the most sluice "
                    "supports");
  // The ones made are all there, and so is their parent's level.
  parent.set_level(Level::error);
  CHECK(sluice::get_logger("cap." + std::to_string(kLoggers - 1)).effective_level() ==
        Level::error);
}

TEST_CASE("a program that made the most loggers still hears of its dropped records") {
  // The backend reports drops as a record of the "sluice" logger. Made on
  // first use, that logger could not be made once the program had made the
  // most loggers: get_logger threw on the backend thread, and the process
  // ended in std::terminate.
  sluice::Options options;
  options.queue_capacity = 4096;
  options.queue_policy = sluice::QueuePolicy::drop;
  sluice::testing::CaptureFixture fx(options);
  sluice::get_logger("full");
  for (std::uint32_t i = 0;; ++i) {
    try {
      sluice::get_logger("full." + std::to_string(i));
    } catch (const sluice::Error&) {
      break;
    }
  }
  SLUICE_INFO(sluice::root_logger(), "{}", std::string(5000, 'x'));  // larger than the queue
  sluice::flush();
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].logger == "sluice");
  CHECK(records[0].message == sluice::testing::drop_warning(1));
}
