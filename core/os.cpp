#include "os.hpp"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

namespace sluice::detail::os {

std::uint32_t process_id() noexcept { return static_cast<std::uint32_t>(::getpid()); }

std::uint64_t thread_id() noexcept { return static_cast<std::uint64_t>(::syscall(SYS_gettid)); }

std::string thread_name() {
  char name[64] = {};
  if (pthread_getname_np(pthread_self(), name, sizeof name) != 0) return {};
  return name;
}

void set_thread_name(std::string_view name) noexcept {
  char truncated[16] = {};  // Linux: 15 bytes + NUL
  std::size_t length = std::min(name.size(), sizeof truncated - 1);
  // Not inside a UTF-8 character: threads made later inherit the OS name,
  // and a thread never named logs it.
  if (length < name.size()) {
    while (length > 0 && (static_cast<unsigned char>(name[length]) & 0xC0) == 0x80) --length;
  }
  name.copy(truncated, length);
  pthread_setname_np(pthread_self(), truncated);
}

namespace {
thread_local bool t_sigpipe_blocked_for_life = false;
}  // namespace

void block_sigpipe_on_this_thread() noexcept {
  sigset_t pipe;
  sigemptyset(&pipe);
  sigaddset(&pipe, SIGPIPE);
  t_sigpipe_blocked_for_life = pthread_sigmask(SIG_BLOCK, &pipe, nullptr) == 0;
}

bool sigpipe_blocked_for_life() noexcept { return t_sigpipe_blocked_for_life; }

bool pin_thread(int cpu) noexcept {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

void lower_thread_priority() noexcept {
  // SCHED_IDLE: the thread runs only on a CPU that nothing else wants (a
  // nice-19 thread still gets a share of a busy CPU). Where the policy is
  // refused, nice 19, which on Linux belongs to a thread, by its kernel id.
  const sched_param param{};
  if (pthread_setschedparam(pthread_self(), SCHED_IDLE, &param) == 0) return;
  ::setpriority(PRIO_PROCESS, static_cast<::id_t>(thread_id()), 19);
}

bool is_terminal(std::FILE* stream) noexcept { return ::isatty(::fileno(stream)) == 1; }

void call_in_fork_child(void (*handler)()) noexcept { pthread_atfork(nullptr, nullptr, handler); }

void hold_across_fork(void (*acquire)(), void (*release)()) noexcept {
  pthread_atfork(acquire, release, release);
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  return name;
}

}  // namespace sluice::detail::os
