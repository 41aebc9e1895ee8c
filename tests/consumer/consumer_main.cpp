// A program as a user writes it: logs through a CaptureSink and checks what
// arrived. Built by both consumer projects.

#include <sluice/sinks/capture_sink.hpp>
#include <sluice/sluice.hpp>

#include <cstdio>
#include <memory>
#include <string>

// sluice's private headers (core/) are not on a consumer's include path.
#if __has_include("backend.hpp")
#error "sluice's core/ headers are visible to a consumer"
#endif

// Deliberately unused parameter: -Wextra warns about it, so if sluice's
// -Werror leaked into consumers through sluice::sluice this file would fail.
static int unused_parameter(int value) { return 0; }

static bool expect(bool ok, const char* what) {
  if (!ok) std::fprintf(stderr, "consumer: FAILED: %s\n", what);
  return ok;
}

int main() {
  auto capture = std::make_shared<sluice::CaptureSink>();
  sluice::Logger& log = sluice::get_logger("consumer");
  log.add_sink(capture);

  SLUICE_INFO(log, "hello {} from {}", 42, std::string("a consumer"), sluice::kv<"user_id">(7));
  SLUICE_INFO(log, "second");
  sluice::flush();
  // One queue for this thread, however many calls: the thread's queue
  // pointer is one variable, even in a program built with hidden visibility
  // against shared libraries (a copy of its own made a queue per call).
  const bool one_queue = expect(sluice::stats().thread_queues == 1, "one thread queue");
  sluice::stop();

  const auto records = capture->records();
  bool ok = expect(records.size() == 2, "two records captured");
  ok &= one_queue;
  if (ok) {
    const sluice::CapturedRecord& r = records[0];
    ok &= expect(r.message == "hello 42 from a consumer", "message formatted");
    ok &= expect(r.level == sluice::Level::info, "level INFO");
    ok &= expect(r.logger == "consumer", "logger name");
    ok &=
        expect(r.fields.size() == 1 && r.fields[0].first == "user_id" && r.fields[0].second == "7",
               "user_id field");
  }
  std::puts(ok ? "consumer: ok" : "consumer: failed");
  return ok ? unused_parameter(0) : 1;
}
