// A thread whose queue cannot be allocated loses its records, and says so:
// they are counted and reported with the dropped ones. A binary of its own,
// not run under a sanitizer: it caps the address space (RLIMIT_AS), which
// would also cap the sanitizers' shadow memory and the other cases.

#include <catch2/catch.hpp>
#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "address_space_cap.hpp"
#include "drop_warning.hpp"

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
  sluice::testing::AddressSpaceCap cap(rlim_t{256} << 20);
  std::thread([] {
    for (int i = 0; i < 3; ++i) SLUICE_INFO(sluice::get_logger("starved"), "n {}", i);
  }).join();
  cap.lift();

  sluice::flush();
  CHECK(capture->size() == 0);
  CHECK(sluice::stats().records_dropped == 3);
  // One WARNING per backend pass that saw new drops: their counts add up.
  std::uint64_t reported = 0;
  for (const auto& warning : warnings->records()) {
    const std::size_t digits = warning.message.find(' ');
    REQUIRE(std::string_view(warning.message).substr(digits) ==
            sluice::testing::kDropWarningReason);
    reported += std::stoull(warning.message.substr(0, digits));
  }
  CHECK(reported == 3);
  sluice::stop();
}
