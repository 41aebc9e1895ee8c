#pragma once
// Starts the backend with a CaptureSink on the root logger for one test case.
// ctest runs each Catch2 case in its own process, so global state is fresh.

#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <memory>
#include <utility>

namespace sluice::testing {

class CaptureFixture {
 public:
  explicit CaptureFixture(Options options = {},
                          std::shared_ptr<const Formatter> formatter = nullptr)
      : capture(std::make_shared<CaptureSink>(std::move(formatter))) {
    root_logger().add_sink(capture);
    start(options);
  }
  ~CaptureFixture() {
    stop();
    root_logger().clear_sinks();
  }
  CaptureFixture(const CaptureFixture&) = delete;
  CaptureFixture& operator=(const CaptureFixture&) = delete;

  std::shared_ptr<CaptureSink> capture;
};

}  // namespace sluice::testing
