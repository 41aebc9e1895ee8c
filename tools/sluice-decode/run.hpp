#pragma once
// One sluice-decode run: inputs opened, merged, filtered, then written as
// records or as stats. main() only parses the command line and calls run(),
// so that tests can run it in-process.

#include <atomic>
#include <chrono>
#include <cstdio>

#include "options.hpp"

namespace sluice::detail::decode {

struct Environment {
  std::FILE* out = stdout;
  std::FILE* err = stderr;
  bool progress = false;  // draw the progress line on `err`
  /// --follow: polling interval, and a flag that ends the run when set.
  std::chrono::milliseconds poll{100};
  const std::atomic<bool>* stop = nullptr;
};

/// Returns the exit status: 0, 1 (corruption skipped) or 2 (an input could
/// not be read, or the output could not be written).
int run(const Options& options, const Environment& env);

}  // namespace sluice::detail::decode
