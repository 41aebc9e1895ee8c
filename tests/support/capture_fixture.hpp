#pragma once
// Starts the backend with a CaptureSink on the root logger for one test case.
// ctest runs each Catch2 case in its own process, so global state is fresh.

#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <memory>

namespace sluice::testing {

class CaptureFixture {
 public:
  explicit CaptureFixture(Options options = {}) {
    root_logger().add_sink(capture);
    start(options);
  }
  ~CaptureFixture() {
    stop();
    root_logger().clear_sinks();
  }
  CaptureFixture(const CaptureFixture&) = delete;
  CaptureFixture& operator=(const CaptureFixture&) = delete;

  std::shared_ptr<CaptureSink> capture = std::make_shared<CaptureSink>();
};

}  // namespace sluice::testing
