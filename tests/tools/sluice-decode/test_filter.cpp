// Filters, each alone and combined, through a whole sluice-decode run; and
// the rule that only --grep formats messages.

#include <catch2/catch.hpp>
#include <sluice/kv.hpp>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "binary_format.hpp"
#include "decode_test_support.hpp"
#include "record_filter.hpp"

namespace {

using namespace sluice::testing;
using sluice::kv;

// Six records, one per 10 s from T0, over loggers app.db, api.security,
// api.security.auth, apix, api and the root; threads 100 "main", 201
// "worker-1", 202 "worker-2" and 300 named "201".
void make_log(LogBuilder& log) {
  log.add<kLogin>(meta_at(kT0, "app.db"), "alice", kv<"user_id">(123), 1);
  log.add<kTimeout>(meta_at(kT0 + 10 * kSecond, "api.security", "worker-1", 201), 250,
                    kv<"endpoint">(std::string_view("/login")));
  log.add<kCrash>(meta_at(kT0 + 20 * kSecond, "api.security.auth", "worker-2", 202), 3,
                  kv<"load">(0.5));
  log.end_block();
  log.add<kCache>(meta_at(kT0 + 30 * kSecond, "apix"));
  log.add<kLogin>(meta_at(kT0 + 40 * kSecond, "api", "worker-1", 201), "bob", kv<"user_id">(456),
                  2);
  log.add<kTimeout>(meta_at(kT0 + 50 * kSecond, "", "201", 300), 1500,
                    kv<"endpoint">(std::string_view("/search")));
}

class FilterTest {
 public:
  FilterTest() {
    make_log(log_);
    write_file(path_, log_.bytes());
  }

  // The records (by index) that sluice-decode prints with these options.
  std::vector<std::string> run(std::vector<std::string_view> args,
                               std::int64_t now = kT0 + 50 * kSecond) {
    args.push_back(path_);
    const DecodeResult result = decode(args, now);
    REQUIRE(result.err.empty());
    REQUIRE(result.status == 0);
    std::vector<std::string> out;
    std::string_view rest = result.out;
    while (!rest.empty()) {
      const auto nl = rest.find('\n');
      REQUIRE(nl != std::string_view::npos);
      out.emplace_back(rest.substr(0, nl));
      rest.remove_prefix(nl + 1);
    }
    return out;
  }
  std::vector<std::string> records(std::initializer_list<int> indexes) const {
    std::vector<std::string> out;
    for (const int i : indexes) out.push_back(log_.json().at(static_cast<std::size_t>(i)));
    return out;
  }

 private:
  TempDir dir_{"sluice-decode-test"};
  std::string path_ = dir_.file("filter.slog");
  LogBuilder log_;
};

}  // namespace

TEST_CASE("no filter prints every record, as the JsonFormatter did live") {
  FilterTest t;
  CHECK(t.run({}) == t.records({0, 1, 2, 3, 4, 5}));
}

TEST_CASE("level filter: that level and above") {
  FilterTest t;
  CHECK(t.run({"--level", "WARNING"}) == t.records({1, 2, 5}));
  CHECK(t.run({"--level", "error"}) == t.records({2}));
  CHECK(t.run({"--level", "debug"}) == t.records({0, 1, 2, 3, 4, 5}));
  CHECK(t.run({"--level", "critical"}).empty());
}

TEST_CASE("logger filter: a logger and its descendants, not its namesakes") {
  FilterTest t;
  CHECK(t.run({"--logger", "api"}) == t.records({1, 2, 4}));
  CHECK(t.run({"--logger", "api.security"}) == t.records({1, 2}));
  CHECK(t.run({"--logger", "api.security.auth"}) == t.records({2}));
  CHECK(t.run({"--logger", "apix"}) == t.records({3}));
  CHECK(t.run({"--logger", "ap"}).empty());
  CHECK(t.run({"--logger", ""}) == t.records({0, 1, 2, 3, 4, 5}));
  CHECK(t.run({"--logger", "root"}) == t.records({0, 1, 2, 3, 4, 5}));
}

TEST_CASE("time filters: since inclusive, until exclusive, absolute or relative") {
  FilterTest t;
  CHECK(t.run({"--since", "2026-11-23T10:00:20Z"}) == t.records({2, 3, 4, 5}));
  CHECK(t.run({"--since", "2026-11-23T11:00:20+01:00"}) == t.records({2, 3, 4, 5}));
  CHECK(t.run({"--since", "2026-11-23T10:00:20.000000001Z"}) == t.records({3, 4, 5}));
  CHECK(t.run({"--until", "2026-11-23T10:00:20Z"}) == t.records({0, 1}));
  CHECK(t.run({"--since", "-40s"}) == t.records({1, 2, 3, 4, 5}));  // now is T0 + 50 s
  CHECK(t.run({"--since", "-1m", "--until", "-15s"}) == t.records({0, 1, 2, 3}));
  CHECK(t.run({"--since", "-1d"}, kT0 + 2 * 86400 * kSecond).empty());
}

TEST_CASE("thread filter: an OS thread id or a thread name") {
  FilterTest t;
  CHECK(t.run({"--thread", "worker-1"}) == t.records({1, 4}));
  CHECK(t.run({"--thread", "100"}) == t.records({0, 3}));
  CHECK(t.run({"--thread", "201"}) == t.records({1, 4, 5}));  // id 201, or the name "201"
  CHECK(t.run({"--thread", "nobody"}).empty());
}

TEST_CASE("field filter: a field's value as {} writes it, all of them") {
  FilterTest t;
  CHECK(t.run({"--field", "user_id=123"}) == t.records({0}));
  CHECK(t.run({"--field", "user_id=456"}) == t.records({4}));
  CHECK(t.run({"--field", "endpoint=/login"}) == t.records({1}));
  CHECK(t.run({"--field", "load=0.5"}) == t.records({2}));
  CHECK(t.run({"--field", "user_id=12"}).empty());
  CHECK(t.run({"--field", "missing=1"}).empty());
  CHECK(t.run({"--field", "user_id=123", "--field", "endpoint=/login"}).empty());
}

TEST_CASE("grep filter: looks in the formatted message") {
  FilterTest t;
  CHECK(t.run({"--grep", "timed out"}) == t.records({1, 5}));
  CHECK(t.run({"--grep", "alice logged in from 1"}) == t.records({0}));
  CHECK(t.run({"--grep", "after 1500 ms"}) == t.records({5}));
  CHECK(t.run({"--grep", "user_id"}).empty());  // fields are not in the message
}

TEST_CASE("filters combine: a record must pass all of them") {
  FilterTest t;
  CHECK(t.run({"--level", "warning", "--logger", "api", "--since", "2026-11-23T10:00:05Z",
               "--until", "2026-11-23T10:01:00Z"}) == t.records({1, 2}));
  CHECK(t.run({"--level", "warning", "--logger", "api", "--grep", "crashed"}) == t.records({2}));
  CHECK(t.run({"--thread", "worker-1", "--field", "user_id=456", "--level", "info"}) ==
        t.records({4}));
  CHECK(t.run({"--thread", "worker-1", "--level", "error"}).empty());
  CHECK(t.run({"--format", "text", "--pattern", "{logger}|{message}", "--logger", "api.security",
               "--grep", "3"}) == std::vector<std::string>{"api.security.auth|worker 3 crashed"});
}

TEST_CASE("only --grep formats messages") {
  using sluice::detail::decode::FilterOptions;
  using sluice::detail::decode::RecordFilter;
  LogBuilder log;
  make_log(log);
  const auto pass = [&](const FilterOptions& options) {
    RecordFilter filter(options);
    sluice::detail::binlog::BinaryReader reader;
    reader.append({reinterpret_cast<const std::byte*>(log.bytes().data()), log.bytes().size()});
    reader.end_input();
    int passed = 0;
    while (const sluice::RecordView* r = reader.next()) passed += filter.accepts(*r) ? 1 : 0;
    return std::pair{passed, filter.messages_formatted()};
  };
  FilterOptions cheap;
  cheap.min_level = sluice::Level::info;
  cheap.logger = "api";
  cheap.since_ns = kT0;
  cheap.until_ns = kT0 + 60 * kSecond;
  cheap.thread = "worker-1";
  cheap.fields = {{"user_id", "456"}};
  CHECK(pass(cheap) == std::pair{1, std::uint64_t{0}});
  FilterOptions grep = cheap;
  grep.fields.clear();
  grep.grep = "bob";
  // Records 1 and 4 get past the others; only they are formatted.
  CHECK(pass(grep) == std::pair{1, std::uint64_t{2}});
  FilterOptions grep_only;
  grep_only.grep = "e";
  CHECK(pass(grep_only) == std::pair{6, std::uint64_t{6}});
}
