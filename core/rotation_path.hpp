#pragma once
// Which rotating sinks share a set of rotated files, so that a new sink
// waits for the rotation work an earlier sink still has on the same files
// (and on those only); and test hooks into that work.

#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "rotated_file_set.hpp"

namespace sluice::detail {

/// The rotation work pending on one set of rotated files (a directory and
/// a base name), across the sinks on it. Each sink's RotationWorker counts
/// one while it has anything to do: its start-up recovery, a file reserved
/// or queued, a compression, renumbering or retention.
///
/// A new rotating sink enter()s before it touches the set's files: it waits
/// until no work is pending (an earlier sink that the application still
/// holds may be compressing, and its `.zst.tmp` is no crash's leftover),
/// then counts one for its own start-up recovery, which its worker takes
/// over. Sinks on other sets never wait for it, nor it for them.
///
/// Shared (std::shared_ptr) by the sinks on the set; rotation_path()'s
/// process-wide registry holds weak references only, so the state lives
/// as long as a sink on the set does. Any thread.
class RotationPath {
 public:
  explicit RotationPath(std::string key) : key_(std::move(key)) {}
  RotationPath(const RotationPath&) = delete;
  RotationPath& operator=(const RotationPath&) = delete;

  /// rotated_set_key() of the set.
  const std::string& key() const noexcept { return key_; }
  /// Waits until nothing is pending, then counts one (the caller's).
  void enter();
  /// Counts one more, without waiting (a worker with work again).
  void add() noexcept;
  /// Counts one less (a worker done), waking those waiting in enter() at 0.
  void remove() noexcept;

 private:
  const std::string key_;
  std::mutex mutex_;  // held only to count, never while work is done
  std::condition_variable idle_;
  std::size_t pending_ = 0;
};

/// The set's identity: its directory made canonical (absolute, symlinks,
/// `.` and `..` resolved, as far as it exists), so that every spelling of
/// one directory gives one key, and the set's base name (its active name
/// without ".zst": `app.slog` and `app.slog.zst` share their rotated names).
std::string rotated_set_key(const RotatedFileSet& files);

/// The state shared by the sinks on `files`' set, made on first use. The
/// registry's lock is held only to look it up (and forget sets nobody uses).
std::shared_ptr<RotationPath> rotation_path(const RotatedFileSet& files);

/// Tests only: called with a file's path at a point of rotation's work, so
/// that a test can pause it there. Null (the default) does nothing.
using RotationHook = void (*)(const std::filesystem::path& file);
/// On a rotation worker's thread, once a compression is written to its
/// `.zst.tmp` and before its rename to `.zst`; `file` is the `.zst.tmp`.
void set_compressed_hook(RotationHook hook) noexcept;
RotationHook compressed_hook() noexcept;
/// On the thread making a rotating sink, when it is about to wait in
/// RotationPath::enter() for an earlier sink's work; `file` is the set's key.
void set_path_wait_hook(RotationHook hook) noexcept;
RotationHook path_wait_hook() noexcept;

}  // namespace sluice::detail
