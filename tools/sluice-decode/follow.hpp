#pragma once
// --follow: a file read like tail -F. At its end, it waits for more; when the
// path is rotated (renamed away and created anew) it finishes the old file,
// reads the files of the path's rotated set the writer rotated past since
// (rotated_past.hpp), then continues with the new one; when it is
// truncated, it starts again from its beginning.

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "input.hpp"

namespace sluice::detail::decode {

struct FollowOptions {
  /// How long to wait at the end of the file before looking again.
  std::chrono::milliseconds poll{100};
  /// Set (by a signal handler, or a test) to end the input at the next poll.
  const std::atomic<bool>* stop = nullptr;
  /// Called once each time the reader catches up with the writer, before it
  /// waits: the place to flush output. Returning false (the output cannot be
  /// written any more) ends the input, as tail -f exits on a write error.
  std::function<bool()> on_idle;
};

/// @throws sluice::Error "cannot open PATH: reason" if the file cannot be
/// opened at the start (after that, a missing path is waited for).
std::unique_ptr<ByteSource> follow_file(const std::string& path, FollowOptions options);

}  // namespace sluice::detail::decode
