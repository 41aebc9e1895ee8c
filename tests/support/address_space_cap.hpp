#pragma once
// An address space that runs out in the middle of a test: AddressSpaceCap
// limits this process (RLIMIT_AS) to what it has mapped now plus some bytes,
// until lift() gives the old limit back. Not for the sanitizer builds: their
// shadow memory needs far more address space than the process maps.

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>

namespace sluice::testing {

/// Bytes of address space mapped by this process now.
inline rlim_t mapped_bytes() {
  unsigned long pages = 0;
  std::FILE* statm = std::fopen("/proc/self/statm", "r");
  REQUIRE(statm != nullptr);
  REQUIRE(std::fscanf(statm, "%lu", &pages) == 1);
  std::fclose(statm);
  return static_cast<rlim_t>(pages) * static_cast<rlim_t>(::sysconf(_SC_PAGESIZE));
}

class AddressSpaceCap {
 public:
  explicit AddressSpaceCap(rlim_t room) {
    REQUIRE(::getrlimit(RLIMIT_AS, &old_) == 0);
    const rlimit capped{mapped_bytes() + room, old_.rlim_max};
    REQUIRE(::setrlimit(RLIMIT_AS, &capped) == 0);
  }
  ~AddressSpaceCap() {
    if (!lifted_) ::setrlimit(RLIMIT_AS, &old_);
  }
  AddressSpaceCap(const AddressSpaceCap&) = delete;
  AddressSpaceCap& operator=(const AddressSpaceCap&) = delete;

  void lift() {
    REQUIRE(::setrlimit(RLIMIT_AS, &old_) == 0);
    lifted_ = true;
  }

 private:
  rlimit old_{};
  bool lifted_ = false;
};

}  // namespace sluice::testing
