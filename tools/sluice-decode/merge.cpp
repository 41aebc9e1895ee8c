#include "merge.hpp"

#include <algorithm>

namespace sluice::detail::decode {

namespace {

// std::*_heap build a max-heap: "a after b" puts the earliest on top.
// Equal timestamps are common at a rotation (the backend holds a record to
// its predecessor's time when the clock steps back a little): the rotated
// file's records come before the next file's, whose section was started
// at the rotation, whatever the order of the names (`app.slog*` gives the
// active file first).
bool after(const auto& a, const auto& b) noexcept {
  const auto ta = a.record->timestamp_ns(), tb = b.record->timestamp_ns();
  if (ta != tb) return ta > tb;
  if (a.section_created_ns != b.section_created_ns) {
    return a.section_created_ns > b.section_created_ns;
  }
  return a.stream > b.stream;
}

}  // namespace

MergedRecords::MergedRecords(std::vector<RecordStream*> streams) : streams_(std::move(streams)) {
  heap_.reserve(streams_.size());
}

void MergedRecords::push(std::size_t stream) {
  if (const RecordView* record = streams_[stream]->next()) {
    heap_.push_back({record, streams_[stream]->section_created_ns(), stream});
    std::push_heap(heap_.begin(), heap_.end(),
                   [](const Head& a, const Head& b) { return after(a, b); });
  }
}

const RecordView* MergedRecords::next() {
  if (streams_.size() == 1) return streams_[0]->next();  // nothing to merge
  if (!started_) {
    started_ = true;
    for (std::size_t i = 0; i < streams_.size(); ++i) push(i);
  } else if (have_taken_) {
    // Only now may the stream whose record was handed out move on.
    push(taken_);
  }
  have_taken_ = false;
  if (heap_.empty()) return nullptr;
  std::pop_heap(heap_.begin(), heap_.end(),
                [](const Head& a, const Head& b) { return after(a, b); });
  const Head head = heap_.back();
  heap_.pop_back();
  taken_ = head.stream;
  have_taken_ = true;
  return head.record;
}

}  // namespace sluice::detail::decode
