// The SLUICE_* macros (and the opt-in LOG_* ones) must expand to fully
// qualified names only: here they are used in a namespace that declares its
// own `string`, `vector`, `Level`, `detail`, `fmt`, `std`, `sluice`, `INFO`...
// and in a function whose locals have those names. An unqualified name in a
// macro would find one of these and fail to compile. (abseil's log library
// has the same kind of test.)

#include <catch2/catch.hpp>
#include <sluice/short_macros.hpp>

#include "capture_fixture.hpp"

namespace user {

struct string {};
struct vector {};
struct Level {};
struct Logger {};
struct Field {};
struct CallSite {};
struct SourceLocation {};
struct fmt {};
struct std {};
namespace detail {
inline void log_record() {}
inline void thread_queue() {}
}  // namespace detail
enum Severity { TRACE, DEBUG, INFO, WARNING, ERROR, CRITICAL };
inline int sluice = 0;  // hides the namespace from unqualified lookup
inline void kv() {}
inline void log_record() {}
inline void now_ticks() {}
inline void enabled_at_compile_time() {}

// Every macro, with user names in scope at namespace level.
void log_with_user_names_in_namespace(const ::sluice::Logger& log) {
  SLUICE_TRACE(log, "trace {}", static_cast<int>(TRACE));
  SLUICE_DEBUG(log, "debug {}", static_cast<int>(DEBUG));
  SLUICE_INFO(log, "info {}", static_cast<int>(INFO), ::sluice::kv<"user_id">(42));
  SLUICE_WARNING(log, "warning {}", static_cast<int>(WARNING));
  SLUICE_ERROR(log, "error {}", static_cast<int>(ERROR));
  SLUICE_CRITICAL(log, "critical {}", static_cast<int>(CRITICAL));
  // A macro is one statement: safe in an unbraced if/else.
  if (sluice == 0)
    SLUICE_INFO(log, "no args");
  else
    SLUICE_ERROR(log, "never");
  LOG_TRACE(log, "LOG_TRACE");
  LOG_DEBUG(log, "LOG_DEBUG");
  LOG_INFO(log, "LOG_INFO {}", 1);
  LOG_WARNING(log, "LOG_WARNING");
  LOG_ERROR(log, "LOG_ERROR");
  LOG_CRITICAL(log, "LOG_CRITICAL");
}

// The same names as local variables.
void log_with_user_names_as_locals(const ::sluice::Logger& log) {
  const int string = 1, vector = 2, Level = 3, detail = 4, fmt = 5, std = 6, INFO = 7;
  const int sluice = 8, kv = 9, Logger = 10;
  SLUICE_INFO(log, "{} {} {} {} {} {} {} {} {} {}", string, vector, Level, detail, fmt, std, INFO,
              sluice, kv, Logger);
}

}  // namespace user

TEST_CASE("the log macros compile and work next to user names") {
  ::sluice::testing::CaptureFixture fx;
  ::sluice::Logger& log = ::sluice::get_logger("hygiene");
  log.set_level(::sluice::Level::trace);
  user::log_with_user_names_in_namespace(log);
  user::log_with_user_names_as_locals(log);
  ::sluice::flush();

  const auto records = fx.capture->records();
  REQUIRE(records.size() == 14);
  CHECK(records[0].message == "trace 0");
  CHECK(records[2].message == "info 2");
  REQUIRE(records[2].fields.size() == 1);
  CHECK(records[2].fields[0].first == "user_id");
  CHECK(records[2].fields[0].second == "42");
  CHECK(records[5].message == "critical 5");
  CHECK(records[6].message == "no args");
  CHECK(records[9].message == "LOG_INFO 1");
  CHECK(records[13].message == "1 2 3 4 5 6 7 8 9 10");
}
