// ConsoleSink: stdout and stderr are redirected (dup2) into files or a
// pseudo-terminal, and the bytes that arrive there are checked exactly.

#include <catch2/catch.hpp>
#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/sinks/console_sink.hpp>
#include <sluice/sinks/file_sink.hpp>
#include <sluice/sluice.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "full_disk.hpp"
#include "record_fixture.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;

namespace {

using sluice::ColorMode;
using sluice::ConsoleOptions;
using sluice::ConsoleSink;
using sluice::Level;
using sluice::detail::SourceLocation;
using sluice::testing::RecordFixture;
using sluice::testing::RecordMeta;

constexpr SourceLocation kTrace{"t", "f.cpp", "fn", 1, Level::trace};
constexpr SourceLocation kDebug{"d", "f.cpp", "fn", 1, Level::debug};
constexpr SourceLocation kInfo{"i", "f.cpp", "fn", 1, Level::info};
constexpr SourceLocation kWarning{"w", "f.cpp", "fn", 1, Level::warning};
constexpr SourceLocation kError{"e", "f.cpp", "fn", 1, Level::error};
constexpr SourceLocation kCritical{"c", "f.cpp", "fn", 1, Level::critical};
constexpr SourceLocation kLine{"{}", "f.cpp", "fn", 1, Level::info};

std::shared_ptr<const sluice::Formatter> simple_formatter() {
  return std::make_shared<sluice::PatternFormatter>("{level} {message}");
}

// Writes one record of each level, trace to critical.
void write_all_levels(ConsoleSink& sink) {
  RecordFixture record;
  sink.write(record.build<kTrace>(RecordMeta{}));
  sink.write(record.build<kDebug>(RecordMeta{}));
  sink.write(record.build<kInfo>(RecordMeta{}));
  sink.write(record.build<kWarning>(RecordMeta{}));
  sink.write(record.build<kError>(RecordMeta{}));
  sink.write(record.build<kCritical>(RecordMeta{}));
}

constexpr const char* kAllLevels = "TRACE t\nDEBUG d\nINFO i\nWARNING w\nERROR e\nCRITICAL c\n";
constexpr const char* kAllLevelsColored =
    "\x1b[90mTRACE t\x1b[0m\n"
    "\x1b[36mDEBUG d\x1b[0m\n"
    "\x1b[32mINFO i\x1b[0m\n"
    "\x1b[33mWARNING w\x1b[0m\n"
    "\x1b[31mERROR e\x1b[0m\n"
    "\x1b[1;37;41mCRITICAL c\x1b[0m\n";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Gives descriptor `target` back as it was when made, once destroyed.
// Catch2 reports on stdout, so stdout is always given back before the test
// case ends.
class SavedFd {
 public:
  explicit SavedFd(int target) : target_(target), saved_(::dup(target)) {
    std::fflush(nullptr);
    REQUIRE(saved_ >= 0);
  }
  ~SavedFd() {
    ::dup2(saved_, target_);
    ::close(saved_);
  }
  SavedFd(const SavedFd&) = delete;
  SavedFd& operator=(const SavedFd&) = delete;

 private:
  int target_;
  int saved_;
};

// Sends descriptor `target` (1 or 2) to `fd` until destroyed.
class Redirect {
 public:
  Redirect(int target, int fd) : saved_(target) { REQUIRE(::dup2(fd, target) == target); }

 private:
  SavedFd saved_;
};

// A file under /tmp, open for writing, removed at the end.
class CaptureFile {
 public:
  CaptureFile() {
    std::string pattern = (fs::temp_directory_path() / "sluice-console-XXXXXX").string();
    fd_ = ::mkstemp(pattern.data());
    REQUIRE(fd_ >= 0);
    path_ = pattern;
  }
  ~CaptureFile() {
    ::close(fd_);
    fs::remove(path_);
  }
  CaptureFile(const CaptureFile&) = delete;
  CaptureFile& operator=(const CaptureFile&) = delete;
  int fd() const { return fd_; }
  std::string text() const { return read_file(path_); }

 private:
  int fd_ = -1;
  fs::path path_;
};

}  // namespace

TEST_CASE("stdout by default, buffered until flush") {
  CaptureFile out;
  Redirect redirect(STDOUT_FILENO, out.fd());
  ConsoleOptions options;
  options.color = ColorMode::never;
  ConsoleSink sink(options, simple_formatter());
  write_all_levels(sink);
  CHECK(out.text().empty());
  sink.flush();
  CHECK(out.text() == kAllLevels);
  CHECK(sink.description() == "console sink (stdout)");
}

TEST_CASE("stderr when asked") {
  CaptureFile out, err;
  Redirect to_out(STDOUT_FILENO, out.fd());
  Redirect to_err(STDERR_FILENO, err.fd());
  ConsoleOptions options;
  options.stream = ConsoleOptions::Stream::err;
  options.color = ColorMode::never;
  ConsoleSink sink(options, simple_formatter());
  write_all_levels(sink);
  sink.flush();
  CHECK(out.text().empty());
  CHECK(err.text() == kAllLevels);
  CHECK(sink.description() == "console sink (stderr)");
}

TEST_CASE("split by level: WARNING and above to stderr") {
  CaptureFile out, err;
  Redirect to_out(STDOUT_FILENO, out.fd());
  Redirect to_err(STDERR_FILENO, err.fd());
  ConsoleOptions options;
  options.split_by_level = true;
  options.color = ColorMode::never;
  ConsoleSink sink(options, simple_formatter());
  write_all_levels(sink);
  sink.flush();
  CHECK(out.text() == "TRACE t\nDEBUG d\nINFO i\n");
  CHECK(err.text() == "WARNING w\nERROR e\nCRITICAL c\n");
  CHECK(sink.description() == "console sink (stdout, WARNING and above to stderr)");
}

TEST_CASE("split streams on one terminal keep the records' order") {
  CaptureFile both;
  Redirect to_out(STDOUT_FILENO, both.fd());
  Redirect to_err(STDERR_FILENO, both.fd());
  ConsoleOptions options;
  options.split_by_level = true;
  options.color = ColorMode::never;
  ConsoleSink sink(options, simple_formatter());
  RecordFixture record;
  sink.write(record.build<kInfo>(RecordMeta{}));
  sink.write(record.build<kWarning>(RecordMeta{}));
  sink.write(record.build<kInfo>(RecordMeta{}));
  sink.write(record.build<kInfo>(RecordMeta{}));
  sink.write(record.build<kError>(RecordMeta{}));
  sink.write(record.build<kDebug>(RecordMeta{}));
  sink.flush();
  CHECK(both.text() == "INFO i\nWARNING w\nINFO i\nINFO i\nERROR e\nDEBUG d\n");
}

TEST_CASE("colours forced on: each level's colour around the line, reset before the newline") {
  CaptureFile out;
  Redirect redirect(STDOUT_FILENO, out.fd());
  ConsoleOptions options;
  options.color = ColorMode::always;
  ConsoleSink sink(options, simple_formatter());
  write_all_levels(sink);
  sink.flush();
  CHECK(out.text() == kAllLevelsColored);
}

TEST_CASE("colours forced on: the sink's colours stay, the logged text's escapes are shown") {
  static constexpr SourceLocation kUser{"user {}", "f.cpp", "fn", 1, Level::info};
  CaptureFile out;
  Redirect redirect(STDOUT_FILENO, out.fd());
  ConsoleOptions options;
  options.color = ColorMode::always;
  ConsoleSink sink(options, simple_formatter());
  RecordFixture record;
  sink.write(record.build<kUser>(RecordMeta{}, "\x1b[2J\x1b]0;title\x07\xc2\x9b"));
  sink.flush();
  CHECK(out.text() == "\x1b[32mINFO user \\x1b[2J\\x1b]0;title\\x07\\xc2\\x9b\x1b[0m\n");
}

namespace {

// A user's formatter that adds ANSI bold of its own around what it reads
// from the record, as spdlog and Quill users write them.
class BoldFormatter final : public sluice::Formatter {
 public:
  void format(const sluice::RecordView& record, std::string& out) const override {
    out += "\x1b[1m";
    out += record.logger_name();
    out += ": ";
    out += record.message();
    out += "\x1b[0m";
    for (std::size_t i = 0; i < record.field_count(); ++i) {
      const sluice::FieldView& field = record.field(i);
      out += ' ';
      out += field.name;
      out += '=';
      out += field.value.text;
    }
  }
};

}  // namespace

TEST_CASE(
    "a formatter of the user's own: its colours reach the console, the logged text's escapes do "
    "not") {
  // Before: the message, the field's value and the logger's name reached the
  // terminal raw (ESC ] 0 ; ... BEL retitled it, ESC [ 2 J cleared it).
  static constexpr SourceLocation kUser{"user {}", "f.cpp", "fn", 1, Level::info};
  CaptureFile out;
  Redirect redirect(STDOUT_FILENO, out.fd());
  ConsoleOptions options;
  options.color = ColorMode::never;
  ConsoleSink sink(options, std::make_shared<BoldFormatter>());
  RecordFixture record;
  RecordMeta meta;
  meta.logger = "app\x1b[8m";
  sink.write(record.build<kUser>(meta, "\x1b]0;title\x07", sluice::kv<"note">("\x1b[2J\xc2\x9b")));
  sink.flush();
  CHECK(out.text() ==
        "\x1b[1mapp\\x1b[8m: user \\x1b]0;title\\x07\x1b[0m note=\\x1b[2J\\xc2\\x9b\n");
}

TEST_CASE("colours forced off, and automatic on a file: none") {
  CaptureFile out;
  Redirect redirect(STDOUT_FILENO, out.fd());
  ConsoleOptions options;
  options.color = GENERATE(ColorMode::never, ColorMode::automatic);
  ConsoleSink sink(options, simple_formatter());
  write_all_levels(sink);
  sink.flush();
  CHECK(out.text() == kAllLevels);
}

namespace {

// What a ConsoleSink with automatic colours, writing every level to stdout
// on a pseudo-terminal, puts there: read until `size` bytes came, or 2 s.
std::string all_levels_on_a_terminal(std::size_t size) {
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  REQUIRE(master >= 0);
  REQUIRE(::grantpt(master) == 0);
  REQUIRE(::unlockpt(master) == 0);
  const int terminal = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  REQUIRE(terminal >= 0);
  termios raw{};
  REQUIRE(::tcgetattr(terminal, &raw) == 0);
  ::cfmakeraw(&raw);  // no "\n" -> "\r\n"
  REQUIRE(::tcsetattr(terminal, TCSANOW, &raw) == 0);

  std::string received;
  {
    Redirect redirect(STDOUT_FILENO, terminal);
    ConsoleSink sink(ConsoleOptions{}, simple_formatter());
    write_all_levels(sink);
    sink.flush();
  }
  while (received.size() < size) {
    pollfd ready{master, POLLIN, 0};
    if (::poll(&ready, 1, 2000) != 1) break;
    char chunk[512];
    const ssize_t n = ::read(master, chunk, sizeof chunk);
    if (n <= 0) break;
    received.append(chunk, static_cast<std::size_t>(n));
  }
  ::close(terminal);
  ::close(master);
  return received;
}

// Sets (or, with nullptr, unsets) an environment variable for a scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("automatic colours on a terminal") {
  const ScopedEnv no_color("NO_COLOR", nullptr);
  const ScopedEnv term("TERM", "xterm-256color");
  const std::string expected = kAllLevelsColored;
  CHECK(all_levels_on_a_terminal(expected.size()) == expected);
}

TEST_CASE("automatic colours: none on a terminal with NO_COLOR set, or TERM=dumb") {
  // The conventions of no-color.org and of terminals that take no escapes;
  // an empty NO_COLOR does not count.
  const std::string plain = kAllLevels;
  {
    const ScopedEnv no_color("NO_COLOR", "1");
    const ScopedEnv term("TERM", "xterm-256color");
    CHECK(all_levels_on_a_terminal(plain.size()) == plain);
  }
  {
    const ScopedEnv no_color("NO_COLOR", nullptr);
    const ScopedEnv term("TERM", "dumb");
    CHECK(all_levels_on_a_terminal(plain.size()) == plain);
  }
  {
    const ScopedEnv no_color("NO_COLOR", "");
    const ScopedEnv term("TERM", "xterm-256color");
    const std::string colored = kAllLevelsColored;
    CHECK(all_levels_on_a_terminal(colored.size()) == colored);
  }
}

TEST_CASE("without a formatter the default pattern is used") {
  CaptureFile out;
  Redirect redirect(STDOUT_FILENO, out.fd());
  ConsoleOptions options;
  options.color = ColorMode::never;
  {
    ConsoleSink sink(options);
    RecordFixture record;
    sink.write(record.build<kInfo>(RecordMeta{}));
  }  // the destructor flushes
  CHECK(out.text() == "2026-11-23T11:50:51.123456789Z INFO     app.db: i\n");
}

namespace {

// Closes descriptor `target` until destroyed, as `app >&-` starts a process.
class ClosedFd {
 public:
  explicit ClosedFd(int target) : saved_(target) { REQUIRE(::close(target) == 0); }

 private:
  SavedFd saved_;
};

}  // namespace

TEST_CASE("a closed stdout is a write error, not a log file opened after it") {
  // The file sink used to get descriptor 1, the lowest free one, and the
  // console's lines went into the log file beside the file sink's own.
  sluice::testing::TempDir dir("sluice-console");
  ConsoleOptions options;
  options.color = ColorMode::never;
  std::string console_error = "(no error)";
  {
    const ClosedFd closed(STDOUT_FILENO);
    ConsoleSink console(options, simple_formatter());
    sluice::FileSink file(dir / "app.log", simple_formatter());
    RecordFixture record;
    console.write(record.build<kWarning>(RecordMeta{}));
    file.write(record.build<kInfo>(RecordMeta{}));
    file.flush();
    try {
      console.flush();
    } catch (const sluice::Error& e) {
      console_error = e.what();
    }
  }
  CHECK(read_file(dir / "app.log") == "INFO i\n");
  CHECK(console_error == "cannot write to stdout: Bad file descriptor (10 bytes kept for retry)");
}

TEST_CASE("a stdout that takes lines again: the discarded ones are reported, the write succeeds") {
  // Under the backoff, a line that finds the kept bytes full (1 MiB for the
  // console) is discarded without a try, so no error counts it: the write
  // that succeeds afterwards tells of it, as a recovery, not a failure.
  const std::string big(300'000, 'x');  // 3 fit in the kept bytes, not 4
  std::vector<std::string> reports;
  sluice::set_error_handler([&](std::string_view message) { reports.emplace_back(message); });
  CaptureFile out;
  std::string error = "(no error)";
  {
    Redirect redirect(STDOUT_FILENO, out.fd());
    ConsoleOptions options;
    options.color = ColorMode::never;
    ConsoleSink sink(options, std::make_shared<sluice::PatternFormatter>("{message}"));
    RecordFixture record;
    {
      sluice::testing::FullDisk full(STDOUT_FILENO);
      for (int line = 1; line <= 8; ++line) {
        CHECK_THROWS_AS(sink.write(record.build<kLine>(RecordMeta{}, big)), sluice::Error);
      }
    }
    sink.write(record.build<kLine>(RecordMeta{}, big));  // no try: discarded
    try {
      sink.write(record.build<kLine>(RecordMeta{}, "resumed"));
    } catch (const sluice::Error& e) {
      error = e.what();
    }
  }
  sluice::set_error_handler(nullptr);
  CHECK(error == "(no error)");
  const std::string kept = big + '\n';
  CHECK(out.text() == kept + kept + kept + "resumed\n");
  CHECK(reports == std::vector<std::string>{"console sink (stdout): writing to stdout again after "
                                            "a failure: 6 lines (1800006 bytes) discarded so far"});
}

TEST_CASE("a non-blocking stdout waits for a slow reader instead of failing with EAGAIN") {
  // O_NONBLOCK belongs to the open file description, which a parent process
  // (a node.js wrapper, some CI runners) may have set on the shared pipe.
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::fcntl(fds[1], F_SETFL, ::fcntl(fds[1], F_GETFL) | O_NONBLOCK) == 0);
  std::string received;
  std::thread reader([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the pipe fills first
    char chunk[4096];
    ssize_t n = 0;
    while ((n = ::read(fds[0], chunk, sizeof chunk)) > 0) {
      received.append(chunk, static_cast<std::size_t>(n));
    }
  });
  std::string expected;
  std::string error = "(no error)";
  {
    Redirect redirect(STDOUT_FILENO, fds[1]);
    ::close(fds[1]);  // the reader sees the end once stdout is given back
    ConsoleOptions options;
    options.color = ColorMode::never;
    ConsoleSink sink(options, simple_formatter());
    RecordFixture record;
    try {
      for (int i = 0; i < 40000; ++i) {  // 400,000 bytes: more than a pipe holds
        expected += "WARNING w\n";
        sink.write(record.build<kWarning>(RecordMeta{}));
      }
      sink.flush();
    } catch (const sluice::Error& e) {
      error = e.what();
    }
  }
  reader.join();
  ::close(fds[0]);
  CHECK(error == "(no error)");
  CHECK(received.size() == expected.size());
  CHECK(received == expected);
}

namespace {

// In a child: a console sink built while stdout was /dev/null (so its
// writer saw no pipe), then stdout pointed at a pipe whose reader is gone
// (dup2), and one record logged and flushed there. Exits the child with a
// code of 2-4 where the set-up fails.
std::shared_ptr<sluice::ConsoleSink> console_into_dead_pipe(sluice::Logger& log) {
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0 || ::dup2(null, STDOUT_FILENO) < 0 || ::dup2(null, STDERR_FILENO) < 0) std::_Exit(2);
  ::signal(SIGPIPE, SIG_DFL);
  auto console = std::make_shared<sluice::ConsoleSink>();
  log.add_sink(console);
  sluice::start();
  int fds[2];
  if (::pipe(fds) != 0) std::_Exit(3);
  ::close(fds[0]);  // the reader is gone
  if (::dup2(fds[1], STDOUT_FILENO) < 0) std::_Exit(4);
  SLUICE_INFO(log, "into a pipe nobody reads");
  sluice::flush();  // fails on the backend thread: the line is kept
  return console;
}

// Runs `child_body` (which must end in std::_Exit: the child must never
// return into Catch) in a child, and checks that it exited 0, not killed by
// a signal.
template <typename Body>
void check_child_exits_cleanly(Body child_body) {
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    child_body();
    std::_Exit(1);
  }
  const std::optional<int> status =
      sluice::testing::wait_for_child(child, std::chrono::seconds(30));
  REQUIRE(status.has_value());
  INFO("wait status " << *status);
  CHECK_FALSE(WIFSIGNALED(*status));
  REQUIRE(WIFEXITED(*status));
  CHECK(WEXITSTATUS(*status) == 0);
}

// Where the last reference to the console sink goes, once the backend's
// flush of a record failed in the dead pipe (its bytes kept for the retry):
// the sink's destructor writes the kept bytes, on the thread that lets go
// of the sink, not the backend thread.
enum class LastReference { dropped_after_stop, dropped_by_stop };

void drop_console_after_failed_flush(LastReference last) {
  sluice::Logger& log = sluice::get_logger("piped");
  auto console = console_into_dead_pipe(log);
  // At least the flush() failed; the backend's idle flush may have failed
  // on its own before it (was != 1: exit code 5 in about 1 run of 14 on a
  // busy machine).
  if (sluice::stats().sink_errors < 1) std::_Exit(5);
  log.remove_sink(console);
  if (last == LastReference::dropped_by_stop) console.reset();
  sluice::stop();  // lets go of the sinks it held
  console.reset();
  std::_Exit(0);
}

}  // namespace

TEST_CASE(
    "stdout made a pipe after the console sink was built: the sink's last flush off the backend "
    "thread is no SIGPIPE either") {
  // The backend thread blocks SIGPIPE; the thread that drops the last
  // reference to the sink, whose destructor flushes, did not: the child was
  // killed by signal 13.
  check_child_exits_cleanly(
      [] { drop_console_after_failed_flush(LastReference::dropped_after_stop); });
}

TEST_CASE(
    "stdout made a pipe after the console sink was built: stop() letting go of a sink no logger "
    "has is no SIGPIPE") {
  // stop() lets go of the backend's references on the thread calling it:
  // the sink's destructor ran there, with SIGPIPE not blocked.
  check_child_exits_cleanly(
      [] { drop_console_after_failed_flush(LastReference::dropped_by_stop); });
}

TEST_CASE(
    "stdout made a pipe after the console sink was built: its lost reader is an error, not "
    "SIGPIPE") {
  // The SIGPIPE guard is chosen when the sink is built, from what stdout is
  // then (/dev/null here: no guard). A program that points stdout at a pipe
  // afterwards (dup2) was killed by SIGPIPE, its default action, on the
  // backend's first write once the pipe's reader was gone.
  check_child_exits_cleanly([] {
    sluice::Logger& log = sluice::get_logger("piped");
    auto console = console_into_dead_pipe(log);
    sluice::stop();
    std::_Exit(sluice::stats().sink_errors >= 1 ? 0 : 5);
  });
}
