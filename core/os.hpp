#pragma once
// Every operating-system call sluice makes, in one place.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace sluice::detail::os {

std::uint32_t process_id() noexcept;
/// The kernel's id of the calling thread (what top and gdb show).
std::uint64_t thread_id() noexcept;
/// The calling thread's OS name ("" if unknown).
std::string thread_name();
/// Sets the calling thread's OS name (truncated to the OS limit).
void set_thread_name(std::string_view name) noexcept;
/// Blocks SIGPIPE on the calling thread for the rest of its life: a write to
/// a pipe or socket whose reader is gone then fails with EPIPE instead of
/// raising SIGPIPE, whose default action ends the process. (SIGPIPE from a
/// write is sent to the writing thread: other threads are not affected.)
void block_sigpipe_on_this_thread() noexcept;
/// Whether the calling thread has called block_sigpipe_on_this_thread():
/// no system call.
bool sigpipe_blocked_for_life() noexcept;
/// Pins the calling thread to one CPU; false if that failed.
bool pin_thread(int cpu) noexcept;
/// Gives the calling thread the lowest scheduling priority (SCHED_IDLE, or
/// nice 19 where that is refused), for
/// background work that must not take CPU from the logging threads.
void lower_thread_priority() noexcept;
bool is_terminal(std::FILE* stream) noexcept;
/// Has `handler` called in the child after every fork() (pthread_atfork).
void call_in_fork_child(void (*handler)()) noexcept;
/// Has `acquire` called before every fork() and `release` after it, in the
/// parent and in the child (pthread_atfork): for a lock that another thread
/// may hold at the fork, which would stay locked for ever in the child.
void hold_across_fork(void (*acquire)(), void (*release)()) noexcept;
/// Host name, for producer info.
std::string host_name();

}  // namespace sluice::detail::os
