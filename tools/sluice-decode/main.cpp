// sluice-decode: binary logs (BinaryFileSink) to JSON Lines, logfmt or text,
// through the same formatters the live sinks use, so decoded and live output
// are interchangeable; or their stats. See options.cpp for the command line.

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string_view>
#include <vector>

#include "options.hpp"
#include "output.hpp"
#include "run.hpp"

namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);  // safe in a signal handler

extern "C" void request_stop(int) { g_stop.store(true); }

// The merge holds every input open at once, and a rotated set (`app.slog*`;
// BinaryFileSink keeps every rotated file by default) can outnumber the
// usual soft limit of 1024 descriptors, which the hard limit is there to
// lift. Beyond the hard limit, the files that cannot be opened are reported.
void allow_open_files(std::size_t inputs) {
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(inputs) + 64;  // stdio and slack
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= wanted) return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, limit.rlim_max);
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

int main(int argc, char** argv) {
  namespace decode = sluice::detail::decode;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  decode::Options options;
  try {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    options = decode::parse_options(args, std::chrono::nanoseconds(now).count());
  } catch (const decode::UsageError& e) {
    std::fprintf(stderr, "sluice-decode: %s\nTry 'sluice-decode --help'.\n", e.what());
    return decode::Diagnostics::kFailed;
  }
  if (options.help) {
    std::fwrite(decode::kHelp.data(), 1, decode::kHelp.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : decode::Diagnostics::kFailed;
  }

  allow_open_files(options.inputs.size());
  decode::Environment env;
  env.progress = !options.follow && isatty(STDERR_FILENO) == 1 && isatty(STDOUT_FILENO) != 1;
  if (options.follow) {
    // Ctrl-C ends --follow cleanly: what was read is written, the status kept.
    struct sigaction action {};
    action.sa_handler = request_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    env.stop = &g_stop;
  }
  return decode::run(options, env);
}
