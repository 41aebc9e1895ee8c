// ErrorReporter: the text a handler receives, at most one report per second
// per source with the count of those held back, the late report of those
// held back when no error follows, a handler that throws, a handler that
// replaces the handler or reports, and the default handler's line on stderr.
//
// Each case uses its own reporter, not the process's. The cases about the
// one-second window measure it on a ManualErrorClock: a window ends where
// the case moves the clock on, not wherever a loaded machine takes a second
// (the cases slept 1.1 s for it, and failed if a burst of reports took
// over a second).

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "broken_pipe.hpp"
#include "error_reporter.hpp"
#include "manual_error_clock.hpp"

namespace {

using namespace std::chrono_literals;
using sluice::detail::ErrorReporter;
using sluice::testing::ManualErrorClock;
using Lines = std::vector<std::string>;

// Far longer than any of the calls below takes: one that has not returned by
// then is deadlocked.
constexpr auto kDeadlocked = 5s;

// What the handler received, in order.
class Received {
 public:
  sluice::ErrorHandler handler() {
    return [this](std::string_view message) { messages_.emplace_back(message); };
  }
  const Lines& messages() const noexcept { return messages_; }

 private:
  Lines messages_;
};

// Reports "error 1" to "error 4" under "sink".
void report_four_errors(ErrorReporter& reporter) {
  for (int i = 1; i <= 4; ++i) reporter.report("sink", "error " + std::to_string(i));
}

// Sends file descriptor 2 to a temporary file while it lives; text() is
// what was written to stderr since.
class StderrCapture {
 public:
  StderrCapture() {
    std::fflush(stderr);
    file_ = std::tmpfile();
    REQUIRE(file_ != nullptr);
    saved_ = ::dup(STDERR_FILENO);
    REQUIRE(saved_ >= 0);
    REQUIRE(::dup2(::fileno(file_), STDERR_FILENO) >= 0);
  }
  ~StderrCapture() {
    restore();
    std::fclose(file_);
  }
  StderrCapture(const StderrCapture&) = delete;
  StderrCapture& operator=(const StderrCapture&) = delete;

  std::string text() {
    restore();
    std::string out;
    std::rewind(file_);
    char buffer[256];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, file_)) > 0;)
      out.append(buffer, n);
    return out;
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    saved_ = -1;
  }

  std::FILE* file_ = nullptr;
  int saved_ = -1;
};

// Runs `call` on a thread of its own; false if it has not returned within
// `limit`. Such a call is left behind, its thread detached, so that the case
// fails instead of hanging: whatever the call uses must then be leaked.
bool returns_within(std::chrono::milliseconds limit, std::function<void()> call) {
  auto returned = std::make_shared<std::promise<void>>();
  std::future<void> future = returned->get_future();
  std::thread thread([call = std::move(call), returned] {
    call();
    returned->set_value();
  });
  if (future.wait_for(limit) != std::future_status::ready) {
    thread.detach();
    return false;
  }
  thread.join();
  return true;
}

}  // namespace

TEST_CASE("a report reaches the handler as its source, a colon and the message") {
  ErrorReporter reporter;
  Received received;
  reporter.set_handler(received.handler());
  reporter.report("file sink logs/app.log", "write failed: No space left on device");
  CHECK(received.messages() ==
        Lines{"file sink logs/app.log: write failed: No space left on device"});
}

TEST_CASE(
    "within a second of a report a source's errors are held back, and its next report says how "
    "many") {
  ErrorReporter reporter(&ManualErrorClock::now);
  Received received;
  reporter.set_handler(received.handler());

  report_four_errors(reporter);
  CHECK(received.messages() == Lines{"sink: error 1"});

  ManualErrorClock::advance(ErrorReporter::kWindow);
  reporter.report("sink", "error 5");
  CHECK(received.messages() ==
        Lines{"sink: error 1", "sink: error 5 (3 similar errors suppressed)"});

  // The count starts over with each report, and the window with it.
  reporter.report("sink", "error 6");
  CHECK(received.messages().size() == 2);
  ManualErrorClock::advance(ErrorReporter::kWindow);
  reporter.report("sink", "error 7");
  ManualErrorClock::advance(ErrorReporter::kWindow);
  reporter.report("sink", "error 8");
  CHECK(received.messages() == Lines{"sink: error 1", "sink: error 5 (3 similar errors suppressed)",
                                     "sink: error 7 (1 similar error suppressed)",
                                     "sink: error 8"});
}

TEST_CASE(
    "report_pending reports a source's held-back errors once its window has passed: the last "
    "one, and how many others") {
  ErrorReporter reporter(&ManualErrorClock::now);
  Received received;
  reporter.set_handler(received.handler());

  // The window is open: report_pending has nothing to report yet.
  report_four_errors(reporter);
  reporter.report_pending();
  CHECK(received.messages() == Lines{"sink: error 1"});

  ManualErrorClock::advance(ErrorReporter::kWindow);
  reporter.report_pending();
  reporter.report_pending();  // nothing held back any more
  CHECK(received.messages() ==
        Lines{"sink: error 1", "sink: error 4 (2 similar errors suppressed)"});

  // That report opened a window, like any other.
  reporter.report("sink", "error 5");
  CHECK(received.messages().size() == 2);
  ManualErrorClock::advance(ErrorReporter::kWindow);
  reporter.report_pending();
  CHECK(received.messages() ==
        Lines{"sink: error 1", "sink: error 4 (2 similar errors suppressed)", "sink: error 5"});
}

TEST_CASE(
    "report_all_pending reports every source's held-back errors at once, whatever their "
    "windows") {
  ErrorReporter reporter;
  Received received;
  reporter.set_handler(received.handler());
  reporter.report("sink c", "c 1");
  reporter.report("sink c", "c 2");
  reporter.report("sink b", "b 1");
  reporter.report("sink a", "a 1");
  reporter.report("sink a", "a 2");
  reporter.report("sink a", "a 3");
  reporter.report_all_pending();
  reporter.report_all_pending();  // nothing held back any more
  // Each source's first report, then the held-back ones by source name.
  CHECK(received.messages() == Lines{"sink c: c 1", "sink b: b 1", "sink a: a 1",
                                     "sink a: a 3 (1 similar error suppressed)", "sink c: c 2"});
}

TEST_CASE("a window is one second to the nanosecond, for report and report_pending alike") {
  ErrorReporter reporter(&ManualErrorClock::now);
  Received received;
  reporter.set_handler(received.handler());
  reporter.report("sink", "error 1");
  reporter.report("sink", "error 2");
  ManualErrorClock::advance(ErrorReporter::kWindow - 1ns);
  reporter.report_pending();
  reporter.report("sink", "error 3");
  CHECK(received.messages() == Lines{"sink: error 1"});
  ManualErrorClock::advance(1ns);
  reporter.report_pending();
  CHECK(received.messages() ==
        Lines{"sink: error 1", "sink: error 3 (1 similar error suppressed)"});
  ManualErrorClock::advance(ErrorReporter::kWindow - 1ns);
  reporter.report("sink", "error 4");
  ManualErrorClock::advance(1ns);
  reporter.report("sink", "error 5");
  CHECK(received.messages() == Lines{"sink: error 1", "sink: error 3 (1 similar error suppressed)",
                                     "sink: error 5 (1 similar error suppressed)"});
}

TEST_CASE("start_over forgets every window and what was held back, and takes the new clock") {
  ErrorReporter reporter;  // on the steady clock
  Received received;
  reporter.set_handler(received.handler());
  reporter.report("sink", "error 1");
  reporter.report("sink", "error 2");  // held back
  reporter.start_over(&ManualErrorClock::now);
  reporter.report_all_pending();       // nothing held back any more
  reporter.report("sink", "error 3");  // no window open
  reporter.report("sink", "error 4");  // held back, on the manual clock's window
  ManualErrorClock::advance(ErrorReporter::kWindow);
  reporter.report_pending();
  CHECK(received.messages() == Lines{"sink: error 1", "sink: error 3", "sink: error 4"});
}

TEST_CASE("each source has a window of its own") {
  ErrorReporter reporter;
  Received received;
  reporter.set_handler(received.handler());
  reporter.report("file sink a.log", "write failed: a");
  reporter.report("file sink b.log", "write failed: b");
  reporter.report("file sink a.log", "write failed: a again");  // a's window
  reporter.report("file sink a.log (rotation)", "rename failed");
  CHECK(received.messages() == Lines{"file sink a.log: write failed: a",
                                     "file sink b.log: write failed: b",
                                     "file sink a.log (rotation): rename failed"});
}

TEST_CASE(
    "a handler that throws does not reach the caller, and its report still opens the window") {
  ErrorReporter reporter(&ManualErrorClock::now);
  int calls = 0;
  SECTION("a std::exception") {
    reporter.set_handler([&](std::string_view) {
      ++calls;
      throw std::runtime_error("handler failed");
    });
  }
  SECTION("something else") {
    reporter.set_handler([&](std::string_view) {
      ++calls;
      throw 42;
    });
  }
  CHECK_NOTHROW(reporter.report("sink", "first"));
  CHECK_NOTHROW(reporter.report("sink", "second"));  // held back: the first counted
  CHECK(calls == 1);

  Received received;
  reporter.set_handler(received.handler());
  ManualErrorClock::advance(ErrorReporter::kWindow);
  reporter.report("sink", "third");
  CHECK(received.messages() == Lines{"sink: third (1 similar error suppressed)"});
}

TEST_CASE("the default handler writes 'sluice: ' and the report as one line on stderr") {
  ErrorReporter reporter;
  StderrCapture capture;
  reporter.report("backend", "could not pin the backend thread to CPU 9");
  CHECK(capture.text() == "sluice: backend: could not pin the backend thread to CPU 9\n");
}

TEST_CASE("the default handler keeps a report on one line: control bytes are escaped") {
  // A sink's exception text can hold a newline (a server's reply) or a
  // terminal escape; a reader of stderr line by line must see one report.
  ErrorReporter reporter;
  StderrCapture capture;
  reporter.report("http sink",
                  "write failed: 503\nRetry-After: 5\r\n\x1b[31mred\x7f\tend \xc3\xa9");
  CHECK(capture.text() ==
        "sluice: http sink: write failed: 503\\nRetry-After: 5\\r\\n\\x1b[31mred\\x7f\tend "
        "\xc3\xa9\n");
}

TEST_CASE("the default handler escapes C1 controls written as UTF-8: CSI and NEL") {
  // U+0080..U+009F are controls too: U+009B is a terminal's CSI (xterm
  // turns "\xc2\x9b" "31m" red as it does "\x1b[31m"), U+0085 is NEL, a
  // line break. Other UTF-8 (U+00A0, U+00E9) passes as it is.
  ErrorReporter reporter;
  StderrCapture capture;
  reporter.report("http sink",
                  "a\xc2\x9b"
                  "31mred\xc2\x85next\xc2\x80\xc2\x9f \xc2\xa0\xc3\xa9");
  CHECK(capture.text() ==
        "sluice: http sink: a\\xc2\\x9b31mred\\xc2\\x85next\\xc2\\x80\\xc2\\x9f "
        "\xc2\xa0\xc3\xa9\n");
}

TEST_CASE("the default handler escapes invalid UTF-8 and backslashes byte for byte") {
  // A report can quote a record's or a file's bytes. Invalid UTF-8 went to
  // the terminal or log collector raw, and a backslash in the text read
  // like one of the escapes: "\\x1b" written by a sink was the same line as
  // a real ESC. Each byte of an ill-formed sequence is \xHH (a stray
  // continuation byte, a bad lead byte, a sequence cut short, an overlong
  // form, a surrogate); a backslash is \\; valid UTF-8 passes as it is.
  ErrorReporter reporter;
  StderrCapture capture;
  reporter.report("file sink",
                  "path C:\\logs\\x1b \x80 \xff \xe2\x82 \xc0\xaf \xed\xa0\x80 "
                  "\xe2\x82\xac\xf0\x9f\x98\x80 end\xc3");
  CHECK(capture.text() ==
        "sluice: file sink: path C:\\\\logs\\\\x1b \\x80 \\xff \\xe2\\x82 \\xc0\\xaf "
        "\\xed\\xa0\\x80 \xe2\x82\xac\xf0\x9f\x98\x80 end\\xc3\n");
}

TEST_CASE("set_handler(nullptr) puts the default stderr handler back") {
  ErrorReporter reporter;
  Received received;
  reporter.set_handler(received.handler());
  StderrCapture capture;
  reporter.report("sink a", "to the handler");
  reporter.set_handler(nullptr);
  reporter.report("sink b", "to stderr");
  CHECK(received.messages() == Lines{"sink a: to the handler"});
  CHECK(capture.text() == "sluice: sink b: to stderr\n");
}

TEST_CASE("a handler that replaces the handler returns, and the next report goes to the new one") {
  struct Shared {
    ErrorReporter reporter;
    Lines first;  // what the first handler received
    Received second;
  };
  auto shared = std::make_unique<Shared>();
  shared->reporter.set_handler([s = shared.get()](std::string_view message) {
    s->first.emplace_back(message);
    s->reporter.set_handler(s->second.handler());
  });
  if (!returns_within(kDeadlocked, [s = shared.get()] { s->reporter.report("sink a", "first"); })) {
    (void)shared.release();  // its thread still holds it
    FAIL("report() did not return: the handler's set_handler deadlocked");
  }
  shared->reporter.report("sink b", "second");
  CHECK(shared->first == Lines{"sink a: first"});
  CHECK(shared->second.messages() == Lines{"sink b: second"});
}

TEST_CASE("a handler that reports returns, and its report reaches the handler after its own") {
  struct Shared {
    ErrorReporter reporter;
    Received received;
  };
  auto shared = std::make_unique<Shared>();
  shared->reporter.set_handler(
      [s = shared.get(), record = shared->received.handler()](std::string_view message) {
        record(message);
        if (message.starts_with("sink:"))
          s->reporter.report("handler", "passed on " + std::string(message));
      });
  if (!returns_within(kDeadlocked, [s = shared.get()] { s->reporter.report("sink", "first"); })) {
    (void)shared.release();  // its thread still holds it
    FAIL("report() did not return: the handler's report deadlocked");
  }
  CHECK(shared->received.messages() == Lines{"sink: first", "handler: passed on sink: first"});
}

TEST_CASE("set_handler from another thread waits for a call in progress to return") {
  // After set_handler returns, the old handler is not running and will not
  // be called again: its captures may be destroyed.
  ErrorReporter reporter;
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  reporter.set_handler([&entered, released](std::string_view) {
    entered.set_value();
    released.wait();
  });
  std::thread reporting([&] { reporter.report("sink", "slow to handle"); });
  entered.get_future().wait();

  std::atomic<bool> replaced{false};
  std::thread replacing([&] {
    reporter.set_handler(nullptr);
    replaced = true;
  });
  // A set_handler that did not wait would have returned long before this.
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(replaced);  // the first handler is still running
  release.set_value();
  replacing.join();
  reporting.join();
  CHECK(replaced);
}

TEST_CASE(
    "the default handler on a stderr whose reader is gone loses the line, not the process "
    "(SIGPIPE)") {
  // `app 2>&1 | head`: once head exits, a sink's EPIPE is reported on the
  // same broken pipe. SIGPIPE's default action would kill the process.
  const sluice::testing::BrokenPipe pipe;
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  REQUIRE(saved >= 0);
  REQUIRE(::dup2(pipe.write_fd(), STDERR_FILENO) >= 0);

  ErrorReporter reporter;
  reporter.report("console sink (stdout)", "flush failed: cannot write to stdout: Broken pipe");

  ::dup2(saved, STDERR_FILENO);
  ::close(saved);
  CHECK_FALSE(pipe.sigpipe_pending());
}
