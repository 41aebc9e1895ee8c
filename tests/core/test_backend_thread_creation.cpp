// A backend thread that cannot be created (a pids limit, no room for its
// stack): start() says so and changes nothing. A binary of its own, not run
// under a sanitizer: it caps the address space (RLIMIT_AS), which would also
// cap the sanitizers' shadow memory and the other cases.
//
// Each case needs a process of its own, as ctest gives it; the binary run
// whole fails whichever case runs second. "a lazy start ... says so once"
// needs a process whose backend never started: only a process's first log
// calls start it lazily. "a backend thread that cannot be created ..." needs
// one in which no backend thread ended yet: glibc keeps an ended thread's
// stack for the next thread, which then needs no new mapping and is made
// under the cap (with GLIBC_TUNABLES=glibc.pthread.stack_cache_size=0 it
// passes after the other case).

#include <catch2/catch.hpp>
#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "address_space_cap.hpp"

namespace {

// What start() threw, or "" if it did not.
std::string start_error() {
  try {
    sluice::start();
  } catch (const sluice::Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    return std::string("not a sluice::Error: ") + e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("a backend thread that cannot be created leaves the backend stopped and loses nothing") {
  auto capture = std::make_shared<sluice::CaptureSink>();
  sluice::Logger& log = sluice::get_logger("no.thread");
  log.set_propagate(false);
  log.add_sink(capture);

  // 1.5 MiB more than is mapped now: room for a 1 MiB queue, not for a
  // thread's stack (8 MiB here; 2 MiB where the stack is unlimited).
  sluice::testing::AddressSpaceCap cap(rlim_t{3} << 19);
  SLUICE_INFO(log, "logged before any backend thread could be made");  // tries a lazy start
  const bool running_after_lazy_start = sluice::running();
  const std::string error = start_error();
  const bool running_after_start = sluice::running();
  cap.lift();

  // Before, running() said true with no thread to drain: a flush() never
  // returned, a block-policy producer whose queue filled waited for ever
  // and start() threw "already running".
  REQUIRE_FALSE(running_after_lazy_start);
  REQUIRE_FALSE(running_after_start);
  CHECK(error ==
        "sluice::start: could not start the backend thread: Resource temporarily unavailable");

  // The record waited in its queue for a start() that could make the thread.
  REQUIRE(start_error().empty());
  sluice::flush();
  const auto records = capture->records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].message == "logged before any backend thread could be made");
  CHECK(sluice::stats().records_dropped == 0);
  sluice::stop();
}

TEST_CASE("a lazy start that cannot create the backend thread says so once") {
  auto capture = std::make_shared<sluice::CaptureSink>();
  sluice::Logger& log = sluice::get_logger("no.thread.lazy");
  log.set_propagate(false);
  log.add_sink(capture);
  auto reports = std::make_shared<std::vector<std::string>>();
  auto reports_mutex = std::make_shared<std::mutex>();
  sluice::set_error_handler([reports, reports_mutex](std::string_view message) {
    std::lock_guard lock(*reports_mutex);
    reports->emplace_back(message);
  });

  // A second thread made before the cap (none can be made under it), whose
  // first log call comes under it: a second lazy start, in the same episode.
  std::atomic<bool> go{false};
  std::thread second([&] {
    while (!go.load()) std::this_thread::yield();
    SLUICE_INFO(log, "first record of the second thread");
  });
  // 2.5 MiB: room for both threads' 1 MiB queues, not for a thread's stack.
  sluice::testing::AddressSpaceCap cap(rlim_t{5} << 19);
  SLUICE_INFO(log, "first record of the first thread");  // tries a lazy start
  SLUICE_INFO(log, "second record of the first thread");
  go.store(true);
  second.join();
  const bool running_under_cap = sluice::running();
  cap.lift();

  REQUIRE_FALSE(running_under_cap);
  // Before, nothing said that the backend was not running: the records sat
  // in their queues with no word to the user.
  {
    std::lock_guard lock(*reports_mutex);
    REQUIRE(reports->size() == 1);
    CHECK((*reports)[0] ==
          "backend: a log call could not start the backend (sluice::start: could not start the "
          "backend thread: Resource temporarily unavailable); records wait in their thread "
          "queues (a full queue drops them) until sluice::start() or another thread's first "
          "log call starts it");
  }

  REQUIRE(start_error().empty());
  sluice::flush();
  CHECK(capture->size() == 3);
  CHECK(sluice::stats().records_dropped == 0);
  sluice::stop();
  sluice::set_error_handler(nullptr);
  std::lock_guard lock(*reports_mutex);
  CHECK(reports->size() == 1);
}
