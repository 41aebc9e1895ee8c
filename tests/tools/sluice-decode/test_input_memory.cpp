// What an input of sluice-decode holds in memory: in proportion to what it
// reads, and nothing once it is read to its end. A rotated set is hundreds
// of small files, all open at once for the merge; a fixed buffer per input
// made the run grow by a megabyte a file. The heap bytes live through
// operator new are counted (malloc_usable_size, which glibc and the
// sanitizers' allocators both give), so the test does not depend on the
// resident size, which sanitizers inflate. A binary of its own, since it
// replaces the global allocation functions.

#include <catch2/catch.hpp>

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "decode_test_support.hpp"
#include "input.hpp"
#include "output.hpp"

namespace {

std::size_t live_bytes = 0;  // single-threaded: the test reads in one thread

void* allocate(std::size_t size, std::size_t alignment) {
  if (size == 0) size = 1;
  void* p = alignment <= alignof(std::max_align_t)
                ? std::malloc(size)
                : std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  if (p == nullptr) throw std::bad_alloc();
  live_bytes += ::malloc_usable_size(p);
  return p;
}

void release(void* p) noexcept {
  if (p == nullptr) return;
  live_bytes -= ::malloc_usable_size(p);
  std::free(p);
}

}  // namespace

void* operator new(std::size_t size) { return allocate(size, alignof(std::max_align_t)); }
void* operator new[](std::size_t size) { return allocate(size, alignof(std::max_align_t)); }
void* operator new(std::size_t size, std::align_val_t alignment) {
  return allocate(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return allocate(size, static_cast<std::size_t>(alignment));
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }

using namespace sluice::testing;
namespace decode = sluice::detail::decode;

namespace {

constexpr std::size_t kInputs = 64;

// A file of a rotated set: a few records, a few hundred bytes.
std::string small_log() {
  LogBuilder log;
  for (int i = 0; i < 5; ++i) log.add<kCrash>(meta_at(kT0 + i), i);
  return log.bytes();
}

}  // namespace

TEST_CASE("an input holds memory in proportion to the file it reads, not a fixed buffer") {
  TempDir dir("sluice-decode-memory");
  const std::string name = dir.file("app.slog");
  const std::string bytes = small_log();
  write_file(name, bytes);
  decode::Diagnostics diagnostics(stderr);
  std::vector<std::unique_ptr<decode::RecordStream>> inputs;
  inputs.reserve(kInputs);

  const std::size_t before = live_bytes;
  for (std::size_t i = 0; i < kInputs; ++i) {
    inputs.push_back(
        std::make_unique<decode::RecordStream>(decode::open_file(name), name, diagnostics));
    REQUIRE(inputs.back()->next() != nullptr);  // the file read: the merge's first step
  }
  const std::size_t per_input = (live_bytes - before) / kInputs;
  INFO("file: " << bytes.size() << " bytes; per input: " << per_input << " bytes");
  // The reader's copy of the file, its definitions and a read buffer of a
  // few pages; 1 MiB each before.
  CHECK(per_input < 32 * 1024);

  for (const auto& input : inputs) {
    while (input->next() != nullptr) {
    }
  }
  const std::size_t ended = (live_bytes - before) / kInputs;
  INFO("per input read to its end: " << ended << " bytes");
  // The RecordStream and its label only: the file, reader and buffer freed.
  CHECK(ended < 512);
}
