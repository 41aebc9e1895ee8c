// A thread whose queue cannot be allocated loses its records, and says so:
// they are counted and reported with the dropped ones. A binary of its own,
// not run under a sanitizer: it caps the address space (RLIMIT_AS), which
// would also cap the sanitizers' shadow memory and the other cases.

#include <catch2/catch.hpp>
#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

namespace {

// Bytes of address space mapped by this process now.
rlim_t mapped_bytes() {
  unsigned long pages = 0;
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  REQUIRE(statm != nullptr);
  REQUIRE(std::fscanf(statm, "%lu", &pages) == 1);
  std::fclose(statm);
  return static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

TEST_CASE("records of a thread whose queue cannot be allocated are counted as dropped") {
  auto capture = std::make_shared<sluice::CaptureSink>();
  sluice::get_logger("starved").add_sink(capture);
  sluice::get_logger("starved").set_propagate(false);
  auto warnings = std::make_shared<sluice::CaptureSink>();
  sluice::get_logger("sluice").add_sink(warnings);
  sluice::Options options;
  options.queue_capacity = std::size_t{1} << 30;
  sluice::start(options);

  // 256 MiB more than is mapped now: room for a thread, not for a 1 GiB queue.
  rlimit old{};
  REQUIRE(::getrlimit(RLIMIT_AS, &old) == 0);
  const rlimit capped{mapped_bytes() + (rlim_t{256} << 20), old.rlim_max};
  REQUIRE(::setrlimit(RLIMIT_AS, &capped) == 0);
  std::thread([] {
    for (int i = 0; i < 3; ++i) SLUICE_INFO(sluice::get_logger("starved"), "n {}", i);
  }).join();
  REQUIRE(::setrlimit(RLIMIT_AS, &old) == 0);

  sluice::flush();
  CHECK(capture->size() == 0);
  CHECK(sluice::stats().records_dropped == 3);
  // One WARNING per backend pass that saw new drops: their counts add up.
  const std::string_view reason =
      " log records were dropped: a thread queue was full (drop policy, or block where waiting "
      "could not end: backend stopped, on the backend thread or in an error handler), a record "
      "was larger than a queue, or a thread's queue could not be allocated";
  std::uint64_t reported = 0;
  for (const auto& warning : warnings->records()) {
    const std::size_t digits = warning.message.find(' ');
    REQUIRE(std::string_view(warning.message).substr(digits) == reason);
    reported += std::stoull(warning.message.substr(0, digits));
  }
  CHECK(reported == 3);
  sluice::stop();
}
