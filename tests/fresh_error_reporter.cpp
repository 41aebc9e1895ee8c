// Every case of every test binary starts with the process's error reporter
// as a new process has it: no source's window open, nothing held back, the
// default handler. ctest runs each case in a process of its own, but a
// binary run whole (`build/tests/test_file_sink`, `--order rand`) runs them
// all in one, and there a case's first report was held back by the window
// of a report under the same source in the case before, and what a case
// held back went out in the next case's stop() (or at exit, on stderr).

#define CATCH_CONFIG_EXTERNAL_INTERFACES
#include <catch2/catch.hpp>

#include "error_reporter.hpp"

namespace {

class FreshErrorReporter : public Catch::TestEventListenerBase {
 public:
  using TestEventListenerBase::TestEventListenerBase;

  void testCaseStarting(const Catch::TestCaseInfo& info) override {
    TestEventListenerBase::testCaseStarting(info);
    sluice::detail::ErrorReporter& reporter = sluice::detail::error_reporter();
    reporter.set_handler(nullptr);
    reporter.start_over();
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(FreshErrorReporter)
