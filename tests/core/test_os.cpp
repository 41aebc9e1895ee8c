// The operating-system calls that can be checked from a test: thread names.
// Each case names a thread of its own, so that the test runner's is left
// alone.

#include <catch2/catch.hpp>

#include <string>
#include <thread>

#include "os.hpp"

namespace {

// The OS name a new thread ends up with after set_thread_name(name).
std::string os_name_after(const std::string& name) {
  std::string result;
  std::thread([&] {
    sluice::detail::os::set_thread_name(name);
    result = sluice::detail::os::thread_name();
  }).join();
  return result;
}

}  // namespace

TEST_CASE("os: a thread name is cut to 15 bytes") {
  CHECK(os_name_after("worker") == "worker");
  CHECK(os_name_after("request-worker-12") == "request-worker-");
}

TEST_CASE("os: a thread name is cut at a UTF-8 character's start, not inside it") {
  // 14 ASCII bytes, then a 2-byte character that the 15-byte limit splits:
  // the OS name (which threads made later inherit, and records of threads
  // never named show) must stay valid UTF-8.
  CHECK(os_name_after("abcdefghijklmn\xc3\xa9") == "abcdefghijklmn");
  CHECK(os_name_after("abcdefghijklm\xe2\x82\xac!") == "abcdefghijklm");  // a 3-byte euro sign
  CHECK(os_name_after("abcdefghijkl\xe2\x82\xac") == "abcdefghijkl\xe2\x82\xac");  // fits
}
