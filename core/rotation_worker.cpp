#include "rotation_worker.hpp"

#include <chrono>
#include <new>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "error_reporter.hpp"
#include "fd_writer.hpp"
#include "file_compression.hpp"
#include "os.hpp"
#include "pending_rotations.hpp"
#include "sluice/error.hpp"

namespace sluice::detail {

namespace {

std::filesystem::path with_suffix(const std::filesystem::path& path, std::string_view suffix) {
  std::filesystem::path result = path;
  result += suffix;
  return result;
}

void rename_or_throw(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code error;
  std::filesystem::rename(from, to, error);
  if (error)
    throw Error("cannot rename " + quoted(from) + " to " + quoted(to) + ": " + error.message());
}

}  // namespace

RotationWorker::RotationWorker(RotatedFileSet files, const Rotation& rotation,
                               std::string description, std::shared_ptr<RotationPath> path)
    : files_(std::move(files)),
      rotation_(rotation),
      description_(std::move(description)),
      path_(std::move(path)) {
  busy_ = true;  // until resume() is done; counted_ too, by the caller's enter()
  PendingRotations::instance().add(this, description_);
  try {
    thread_ =
        std::thread([this, leftovers = files_.list()]() mutable { run(std::move(leftovers)); });
  } catch (...) {
    // No worker, no work: an exit must not wait for it.
    PendingRotations::instance().remove(this);
    throw;
  }
}

RotationWorker::~RotationWorker() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
  PendingRotations::instance().remove(this);  // done already: run() ends idle
}

void RotationWorker::count_pending() {
  const bool pending = busy_ || !jobs_.empty() || !reserved_.empty() || retention_requested_;
  if (pending != counted_) {
    counted_ = pending;
    if (pending) {
      path_->add();
    } else {
      path_->remove();
    }
  }
  // Not a reservation: at exit the backend has stopped, and a file it
  // reserved and never submitted must not hold the exit up.
  const bool for_exit = busy_ || !jobs_.empty() || retention_requested_ || reporting_;
  if (for_exit == counted_for_exit_) return;
  if (!for_exit) {
    PendingRotations::instance().remove(this);
    counted_for_exit_ = false;
    return;
  }
  try {
    PendingRotations::instance().add(this, description_);
    counted_for_exit_ = true;
  } catch (const std::bad_alloc&) {
    // Then an exit does not wait for this work: the set is left as a crash
    // leaves it, and the next start finishes it. Tried again at the next call.
  }
}

void RotationWorker::reserve(const std::filesystem::path& staged) {
  const std::lock_guard lock(mutex_);
  reserved_.push_back(staged.native());
  count_pending();
}

void RotationWorker::cancel(const std::filesystem::path& staged) {
  const std::lock_guard lock(mutex_);
  std::erase(reserved_, staged.native());
  count_pending();
}

void RotationWorker::submit(std::filesystem::path staged) {
  {
    const std::lock_guard lock(mutex_);
    std::erase(reserved_, staged.native());
    jobs_.push_back(std::move(staged));
    count_pending();
  }
  changed_.notify_all();
}

void RotationWorker::request_retention() {
  {
    const std::lock_guard lock(mutex_);
    retention_requested_ = true;
    count_pending();
  }
  changed_.notify_all();
}

void RotationWorker::wait_idle() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return jobs_.empty() && !busy_ && !reporting_; });
}

void RotationWorker::fail(const std::string& message) {
  // Reported once the worker is done (done_working()): the error handler
  // may make a sink on this set, which waits for this worker's work.
  const std::lock_guard lock(mutex_);
  failures_.push_back(message);
}

void RotationWorker::done_working(std::unique_lock<std::mutex>& lock) {
  busy_ = false;
  for (;;) {
    // Not while more work came meanwhile (path_ counts it): then at its
    // end. Set before count_pending(), so that an exit waiting for this
    // worker does not end the process between the work and its report.
    const bool more_work = !jobs_.empty() || !reserved_.empty() || retention_requested_;
    reporting_ = !more_work && !failures_.empty();
    count_pending();
    if (!reporting_) break;
    const std::vector<std::string> failures = std::exchange(failures_, {});
    lock.unlock();
    for (const std::string& message : failures) {
      // Its own source, so that the rate limit does not fold it into the
      // sink's write errors (a full disk causes both at once).
      error_reporter().report(description_ + " (rotation)", message);
    }
    lock.lock();
  }
  changed_.notify_all();
}

void RotationWorker::run(std::vector<RotatedFileSet::Member> leftovers) {
  // Compression is background work: the threads that log and the backend
  // come first.
  os::set_thread_name("sluice-rotate");
  os::lower_thread_priority();
  PendingRotations::set_worker_of_this_thread(this);
  const auto guarded = [&](auto&& step) {
    try {
      step();
    } catch (const std::exception& e) {
      fail(e.what());
    }
  };
  guarded([&] { resume(leftovers); });
  guarded([&] { apply_retention(); });
  std::unique_lock lock(mutex_);
  done_working(lock);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || retention_requested_ || !jobs_.empty(); });
    if (jobs_.empty() && retention_requested_) {
      retention_requested_ = false;
      busy_ = true;
      lock.unlock();
      guarded([&] { apply_retention(); });
      lock.lock();
      done_working(lock);
      continue;
    }
    if (jobs_.empty()) {  // stopping, and nothing left to do
      // A file reserved and never submitted nor cancelled must not keep
      // another sink on the set waiting for good.
      reserved_.clear();
      done_working(lock);
      return;
    }
    const std::filesystem::path staged = jobs_.front();
    busy_ = true;
    lock.unlock();
    guarded([&] { finish(staged); });
    lock.lock();
    jobs_.pop_front();  // after finish(): retention must not see it as done
    lock.unlock();
    guarded([&] { apply_retention(); });
    lock.lock();
    done_working(lock);
  }
}

// What an earlier run may have left, and how it is finished:
//   *.tmp                         a compression cut short: removed (its
//                                 source is still there)
//   STAMP file + STAMP file.zst   killed before removing the source: the
//                                 .zst is complete (renamed after its sync),
//                                 so the source goes
//   STAMP file (index naming, or not yet compressed)   finished as if just
//                                 submitted, oldest first
//   base.N uncompressed, compress on   a compression that failed: compressed now
void RotationWorker::resume(const std::vector<RotatedFileSet::Member>& leftovers) {
  for (const auto& member : leftovers) {
    if (!member.temporary) continue;
    std::error_code error;
    if (std::filesystem::is_regular_file(member.path, error))
      std::filesystem::remove(member.path, error);
  }
  const bool want_compressed = rotation_.compress && !files_.active_compressed();
  std::vector<std::filesystem::path> unfinished;
  for (const auto& m : leftovers) {
    if (m.temporary) continue;
    std::error_code gone;
    if (!std::filesystem::exists(m.path, gone)) continue;  // removed above, as a duplicate
    if (m.indexed) {
      if (want_compressed && !m.compressed) {
        const auto z = files_.indexed(m.index, true);
        std::error_code error;
        if (std::filesystem::exists(z, error)) {
          std::filesystem::remove(m.path, error);
        } else {
          try {
            compress(m.path, z);
          } catch (const std::exception& e) {
            fail(e.what());
          }
        }
      }
      continue;
    }
    if (!m.compressed && want_compressed) {
      std::error_code error;
      if (std::filesystem::exists(files_.timestamped(m.stamp, m.counter, true), error)) {
        std::filesystem::remove(m.path, error);
        continue;
      }
      unfinished.push_back(m.path);
    } else if (rotation_.naming == RotatedNames::index) {
      unfinished.push_back(m.path);
    }
  }
  for (const auto& path : unfinished) {
    try {
      finish(path);
    } catch (const std::exception& e) {
      fail(e.what());
    }
  }
}

void RotationWorker::finish(const std::filesystem::path& staged) {
  std::filesystem::path file = staged;
  bool compressed = files_.active_compressed() || file.extension() == ".zst";
  if (rotation_.compress && !compressed) {
    try {
      file = compress(file, with_suffix(file, ".zst"));
      compressed = true;
    } catch (const std::exception& e) {
      fail(std::string(e.what()) + "; " + quoted(file) +
           " stays uncompressed and is compressed at the next start");
    }
  }
  if (rotation_.naming == RotatedNames::index) make_newest_indexed(file, compressed);
}

std::filesystem::path RotationWorker::compress(const std::filesystem::path& file,
                                               const std::filesystem::path& compressed) {
  const std::filesystem::path temporary = with_suffix(compressed, ".tmp");
  compress_file(file, temporary, rotation_.compression_level);
  if (const RotationHook hook = compressed_hook()) hook(temporary);
  rename_or_throw(temporary, compressed);
  // The compressed file's name must be on disk before the original goes.
  sync_directory(compressed.parent_path());
  std::error_code error;
  std::filesystem::remove(file, error);
  if (error) {
    // Both must not stay: a restart would take the original for one still
    // to compress, and the records would be kept twice.
    std::error_code ignored;
    std::filesystem::remove(compressed, ignored);
    throw Error("cannot remove " + quoted(file) + " after compressing it: " + error.message());
  }
  return compressed;
}

// Renumbers base.1 .. base.K (the run without a gap from 1) to 2 .. K+1,
// highest first, so that a crash in between leaves a gap (which the next
// renumbering closes), never two files with one index; then gives `file`
// index 1.
void RotationWorker::make_newest_indexed(const std::filesystem::path& file, bool compressed) {
  const auto exists = [&](std::uint64_t index) {
    std::error_code error;
    return std::filesystem::exists(files_.indexed(index, true), error) ||
           std::filesystem::exists(files_.indexed(index, false), error);
  };
  std::uint64_t last = 0;
  while (exists(last + 1)) ++last;
  for (std::uint64_t index = last; index >= 1; --index) {
    for (const bool z : {true, false}) {
      std::error_code error;
      if (std::filesystem::exists(files_.indexed(index, z), error)) {
        rename_or_throw(files_.indexed(index, z), files_.indexed(index + 1, z));
      }
    }
  }
  rename_or_throw(file, files_.indexed(1, compressed));
  sync_directory(file.parent_path());
}

void RotationWorker::apply_retention() {
  if (rotation_.backup_count == 0 && rotation_.max_total_bytes == 0 &&
      rotation_.max_age.count() == 0) {
    return;
  }
  std::unordered_set<std::string> queued;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& job : jobs_) queued.insert(job.native());
    queued.insert(reserved_.begin(), reserved_.end());
  }
  // Files still queued are neither counted nor deleted: they are newer
  // than every finished one, and are counted once finished.
  std::error_code error;
  std::uint64_t total = std::filesystem::file_size(files_.active(), error);
  if (error) total = 0;
  std::vector<RotatedFileSet::Member> candidates;  // oldest first
  for (auto& m : files_.list()) {
    if (m.temporary || queued.count(m.path.native()) != 0) continue;
    const auto size = std::filesystem::file_size(m.path, error);
    if (!error) total += size;
    candidates.push_back(std::move(m));
  }
  std::size_t rotated = candidates.size();
  const auto now = std::filesystem::file_time_type::clock::now();
  for (const auto& m : candidates) {
    const bool too_many = rotation_.backup_count != 0 && rotated > rotation_.backup_count;
    const bool too_big = rotation_.max_total_bytes != 0 && total > rotation_.max_total_bytes;
    bool too_old = false;
    if (rotation_.max_age.count() != 0) {
      const auto written = std::filesystem::last_write_time(m.path, error);
      too_old = !error && now - written > rotation_.max_age;
    }
    if (!too_many && !too_big && !too_old) continue;
    const auto size = std::filesystem::file_size(m.path, error);
    const std::uint64_t freed = error ? 0 : size;
    std::filesystem::remove(m.path, error);
    if (error) {
      fail("cannot delete old log file " + quoted(m.path) + ": " + error.message());
    }
    // Counted as gone even when it is not: deleting a newer file in its
    // place would break "oldest first".
    --rotated;
    total -= freed;
  }
}

}  // namespace sluice::detail
