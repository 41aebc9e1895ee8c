// The per-thread ring on its own: wrap-around, padding, full ring, oversize.

#include <catch2/catch.hpp>

#include <cstring>
#include <vector>

#include "sluice/detail/thread_queue.hpp"
#include "sluice/runtime.hpp"

using sluice::QueuePolicy;
using sluice::detail::RecordHeader;
using sluice::detail::ThreadQueue;

namespace {

// Writes a record of `size` bytes whose timestamp field carries `tag`.
bool push(ThreadQueue& q, std::size_t size, std::uint64_t tag) {
  std::byte* out = q.prepare_write(size);
  if (out == nullptr) return false;
  const RecordHeader header{static_cast<std::uint32_t>(size), 0, tag, nullptr};
  std::memcpy(out, &header, sizeof header);
  q.commit_write(size);
  return true;
}

std::vector<std::uint64_t> drain(ThreadQueue& q) {
  std::vector<std::uint64_t> tags;
  while (const RecordHeader* h = q.peek()) {
    tags.push_back(h->timestamp);
    q.pop(h->size);
  }
  q.release_consumed();  // as the backend does after each pass
  return tags;
}

}  // namespace

TEST_CASE("records come out in the order they went in, across many wraps") {
  ThreadQueue q(4096, QueuePolicy::drop);
  std::uint64_t next_in = 0, next_out = 0;
  // Sizes that do not divide the capacity force a padded tail on most laps.
  const std::size_t sizes[] = {24, 40, 104, 200, 56};
  for (int round = 0; round < 2000; ++round) {
    for (int i = 0; i < 7; ++i) REQUIRE(push(q, sizes[(round + i) % 5], next_in++));
    for (std::uint64_t tag : drain(q)) REQUIRE(tag == next_out++);
  }
  REQUIRE(next_out == next_in);
  REQUIRE(q.dropped() == 0);
}

TEST_CASE("a full ring drops under the drop policy and counts every drop") {
  ThreadQueue q(4096, QueuePolicy::drop);
  int accepted = 0;
  for (int i = 0; i < 100; ++i) accepted += push(q, 128, static_cast<std::uint64_t>(i)) ? 1 : 0;
  REQUIRE(accepted == 4096 / 128);
  REQUIRE(q.dropped() == static_cast<std::uint64_t>(100 - accepted));
  // Space freed by the consumer is usable again.
  REQUIRE(drain(q).size() == static_cast<std::size_t>(accepted));
  REQUIRE(push(q, 128, 1000));
}

TEST_CASE("a record larger than the ring is dropped, not waited for") {
  ThreadQueue q(4096, QueuePolicy::block);
  REQUIRE_FALSE(push(q, 4096 + 8, 1));
  REQUIRE(q.dropped() == 1);
  REQUIRE(push(q, 4096, 2));
  REQUIRE(drain(q) == std::vector<std::uint64_t>{2});
}

TEST_CASE("a record longer than both the tail and the offset fits once the pad is read") {
  // 24 bytes used, then a 4072-byte tail: a 4080-byte record fits neither
  // before the end nor beside the pad in one lap. Waiting for room for both
  // would wait for ever; the pad is published alone and the record follows
  // once the reader has skipped it.
  ThreadQueue q(4096, QueuePolicy::drop);
  REQUIRE(push(q, 24, 1));
  REQUIRE(drain(q) == std::vector<std::uint64_t>{1});
  REQUIRE_FALSE(push(q, 4080, 2));  // pad published, no room yet: dropped
  REQUIRE(q.dropped() == 1);
  REQUIRE(drain(q).empty());  // skips the pad and frees its room
  REQUIRE(push(q, 4080, 3));
  REQUIRE(drain(q) == std::vector<std::uint64_t>{3});
}

TEST_CASE(
    "under the drop policy a record waiting for the tail's pad is dropped, not lost silently") {
  ThreadQueue q(4096, QueuePolicy::drop);
  REQUIRE(push(q, 4000, 1));
  REQUIRE_FALSE(push(q, 200, 2));  // pad fits (96), record does not (reader at 0)
  REQUIRE(q.dropped() == 1);
  REQUIRE(drain(q) == std::vector<std::uint64_t>{1});
  REQUIRE(push(q, 200, 3));
  REQUIRE(drain(q) == std::vector<std::uint64_t>{3});
}

TEST_CASE("consumed room reaches the producer in batches, and all of it on release") {
  ThreadQueue q(4096, QueuePolicy::drop);
  for (int i = 0; i < 4096 / 64; ++i) REQUIRE(push(q, 64, static_cast<std::uint64_t>(i)));
  REQUIRE_FALSE(push(q, 64, 99));  // full
  const RecordHeader* h = q.peek();
  q.pop(h->size);  // 64 bytes: below the 256-byte batch, not yet handed back
  REQUIRE_FALSE(push(q, 64, 100));
  for (int i = 0; i < 3; ++i) q.pop(q.peek()->size);  // 256 bytes: handed back
  REQUIRE(push(q, 64, 101));
  q.pop(q.peek()->size);
  q.release_consumed();
  REQUIRE(push(q, 64, 102));
  REQUIRE(q.dropped() == 2);
}

TEST_CASE("a padded tail is skipped by the reader") {
  ThreadQueue q(4096, QueuePolicy::drop);
  REQUIRE(push(q, 4000, 1));  // leaves a 96-byte tail
  REQUIRE(drain(q) == std::vector<std::uint64_t>{1});
  REQUIRE(push(q, 128, 2));  // does not fit the tail: padded, starts at 0
  REQUIRE(q.read_position() == 4000);
  REQUIRE(drain(q) == std::vector<std::uint64_t>{2});
  REQUIRE(q.read_position() == 4096 + 128);
}
