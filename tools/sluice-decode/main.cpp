// sluice-decode: binary logs (BinaryFileSink) to JSON Lines, logfmt or text,
// through the same formatters the live sinks use, so decoded and live output
// are interchangeable; or their stats. See options.cpp for the command line.

#include <signal.h>
#include <unistd.h>

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
