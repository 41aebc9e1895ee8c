// Built with -DSLUICE_COMPILE_LEVEL=3 (WARNING): TRACE, DEBUG and INFO
// statements compile to nothing, so their arguments are never evaluated, even
// when the logger's run-time level would let them through.

#include <catch2/catch.hpp>

#include "capture_fixture.hpp"

static_assert(SLUICE_COMPILE_LEVEL == 3, "this test must be built with -DSLUICE_COMPILE_LEVEL=3");

namespace {

int removed_evaluations = 0;
int kept_evaluations = 0;

int removed_arg() { return ++removed_evaluations; }
int kept_arg() { return ++kept_evaluations; }

}  // namespace

TEST_CASE("statements below SLUICE_COMPILE_LEVEL do not evaluate their arguments") {
  sluice::testing::CaptureFixture fx;
  sluice::Logger& log = sluice::get_logger("compile_level");
  log.set_level(sluice::Level::trace);  // at run time everything would pass

  SLUICE_TRACE(log, "trace {}", removed_arg());
  SLUICE_DEBUG(log, "debug {}", removed_arg());
  SLUICE_INFO(log, "info {}", removed_arg(), sluice::kv<"n">(removed_arg()));
  SLUICE_WARNING(log, "warning {}", kept_arg());
  SLUICE_ERROR(log, "error {}", kept_arg());
  SLUICE_CRITICAL(log, "critical {}", kept_arg());
  sluice::flush();

  CHECK(removed_evaluations == 0);
  CHECK(kept_evaluations == 3);
  const auto records = fx.capture->records();
  REQUIRE(records.size() == 3);
  CHECK(records[0].message == "warning 1");
  CHECK(records[1].message == "error 2");
  CHECK(records[2].message == "critical 3");
}
