#pragma once
// Several inputs merged in timestamp order (a k-way merge of their heads).
// Each input is taken in its own order: a file whose records are slightly
// out of order (threads racing to the backend's queue) keeps that order, and
// the output is sorted whenever every input is. On equal timestamps, the
// record of the file section started first goes first (the files of a
// rotated set, in whatever order they are named), then that of the input
// named first. Nothing is buffered beyond one record per input.

#include <sluice/record.hpp>

#include <cstddef>
#include <vector>

#include "input.hpp"

namespace sluice::detail::decode {

class MergedRecords {
 public:
  explicit MergedRecords(std::vector<RecordStream*> streams);

  /// The record with the smallest timestamp among the inputs' next ones
  /// (on a tie, the one of the section started first, then of the earlier
  /// input); valid until the next call. nullptr when every input has ended.
  const RecordView* next();

 private:
  struct Head {
    const RecordView* record;
    std::int64_t section_created_ns;
    std::size_t stream;
  };
  void push(std::size_t stream);

  std::vector<RecordStream*> streams_;
  std::vector<Head> heap_;  // min-heap on (timestamp, section_created_ns, stream)
  bool started_ = false;
  std::size_t taken_ = 0;  // the stream whose record was returned last
  bool have_taken_ = false;
};

}  // namespace sluice::detail::decode
