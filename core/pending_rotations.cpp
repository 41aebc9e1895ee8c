#include "pending_rotations.hpp"

#include <algorithm>
#include <vector>

#include "error_reporter.hpp"

namespace sluice::detail {

namespace {
thread_local const void* t_worker = nullptr;
}  // namespace

PendingRotations& PendingRotations::instance() {
  static auto* table = new PendingRotations;  // intentionally leaked, see header
  return *table;
}

void PendingRotations::add(const void* worker, const std::string& description) {
  const std::lock_guard lock(mutex_);
  pending_.try_emplace(worker, description);
}

void PendingRotations::remove(const void* worker) noexcept {
  {
    const std::lock_guard lock(mutex_);
    if (pending_.erase(worker) == 0) return;
  }
  idle_.notify_all();
}

void PendingRotations::set_worker_of_this_thread(const void* worker) noexcept { t_worker = worker; }

bool PendingRotations::others_idle() const {
  return std::all_of(pending_.begin(), pending_.end(),
                     [](const auto& entry) { return entry.first == t_worker; });
}

bool PendingRotations::wait(std::chrono::steady_clock::duration bound) {
  std::vector<std::string> late;
  {
    std::unique_lock lock(mutex_);
    if (idle_.wait_for(lock, bound, [&] { return others_idle(); })) return true;
    for (const auto& [worker, description] : pending_) {
      if (worker != t_worker) late.push_back(description);
    }
  }
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(bound).count();
  for (const std::string& description : late) {
    // The worker's own source: its failures and this read as one story.
    error_reporter().report(description + " (rotation)",
                            "rotation work still pending at exit after " + std::to_string(seconds) +
                                " s; left as it is, and finished when a sink next opens the set");
  }
  return false;
}

void finish_rotations_at_exit() {
  PendingRotations::instance().wait(kExitRotationBound);
  // A failure reported within a second of another from the same worker is
  // held back by the rate limit; the process is about to end.
  error_reporter().report_all_pending();
}

}  // namespace sluice::detail
