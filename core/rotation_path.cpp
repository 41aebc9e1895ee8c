#include "rotation_path.hpp"

#include <atomic>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace sluice::detail {

namespace {

std::atomic<RotationHook> g_compressed_hook{nullptr};
std::atomic<RotationHook> g_path_wait_hook{nullptr};

struct Registry {
  std::mutex mutex;
  std::unordered_map<std::string, std::weak_ptr<RotationPath>> paths;
};

Registry& registry() {
  // Never destroyed: a sink may be made or dropped during static destruction.
  static Registry& instance = *new Registry;
  return instance;
}

}  // namespace

void RotationPath::enter() {
  std::unique_lock lock(mutex_);
  if (pending_ != 0) {
    lock.unlock();
    if (const RotationHook hook = path_wait_hook()) hook(key_);
    lock.lock();
  }
  idle_.wait(lock, [&] { return pending_ == 0; });
  ++pending_;
}

void RotationPath::add() noexcept {
  const std::lock_guard lock(mutex_);
  ++pending_;
}

void RotationPath::remove() noexcept {
  bool idle = false;
  {
    const std::lock_guard lock(mutex_);
    idle = --pending_ == 0;
  }
  if (idle) idle_.notify_all();
}

std::string rotated_set_key(const RotatedFileSet& files) {
  std::filesystem::path dir = files.active().parent_path();
  if (dir.empty()) dir = ".";
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(dir, error);
  if (error) absolute = dir;
  // Resolves what exists, and normalises the rest (a directory not made yet).
  std::filesystem::path canonical = std::filesystem::weakly_canonical(absolute, error);
  if (error) canonical = absolute.lexically_normal();
  // Without a trailing separator ("/logs/" and "/logs" are one directory).
  if (!canonical.has_filename() && canonical.has_relative_path()) {
    canonical = canonical.parent_path();
  }
  return (canonical / files.base()).string();
}

std::shared_ptr<RotationPath> rotation_path(const RotatedFileSet& files) {
  std::string key = rotated_set_key(files);  // file system calls: outside the lock
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  std::erase_if(r.paths, [](const auto& entry) { return entry.second.expired(); });
  std::weak_ptr<RotationPath>& entry = r.paths[key];
  std::shared_ptr<RotationPath> path = entry.lock();
  if (!path) {
    path = std::make_shared<RotationPath>(std::move(key));
    entry = path;
  }
  return path;
}

void set_compressed_hook(RotationHook hook) noexcept { g_compressed_hook.store(hook); }
RotationHook compressed_hook() noexcept { return g_compressed_hook.load(); }
void set_path_wait_hook(RotationHook hook) noexcept { g_path_wait_hook.store(hook); }
RotationHook path_wait_hook() noexcept { return g_path_wait_hook.load(); }

}  // namespace sluice::detail
