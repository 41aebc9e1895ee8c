// sluice-bench-dead-pipe: records/s through a console sink whose stdout is a
// pipe with no reader (`app | head -1` once head has exited), against the
// same stdout on /dev/null, in one run. A failing sink must not throttle the
// backend: every failed write costs a write(2), two signal-mask calls and an
// exception, and with one try per record the backend once managed ~70,000
// records a second, holding up the application under the block policy.
//
//   sluice-bench-dead-pipe [records]   (default 200000)

#include <sluice/sinks/console_sink.hpp>
#include <sluice/sluice.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>

namespace {

// Seconds to log `records` and flush them, with stdout pointed at `fd`.
double run(int fd, long records) {
  const int saved = ::dup(STDOUT_FILENO);
  std::fflush(stdout);
  ::dup2(fd, STDOUT_FILENO);
  sluice::Logger& log = sluice::get_logger("bench");
  log.set_propagate(false);
  log.add_sink(std::make_shared<sluice::ConsoleSink>());
  sluice::start();
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < records; ++i) SLUICE_INFO(log, "record {} of a run to a console", i);
  sluice::flush();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  sluice::stop();
  log.clear_sinks();
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  const long records = argc > 1 ? std::atol(argv[1]) : 200000;
  // The reports of the dead pipe would fill the terminal: counted, not shown.
  long reports = 0;
  sluice::set_error_handler([&reports](std::string_view) { ++reports; });
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  int pipe_fds[2];
  if (null < 0 || ::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    std::perror("sluice-bench-dead-pipe");
    return 1;
  }
  ::close(pipe_fds[0]);  // the reader is gone
  const double to_null = run(null, records);
  const double to_dead_pipe = run(pipe_fds[1], records);
  std::printf("%ld records: /dev/null %.0f records/s, dead pipe %.0f records/s (%.2fx the time)\n",
              records, records / to_null, records / to_dead_pipe, to_dead_pipe / to_null);
  std::printf("sink errors reported: %ld (the error handler's calls)\n", reports);
  return 0;
}
