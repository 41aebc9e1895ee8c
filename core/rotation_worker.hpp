#pragma once
// The thread that finishes rotations off the backend thread: compresses
// rotated files, gives them their final names and applies retention.

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "rotated_file_set.hpp"
#include "sluice/rotation.hpp"

namespace sluice::detail {

/// One per rotating sink. The backend thread renames the active file to a
/// timestamped name (a cheap rename) and submit()s it; the worker, at low
/// priority, then:
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
/// renumbering and retention never touch a file being compressed.
///
/// A step that fails (a full disk) leaves the file uncompressed and is
/// reported by take_failures(); the next start compresses it.
/// submit(), wait_idle() and take_failures() may be called from any thread.
class RotationWorker {
 public:
  /// Starts the thread, whose first job is to finish what an earlier run
  /// left (resume()): the set's files as they are when this constructor
  /// runs, so that a file submitted a moment later is not taken for one.
  RotationWorker(RotatedFileSet files, const Rotation& rotation, std::string description);
  /// Finishes every submitted job, then stops the thread.
  ~RotationWorker();
  RotationWorker(const RotationWorker&) = delete;
  RotationWorker& operator=(const RotationWorker&) = delete;

  /// `staged`: the just-rotated file, under its timestamped name.
  void submit(std::filesystem::path staged);
  /// Returns once every job submitted before the call is done.
  void wait_idle();
  /// Failures since the last call, one message each.
  std::vector<std::string> take_failures();

 private:
  void run(std::vector<RotatedFileSet::Member> leftovers);
  void resume(const std::vector<RotatedFileSet::Member>& leftovers);
  void finish(const std::filesystem::path& staged);
  std::filesystem::path compress(const std::filesystem::path& file,
                                 const std::filesystem::path& compressed);
  void make_newest_indexed(const std::filesystem::path& file, bool compressed);
  void apply_retention();
  void fail(const std::string& message);

  RotatedFileSet files_;
  Rotation rotation_;
  std::string description_;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::filesystem::path> jobs_;
  bool busy_ = false;
  bool stopping_ = false;
  std::vector<std::string> failures_;
  std::thread thread_;
};

}  // namespace sluice::detail
