#pragma once
// The thread that finishes rotations off the backend thread: compresses
// rotated files, gives them their final names and applies retention.

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rotated_file_set.hpp"
#include "rotation_path.hpp"
#include "sluice/rotation.hpp"

namespace sluice::detail {

/// One per rotating sink. The backend thread renames the active file to a
/// timestamped name (a cheap rename) and submit()s it; the worker, at the
/// lowest priority (os::lower_thread_priority), then:
///
///   1. compresses it to `<name>.zst.tmp`, syncs it, renames it to
///      `<name>.zst` and only then removes the original (Rotation::compress);
///   2. with RotatedNames::index, renumbers the older files (`.1` -> `.2` ...)
///      and gives it index 1;
///   3. deletes the oldest rotated files beyond the retention limits.
///
/// Every step leaves the set in a state that a restart finishes (see
/// resume()): nothing is lost to a crash, and no record is kept twice.
/// The worker owns every change to the set's rotated files, so that
/// renumbering and retention never touch a file being compressed. Another
/// sink's worker on the same files (RotationPath) starts only once this one
/// has nothing left to do.
///
/// A step that fails (a full disk) leaves the file uncompressed and is
/// reported through the error handler (sluice::set_error_handler), from
/// this thread, once it has nothing left to do (not counted in the set's
/// RotationPath: the handler may make a sink on the set); the next start
/// compresses it.
/// Every public member may be called from any thread.
class RotationWorker {
 public:
  /// Starts the thread, whose first job is to finish what an earlier run
  /// left (resume()): the set's files as they are when this constructor
  /// runs, so that a file submitted a moment later is not taken for one.
  /// `path`: the set's shared state, enter()ed by the caller, whose count
  /// the worker takes over (and gives back when it has nothing to do).
  RotationWorker(RotatedFileSet files, const Rotation& rotation, std::string description,
                 std::shared_ptr<RotationPath> path);
  /// Finishes every submitted job, then stops the thread.
  ~RotationWorker();
  RotationWorker(const RotationWorker&) = delete;
  RotationWorker& operator=(const RotationWorker&) = delete;

  /// Announces a file about to be renamed to `staged`, before the rename:
  /// from then on retention leaves it alone. Then submit() or cancel().
  void reserve(const std::filesystem::path& staged);
  void cancel(const std::filesystem::path& staged);
  /// `staged`: the just-rotated file, under its timestamped name.
  void submit(std::filesystem::path staged);
  /// Applies retention again (max_age expires files with time alone).
  void request_retention();
  /// Returns once every job submitted before the call is done (and its
  /// failures reported).
  void wait_idle();

 private:
  void run(std::vector<RotatedFileSet::Member> leftovers);
  void resume(const std::vector<RotatedFileSet::Member>& leftovers);
  void finish(const std::filesystem::path& staged);
  std::filesystem::path compress(const std::filesystem::path& file,
                                 const std::filesystem::path& compressed);
  void make_newest_indexed(const std::filesystem::path& file, bool compressed);
  void apply_retention();
  /// Keeps `message` to report once the work is done.
  void fail(const std::string& message);
  /// Tells path_, and PendingRotations (what a normal exit waits for),
  /// whether this worker has work pending. mutex_ held.
  void count_pending();
  /// Work done (busy_ no more): tells path_, then, unless it has work again,
  /// reports the failures kept, outside the lock. `lock` holds mutex_.
  void done_working(std::unique_lock<std::mutex>& lock);

  RotatedFileSet files_;
  Rotation rotation_;
  std::string description_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::filesystem::path> jobs_;
  std::vector<std::string> reserved_;  // renamed (or about to be), not yet submitted
  bool retention_requested_ = false;
  bool busy_ = false;
  bool stopping_ = false;
  std::vector<std::string> failures_;  // to report once the work is done
  bool reporting_ = false;             // failures_ taken, being reported
  std::shared_ptr<RotationPath> path_;
  bool counted_ = true;  // counted in path_ as having work pending
  // In PendingRotations: work queued or under way, or failures being
  // reported (which path_ does not count: the handler may make a sink on
  // the set), but no reservation.
  bool counted_for_exit_ = true;
  std::thread thread_;
};

}  // namespace sluice::detail
