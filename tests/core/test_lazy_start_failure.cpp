// A lazy start (a thread's first log call) that fails with something other
// than the thread's creation: an allocation (std::bad_alloc), the start's or
// the backend's own. A binary of its own: it replaces the global operator
// new, to fail one allocation of the calling thread on demand.

#include <catch2/catch.hpp>
#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "drop_warning.hpp"
#include "error_reports.hpp"

namespace {
// How many of this thread's next allocations throw std::bad_alloc.
thread_local int t_allocations_to_fail = 0;
}  // namespace

// Not inlined: GCC took free() in an inlined operator delete for a mismatch
// with the operator new it saw inlined (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t size) {
  if (t_allocations_to_fail > 0) {
    --t_allocations_to_fail;
    throw std::bad_alloc();
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }

TEST_CASE("a lazy start that fails to allocate says so once, and its record waits for a start") {
  auto capture = std::make_shared<sluice::CaptureSink>();
  sluice::Logger& log = sluice::get_logger("lazy.alloc");
  log.set_propagate(false);
  log.add_sink(capture);
  sluice::testing::ErrorReports reports;
  REQUIRE_FALSE(sluice::running());
  REQUIRE(sluice::stats().records_dropped == 0);  // the backend exists; only its start will fail

  // The first allocation of the call is the lazy start's (its thread's
  // hand-over state): the queue, allocated after it, is made.
  t_allocations_to_fail = 1;
  SLUICE_INFO(log, "first record, its lazy start failed");
  const int unspent = t_allocations_to_fail;
  t_allocations_to_fail = 0;
  REQUIRE(unspent == 0);
  const bool running_after_failure = sluice::running();
  // Another thread's first call starts it (a new lazy start); the first
  // thread's record waited in its queue for it.
  std::thread([&] { SLUICE_INFO(log, "first record of a second thread"); }).join();
  const bool running_after_second = sluice::running();
  sluice::flush();

  CHECK_FALSE(running_after_failure);
  CHECK(running_after_second);
  // Before, the failure was swallowed: no report, and the record, which
  // found no queue, was counted as dropped with no reason given.
  CHECK(reports.messages() ==
        std::vector<std::string>{
            "backend: a log call could not start the backend (std::bad_alloc); records wait in "
            "their thread queues (a full queue drops them) until sluice::start() or another "
            "thread's first log call starts it"});
  std::vector<std::string> written;
  for (const auto& record : capture->records()) written.push_back(record.message);
  CHECK(written == std::vector<std::string>{"first record, its lazy start failed",
                                            "first record of a second thread"});
  CHECK(sluice::stats().records_dropped == 0);
  sluice::stop();
}

// The next two cases need a process in which no sluice call has been made
// yet (ctest runs each case in a process of its own): the allocation that
// fails is the backend's own.
TEST_CASE("a log call that cannot allocate the backend drops its record, counted, and says why") {
  auto capture = std::make_shared<sluice::CaptureSink>();
  sluice::Logger& log = sluice::get_logger("backend.alloc");
  log.set_propagate(false);
  log.add_sink(capture);
  auto warnings = std::make_shared<sluice::CaptureSink>();
  sluice::get_logger("sluice").add_sink(warnings);
  // Allocates no backend either: the handler is the reporter's.
  sluice::testing::ErrorReports reports;

  // The call's first allocation is the backend's.
  t_allocations_to_fail = 1;
  SLUICE_INFO(log, "lost: no backend");
  const int unspent = t_allocations_to_fail;
  t_allocations_to_fail = 0;
  REQUIRE(unspent == 0);
  // Said at once, not only once a backend exists: there may never be one.
  const std::vector<std::string> said = reports.messages();
  // A second failure is not said again.
  t_allocations_to_fail = 1;
  SLUICE_INFO(log, "lost too: no backend");
  t_allocations_to_fail = 0;
  const std::size_t said_after_second = reports.messages().size();

  SLUICE_INFO(log, "written: the backend exists now");
  sluice::flush();
  CHECK(said == std::vector<std::string>{
                    "backend: a log call could not allocate the backend (std::bad_alloc): its "
                    "record was dropped (counted in stats().records_dropped); the next log call "
                    "tries again"});
  CHECK(said_after_second == 1);
  std::vector<std::string> written;
  for (const auto& record : capture->records()) written.push_back(record.message);
  CHECK(written == std::vector<std::string>{"written: the backend exists now"});
  CHECK(sluice::stats().records_dropped == 2);
  std::vector<std::string> warned;
  for (const auto& record : warnings->records()) warned.push_back(record.message);
  CHECK(warned == std::vector<std::string>{sluice::testing::drop_warning(2)});
  sluice::stop();
}

TEST_CASE("running(), flush() and stop() need no backend, and start() throws std::bad_alloc") {
  // running() is noexcept: the backend's std::bad_alloc in it called
  // std::terminate. flush() and stop() have nothing to do with no backend,
  // and threw.
  t_allocations_to_fail = 1;
  const bool running = sluice::running();
  CHECK_NOTHROW(sluice::flush());
  CHECK_NOTHROW(sluice::stop());
  const int unspent = t_allocations_to_fail;
  CHECK_FALSE(running);
  CHECK(unspent == 1);  // none of them allocated
  CHECK_THROWS_AS(sluice::start(), std::bad_alloc);
  t_allocations_to_fail = 0;
  sluice::start();  // tries again
  CHECK(sluice::running());
  sluice::stop();
}
