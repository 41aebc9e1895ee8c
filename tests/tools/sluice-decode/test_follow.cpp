// --follow: a whole sluice-decode run in a thread reads a file while this
// thread appends blocks to it, tears a block in two, rotates the file
// (rename, more records into the old one, a new file at the path) and
// truncates it; the output must hold every record once, in order.

#include <catch2/catch.hpp>
#include <sluice/kv.hpp>
#include <sluice/sinks/binary_file_sink.hpp>

#include <stdio.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "decode_test_support.hpp"

namespace {

using namespace sluice::testing;
using namespace std::chrono_literals;

void append_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// sluice-decode --follow PATH in a thread, its output in a file.
class FollowRun {
 public:
  FollowRun(const std::string& path, const std::string& out_path) : out_path_(out_path) {
    out_ = std::fopen(out_path.c_str(), "w");
    err_ = std::tmpfile();
    REQUIRE(out_ != nullptr);
    REQUIRE(err_ != nullptr);
    std::vector<std::string_view> args{"--follow", path};
    const auto options = sluice::detail::decode::parse_options(args, kT0);
    thread_ = std::thread([this, options] {
      sluice::detail::decode::Environment env;
      env.out = out_;
      env.err = err_;
      env.poll = 10ms;
      env.stop = &stop_;
      status_ = sluice::detail::decode::run(options, env);
      done_ = true;
    });
  }
  ~FollowRun() { stop(); }

  // Waits until the output is `expected` (it is flushed whenever the reader
  // catches up); false after 20 s.
  bool wait_for(const std::string& expected) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (slurp(out_path_) == expected) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
  // Waits until the run ends by itself (without stop()); false after 5 s.
  bool wait_until_done() {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done_ && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
    return done_;
  }
  int stop() {
    if (thread_.joinable()) {
      stop_ = true;
      thread_.join();
      std::fclose(out_);
      err_text_ = read_back(err_);
    }
    return status_;
  }
  const std::string& err() const noexcept { return err_text_; }

 private:
  std::string out_path_;
  FILE* out_ = nullptr;
  FILE* err_ = nullptr;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  int status_ = -1;
  std::string err_text_;
  std::thread thread_;
};

// Login records numbered 0, 1, 2... a second apart, across whichever files
// they are added to; `expected`: their JSON lines in the order added.
struct NumberedLogins {
  std::vector<std::string> expected;
  int n = 0;
  void add(LogBuilder& log, int count) {
    for (int i = 0; i < count; ++i, ++n) {
      log.add<kLogin>(meta_at(kT0 + n * kSecond), "u", sluice::kv<"n">(n), n);
      expected.push_back(log.json().back());
    }
  }
};

}  // namespace

TEST_CASE("follow: a growing file, a torn block when whole, and across a rotation") {
  TempDir dir("sluice-decode-test");
  const std::string path = dir.file("app.slog");
  LogBuilder old_file, new_file;
  NumberedLogins logins;

  logins.add(old_file, 3);
  write_file(path, old_file.take());
  FollowRun run(path, dir.file("out.jsonl"));
  REQUIRE(run.wait_for(lines(logins.expected)));

  logins.add(old_file, 2);
  append_file(path, old_file.take());
  REQUIRE(run.wait_for(lines(logins.expected)));

  // Half a block, then the rest: nothing is printed (or warned) in between.
  const std::vector<std::string> before = logins.expected;
  logins.add(old_file, 2);
  const std::string block = old_file.take();
  append_file(path, block.substr(0, block.size() / 2));
  std::this_thread::sleep_for(100ms);
  CHECK(slurp(dir.file("out.jsonl")) == lines(before));
  append_file(path, block.substr(block.size() / 2));
  REQUIRE(run.wait_for(lines(logins.expected)));

  // Rotation: the writer still appends to the renamed file before it opens
  // the new one; those records come before the new file's.
  std::filesystem::rename(path, dir.file("app.slog.1"));
  logins.add(old_file, 2);
  append_file(dir.file("app.slog.1"), old_file.take());
  logins.add(new_file, 3);
  write_file(path, new_file.take());
  REQUIRE(run.wait_for(lines(logins.expected)));

  logins.add(new_file, 1);
  append_file(path, new_file.take());
  REQUIRE(run.wait_for(lines(logins.expected)));

  CHECK(run.stop() == 0);
  CHECK(run.err().empty());
  CHECK(logins.n == 13);
}

TEST_CASE("follow: files rotated past between two polls are read, in the order written") {
  TempDir dir("sluice-decode-test");
  const std::string path = dir.file("app.slog");
  // Four files of a set, each started a second after the one before.
  LogBuilder files[] = {LogBuilder(kT0), LogBuilder(kT0 + kSecond), LogBuilder(kT0 + 2 * kSecond),
                        LogBuilder(kT0 + 3 * kSecond)};
  NumberedLogins logins;
  logins.add(files[0], 2);
  write_file(path, files[0].take());
  FollowRun run(path, dir.file("out.jsonl"));
  REQUIRE(run.wait_for(lines(logins.expected)));

  // The writer rotates three times before the reader looks again (index
  // names: each rotation renumbers the older files): the two files in
  // between are never at the path. They are written aside and renamed
  // into place, so no poll can see them there.
  logins.add(files[0], 1);
  append_file(path, files[0].take());
  logins.add(files[1], 2);
  write_file(dir.file("next-1"), files[1].take());
  logins.add(files[2], 2);
  write_file(dir.file("next-2"), files[2].take());
  logins.add(files[3], 2);
  write_file(dir.file("next-3"), files[3].take());
  std::filesystem::rename(path, dir.file("app.slog.3"));
  std::filesystem::rename(dir.file("next-1"), dir.file("app.slog.2"));
  std::filesystem::rename(dir.file("next-2"), dir.file("app.slog.1"));
  std::filesystem::rename(dir.file("next-3"), path);
  const bool all = run.wait_for(lines(logins.expected));
  CHECK(run.stop() == 0);
  CHECK(run.err().empty());
  CHECK(slurp(dir.file("out.jsonl")) == lines(logins.expected));
  CHECK(all);
}

TEST_CASE("follow: starts again after truncation, and reports a torn rotated file") {
  TempDir dir("sluice-decode-test");
  const std::string path = dir.file("app.slog");
  LogBuilder first, second, third;
  std::vector<std::string> expected;
  int n = 0;
  const auto add = [&](LogBuilder& log, int count) {
    for (int i = 0; i < count; ++i, ++n) {
      log.add<kCrash>(meta_at(kT0 + n * kSecond), n);
      expected.push_back(log.json().back());
    }
  };
  add(first, 5);
  write_file(path, first.take());
  FollowRun run(path, dir.file("out.jsonl"));
  REQUIRE(run.wait_for(lines(expected)));

  // copytruncate: the same file, emptied and written anew (shorter than
  // what was read, so the shrink is seen whenever the reader looks).
  add(second, 1);
  write_file(path, second.take());
  REQUIRE(run.wait_for(lines(expected)));

  // A rotated file whose last block was cut short: its complete records
  // are printed, the cut is reported, the new file is read.
  add(second, 1);
  std::string torn = second.take();
  append_file(path, torn.substr(0, torn.size() - 3));
  expected.pop_back();
  std::filesystem::rename(path, dir.file("app.slog.1"));
  add(third, 1);
  write_file(path, third.take());
  REQUIRE(run.wait_for(lines(expected)));

  CHECK(run.stop() == 1);
  const std::size_t torn_at = second.bytes().size() - torn.size();
  CHECK(run.err() == "sluice-decode: " + path + ": offset " + std::to_string(torn_at) +
                         ": skipped " + std::to_string(torn.size() - 3) +
                         " bytes (incomplete or corrupt block at end of input)\n");
}

TEST_CASE("follow: ends when the output cannot be written, as tail -f does") {
  // /dev/full fails every write (ENOSPC), as a full disk or a closed pipe
  // with SIGPIPE ignored does: waiting for more records would be forever.
  if (!std::filesystem::exists("/dev/full")) return;
  TempDir dir("sluice-decode-test");
  const std::string path = dir.file("app.slog");
  LogBuilder log;
  log.add<kCrash>(meta_at(kT0), 1);
  write_file(path, log.take());
  FollowRun run(path, "/dev/full");
  CHECK(run.wait_until_done());
  CHECK(run.stop() == 2);
  CHECK(run.err() == "sluice-decode: cannot write output: No space left on device\n");
}

TEST_CASE("follow: copytruncate of a file a BinaryFileSink keeps writing") {
  TempDir dir("sluice-decode-test");
  const std::string path = dir.file("app.slog");
  sluice::BinaryFileSink sink(path);
  const sluice::JsonFormatter json;
  RecordFixture record;
  std::vector<std::string> expected;
  const auto write = [&](int i) {
    RecordMeta meta = meta_at(kT0 + i * kSecond);
    meta.process_id = static_cast<std::uint32_t>(::getpid());
    const auto& view = record.build<kCrash>(meta, i);
    sink.write(view);
    sink.flush();
    expected.emplace_back();
    json.format(view, expected.back());
  };
  write(0);
  write(1);
  FollowRun run(path, dir.file("out.jsonl"));
  REQUIRE(run.wait_for(lines(expected)));
  // logrotate's copytruncate: copied away, then emptied; the sink's
  // O_APPEND descriptor writes on from offset 0.
  std::filesystem::copy_file(path, dir.file("app.slog.1"));
  std::filesystem::resize_file(path, 0);
  std::this_thread::sleep_for(100ms);  // the reader sees the shrink
  write(2);
  write(3);
  CHECK(run.wait_for(lines(expected)));
  CHECK(run.stop() == 0);
  CHECK(run.err() == "");
}
