// A thread whose queue cannot be allocated loses its records, and says so:
// they are counted and reported with the dropped ones. A binary of its own,
// not run under a sanitizer: it caps the address space (RLIMIT_AS), which
// would also cap the sanitizers' shadow memory and the other cases.

#include <catch2/catch.hpp>
#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include "address_space_cap.hpp"
#include "child_process.hpp"
#include "drop_warning.hpp"
#include "temp_dir.hpp"

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

TEST_CASE("a fork() child whose only record found no queue says at exit that it was not written") {
  sluice::Options options;
  options.queue_capacity = std::size_t{1} << 30;
  sluice::start(options);  // this thread has no queue: its first record in the child makes one
  sluice::testing::TempDir dir("sluice-fork");
  const std::string err = dir.file("stderr");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // No Catch2 here: the child reports by its exit status.
    alarm(30);
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || ::dup2(fd, STDERR_FILENO) < 0) ::_exit(10);
    // 256 MiB more than is mapped now: not enough for a 1 GiB queue.
    rlimit capped{};
    if (::getrlimit(RLIMIT_AS, &capped) != 0) ::_exit(11);
    capped.rlim_cur = sluice::testing::mapped_bytes() + (rlim_t{256} << 20);
    if (::setrlimit(RLIMIT_AS, &capped) != 0) ::_exit(12);
    SLUICE_INFO(sluice::get_logger("starved"), "logged in the child");
    std::exit(0);  // the exit handler reports (or not) what the child logged
  }
  const auto status = sluice::testing::wait_for_child(child, std::chrono::seconds(60));
  REQUIRE(status.has_value());
  REQUIRE(WIFEXITED(*status));
  REQUIRE(WEXITSTATUS(*status) == 0);
  // Before, the record counted for want of a queue was not seen: the child
  // said nothing, as if it had logged nothing.
  std::ifstream in(err);
  std::ostringstream said;
  said << in.rdbuf();
  CHECK(said.str() ==
        "sluice: records logged in this process were not written: it is a fork() child of one "
        "whose backend had started (docs/design.md, \"fork()\")\n");
  sluice::stop();
}
