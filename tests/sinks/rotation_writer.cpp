// A program for test_rotation_kill: logs "seq N" through a rotating,
// compressing FileSink until it is killed, printing the last sequence
// number that a flush covered. With "finish", it only opens the sink (which
// finishes what a killed run left) and waits for the worker.
//
//   rotation_writer DIR run      log until killed
//   rotation_writer DIR finish   resume, wait, exit

#include <sluice/formatter.hpp>
#include <sluice/log.hpp>
#include <sluice/runtime.hpp>
#include <sluice/sinks/file_sink.hpp>
#include <sluice/sluice.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: rotation_writer DIR run|finish\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  sluice::FileOptions options;
  options.rotation.max_bytes = 64 * 1024;
  options.rotation.compression_level = 12;  // slow, so that kills land mid-compression
  auto sink = std::make_shared<sluice::FileSink>(
      dir / "app.log", std::make_shared<sluice::PatternFormatter>("{message}"), options);
  if (std::strcmp(argv[2], "finish") == 0) {
    sink->wait_for_rotations();
    return 0;
  }
  sluice::Logger& log = sluice::get_logger("killed");
  log.add_sink(sink);
  sluice::start();
  for (long seq = 0;; ++seq) {
    SLUICE_INFO(log, "seq {}", seq);
    if (seq % 200 == 199) {
      sluice::flush();
      std::printf("%ld\n", seq);
      std::fflush(stdout);
      std::this_thread::sleep_for(std::chrono::microseconds(500));
    }
  }
}
