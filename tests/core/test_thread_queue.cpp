// The per-thread ring on its own: wrap-around, padding, early wrap, full ring, oversize.

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "sluice/detail/thread_queue.hpp"
#include "sluice/runtime.hpp"

using sluice::QueuePolicy;
using sluice::detail::RecordHeader;
using sluice::detail::ThreadQueue;

namespace {

// The site of the records these tests write: no arguments, and a size that
// varies, so that each record carries it.
constexpr sluice::detail::CallSite kAnySize{
    "", "", "", 0, sluice::Level::info, nullptr, 0, 0, nullptr, nullptr, 0};

// A record of `size` bytes (24 at least) whose timestamp field carries `tag`.
void write_record(std::byte* out, std::size_t size, std::uint64_t tag) {
  const RecordHeader header{RecordHeader::pack(&kAnySize, 0), tag};
  std::memcpy(out, &header, sizeof header);
  const auto size32 = static_cast<std::uint32_t>(size);
  std::memcpy(out + sizeof header, &size32, sizeof size32);
}

bool push(ThreadQueue& q, std::size_t size, std::uint64_t tag) {
  std::byte* out = q.prepare_write(size);
  if (out == nullptr) return false;
  write_record(out, size, tag);
  q.commit_write(size);
  return true;
}

std::vector<std::uint64_t> drain(ThreadQueue& q) {
  std::vector<std::uint64_t> tags;
  while (const RecordHeader* h = q.peek()) {
    tags.push_back(h->timestamp);
    q.pop(h->size());
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
  q.pop(h->size());  // 64 bytes: below the 256-byte batch, not yet handed back
  REQUIRE_FALSE(push(q, 64, 100));
  for (int i = 0; i < 3; ++i) q.pop(q.peek()->size());  // 256 bytes: handed back
  REQUIRE(push(q, 64, 101));
  q.pop(q.peek()->size());
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

namespace {

// Where in the ring the next `size`-byte record goes, as an offset.
std::size_t push_at(ThreadQueue& q, const std::byte* base, std::size_t size, std::uint64_t tag) {
  std::byte* out = q.prepare_write(size);
  REQUIRE(out != nullptr);
  write_record(out, size, tag);
  q.commit_write(size);
  return static_cast<std::size_t>(out - base);
}

}  // namespace

TEST_CASE("a thread that logs slower than the backend drains writes only the first span") {
  constexpr std::size_t kRing = 1 << 20;
  ThreadQueue q(kRing, QueuePolicy::drop);
  const std::byte* base = q.prepare_write(40);
  std::uint64_t next_in = 0, next_out = 0;
  std::size_t highest = 0;
  // 20 records, then the backend catches up: 40 laps of the first span.
  for (int batch = 0; batch < 40 * 1640 / 20; ++batch) {
    for (int i = 0; i < 20; ++i) highest = std::max(highest, push_at(q, base, 40, next_in++));
    for (std::uint64_t tag : drain(q)) REQUIRE(tag == next_out++);
  }
  REQUIRE(next_out == next_in);
  REQUIRE(highest < sluice::detail::kSoftSpan);
  REQUIRE(q.read_position() > 30 * kRing);  // the pads' bytes count as read
  REQUIRE(q.dropped() == 0);
}

TEST_CASE("a burst that the backend has not read goes on past the span into the whole ring") {
  constexpr std::size_t kRing = 1 << 20;
  ThreadQueue q(kRing, QueuePolicy::drop);
  const std::byte* base = q.prepare_write(64);
  std::size_t highest = 0;
  for (std::uint64_t i = 0; i < kRing / 64; ++i)
    highest = std::max(highest, push_at(q, base, 64, i));
  REQUIRE(highest == kRing - 64);
  REQUIRE_FALSE(push(q, 64, 0));  // full now, and only now
  const std::vector<std::uint64_t> tags = drain(q);
  REQUIRE(tags.size() == kRing / 64);
  for (std::size_t i = 0; i < tags.size(); ++i) REQUIRE(tags[i] == i);
  // The burst ended exactly at the end of the ring, without a pad: the new
  // lap starts with the first span again.
  highest = 0;
  for (int batch = 0; batch < 2 * 1640 / 20; ++batch) {
    for (int i = 0; i < 20; ++i) highest = std::max(highest, push_at(q, base, 40, 0));
    drain(q);
  }
  REQUIRE(highest < sluice::detail::kSoftSpan);
  REQUIRE(q.dropped() == 1);
}

TEST_CASE("no early wrap for a record that would not fit before the unread ones") {
  using sluice::detail::kSoftSpan;
  ThreadQueue q(1 << 20, QueuePolicy::drop);
  const std::byte* base = q.prepare_write(8);
  // Up to 4 KiB before the first boundary, read; then 4 KiB left unread.
  REQUIRE(push_at(q, base, kSoftSpan - 8192, 1) == 0);
  REQUIRE(drain(q) == std::vector<std::uint64_t>{1});
  REQUIRE(push_at(q, base, 4096, 2) == kSoftSpan - 8192);
  // Little is unread, but going back to 0 would leave this record only
  // kSoftSpan - 4096 bytes of room: it goes on at the boundary instead of
  // being dropped.
  const std::size_t big = kSoftSpan - 4096 + 8;
  REQUIRE(push_at(q, base, big, 3) == kSoftSpan - 4096);
  // A small record at the next boundary, with nothing unread, goes to 0.
  REQUIRE(drain(q) == std::vector<std::uint64_t>{2, 3});
  REQUIRE(push_at(q, base, 8192, 4) == 0);
  REQUIRE(drain(q) == std::vector<std::uint64_t>{4});
  REQUIRE(q.dropped() == 0);
}

TEST_CASE("a wrap pad ahead of the reader does not count as waiting bytes") {
  ThreadQueue q(1 << 20, QueuePolicy::drop);
  const std::byte* base = q.prepare_write(40);
  for (std::uint64_t i = 0; i < 1600; ++i) push_at(q, base, 40, i);  // to 64000
  drain(q);
  REQUIRE(q.bytes_used() == 0);
  for (std::uint64_t i = 0; i < 38; ++i) push_at(q, base, 40, i);  // to 65520
  // The next record goes back to 0 early; its pad (65520 to the end of the
  // ring) is published before the record is.
  std::byte* out = q.prepare_write(40);
  REQUIRE(out == base);
  for (std::uint64_t left = 38; left > 0; --left) {
    const RecordHeader* h = q.peek();
    REQUIRE(h != nullptr);
    REQUIRE(q.bytes_used() == left * 40);
    q.pop(h->size());
  }
  REQUIRE(q.bytes_used() == 0);
  write_record(out, 40, 99);
  q.commit_write(40);
  for (std::uint64_t i = 0; i < 9; ++i) push_at(q, base, 40, 100 + i);
  REQUIRE(q.peek()->timestamp == 99);  // past the pad
  REQUIRE(q.bytes_used() == 10 * 40);
  REQUIRE(drain(q).size() == 10);
  REQUIRE(q.bytes_used() == 0);
}

TEST_CASE("waiting bytes on both sides of a wrap pad count, the pad does not") {
  SECTION("an early wrap") {
    ThreadQueue q(1 << 20, QueuePolicy::drop);
    const std::byte* base = q.prepare_write(40);
    for (std::uint64_t i = 0; i < 1600; ++i) push_at(q, base, 40, i);
    drain(q);
    for (std::uint64_t i = 0; i < 38; ++i) push_at(q, base, 40, i);
    REQUIRE(push_at(q, base, 40, 38) == 0);
    REQUIRE(q.peek() != nullptr);
    REQUIRE(q.bytes_used() == 39 * 40);
  }
  SECTION("a record that does not fit before the end of the ring") {
    ThreadQueue q(4096, QueuePolicy::drop);
    const std::byte* base = q.prepare_write(8);
    push_at(q, base, 2000, 1);
    REQUIRE(drain(q) == std::vector<std::uint64_t>{1});
    push_at(q, base, 1000, 2);
    REQUIRE(push_at(q, base, 1200, 3) == 0);  // after a 1096-byte pad
    REQUIRE(q.peek()->timestamp == 2);
    REQUIRE(q.bytes_used() == 1000 + 1200);
    REQUIRE(drain(q) == std::vector<std::uint64_t>{2, 3});
  }
}

TEST_CASE("early wraps while a consumer thread reads lose and reorder nothing") {
  // The producer waits for the consumer after most bursts (so that it wraps
  // early at each boundary) and runs ahead of it in every 16th (so that
  // some boundaries are crossed with much unread).
  ThreadQueue q(1 << 20, QueuePolicy::block);
  constexpr std::uint64_t kBursts = 8000;
  constexpr std::size_t kRecord = 40;
  std::atomic<std::uint64_t> consumed{0};
  std::atomic<bool> done{false};
  std::uint64_t out_of_order = 0;
  std::thread consumer([&] {
    std::uint64_t expected = 0;
    for (;;) {
      const bool last = done.load(std::memory_order_acquire);
      std::uint64_t n = 0;
      while (const RecordHeader* h = q.peek()) {
        if (h->timestamp != expected) ++out_of_order;
        ++expected;
        ++n;
        q.pop(h->size());
      }
      q.release_consumed();
      consumed.fetch_add(n, std::memory_order_release);
      if (last) return;
      std::this_thread::yield();
    }
  });
  std::uint64_t produced = 0;
  for (std::uint64_t burst = 0; burst < kBursts; ++burst) {
    const int records = burst % 16 == 15 ? 400 : 20;
    for (int i = 0; i < records; ++i) REQUIRE(push(q, kRecord, produced++));
    if (burst % 16 != 15) {
      while (consumed.load(std::memory_order_acquire) != produced) std::this_thread::yield();
    }
  }
  done.store(true, std::memory_order_release);
  consumer.join();
  REQUIRE(consumed.load() == produced);
  REQUIRE(out_of_order == 0);
  REQUIRE(q.dropped() == 0);
  // Each early wrap skips the rest of the ring: far more was read than written.
  REQUIRE(q.read_position() > 10 * produced * kRecord);
}

TEST_CASE("a record header gives back its site and every logger id up to the largest") {
  for (const std::uint32_t id : {0u, 1u, 7u, 8u, 0xFFFFu, 0x10000u, RecordHeader::kMaxLoggerId}) {
    const RecordHeader header{RecordHeader::pack(&kAnySize, RecordHeader::logger_bits(id)), 5};
    CHECK(header.site() == &kAnySize);
    CHECK(header.logger_id() == id);
    CHECK(header.site_and_logger != 0);  // never a wrap pad
  }
}
