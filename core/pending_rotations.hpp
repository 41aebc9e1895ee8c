#pragma once
// The rotation work pending in the whole process, so that a normal exit
// waits for it: the loggers' sinks are never destroyed, and a rotated set
// cut off mid-work is not what an operator who decodes the logs of an
// ended process may find.

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

namespace sluice::detail {

/// How long a normal exit waits, in total over every sink, for the rotation
/// work queued before it. Long enough for the last rotations of a busy
/// process (5 s is ~200 MB of rotated text at compression level 7 on one
/// core), short enough that a hung file system cannot hold the exit up
/// for long, and well inside the 10 s that `docker stop` (30 s: Kubernetes)
/// waits before its SIGKILL, which would leave the set as a crash does.
inline constexpr std::chrono::seconds kExitRotationBound{5};

/// The rotation workers that have work queued, under way, or failures
/// being reported, each with its sink's description ("file sink
/// \"logs/app.log\""). A worker is known by its address, which is only
/// compared, never followed. Any thread.
class PendingRotations {
 public:
  /// The process's table. Never destroyed: workers run on through the
  /// exit's static destructors.
  static PendingRotations& instance();

  /// `worker` has work from now on (again: no effect).
  void add(const void* worker, const std::string& description);
  /// `worker` has nothing left to do (already: no effect).
  void remove(const void* worker) noexcept;
  /// Marks the calling thread as `worker`'s own thread: an exit called on
  /// it (an error handler that calls exit()) cannot wait for its own work.
  static void set_worker_of_this_thread(const void* worker) noexcept;

  /// Waits until no worker but this thread's own has work, or `bound` has
  /// passed; past it, reports each sink still at work through the error
  /// handler. Returns whether nothing was left.
  bool wait(std::chrono::steady_clock::duration bound);

 private:
  PendingRotations() = default;
  bool others_idle() const;

  std::mutex mutex_;  // never held while work is done or reported
  std::condition_variable idle_;
  std::map<const void*, std::string> pending_;
};

/// At a normal exit, after the backend's last drain: waits up to
/// kExitRotationBound for every rotation worker to finish the work queued
/// so far (compression, index names, retention), then reports what the
/// error reporter held back, so that no failure of that work is lost.
void finish_rotations_at_exit();

}  // namespace sluice::detail
