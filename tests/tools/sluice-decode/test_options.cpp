// sluice-decode's command line: times, filters, formats, and the exact text
// of every usage error.

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "decode_test_support.hpp"
#include "options.hpp"
#include "time_arg.hpp"

namespace {

using namespace sluice::detail::decode;
using sluice::testing::kSecond;
using sluice::testing::kT0;

Options parse(std::vector<std::string_view> args) { return parse_options(args, kT0); }

std::string usage_error(std::vector<std::string_view> args) {
  try {
    parse(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("ISO 8601 times, with any zone and fraction") {
  CHECK(parse_time_arg("2026-11-23T10:00:00Z", 0) == kT0);
  CHECK(parse_time_arg("2026-11-23t10:00:00z", 0) == kT0);
  CHECK(parse_time_arg("2026-11-23 10:00:00Z", 0) == kT0);
  CHECK(parse_time_arg("2026-11-23T10:00Z", 0) == kT0);
  CHECK(parse_time_arg("2026-11-23T10:00:00.5+01:00", 0) == kT0 - 3600 * kSecond + kSecond / 2);
  CHECK(parse_time_arg("2026-11-23T10:00:00,25-00:30", 0) == kT0 + 1800 * kSecond + kSecond / 4);
  CHECK(parse_time_arg("2026-11-23T10:00:00.123456789Z", 0) == kT0 + 123'456'789);
  CHECK(parse_time_arg("1970-01-01T00:00:00Z", 0) == 0);
  CHECK(parse_time_arg("1969-12-31T23:59:59Z", 0) == -kSecond);
  CHECK(parse_time_arg("2024-02-29T00:00:00Z", 0).has_value());
}

TEST_CASE("relative times count back from now") {
  CHECK(parse_time_arg("-30s", kT0) == kT0 - 30 * kSecond);
  CHECK(parse_time_arg("-15m", kT0) == kT0 - 900 * kSecond);
  CHECK(parse_time_arg("-2h", kT0) == kT0 - 7200 * kSecond);
  CHECK(parse_time_arg("-1d", kT0) == kT0 - 86400 * kSecond);
  CHECK(parse_time_arg("now", kT0) == kT0);
}

TEST_CASE("malformed and impossible times are refused") {
  for (const char* bad : {"",
                          "yesterday",
                          "2026-11-23",
                          "2026-11-23T10:00:00",
                          "2026-11-23T10:00:00+1",
                          "2026-11-23T24:00:00Z",
                          "2026-11-23T10:60:00Z",
                          "2026-11-23T10:00:60Z",
                          "2026-02-30T10:00:00Z",
                          "2025-02-29T00:00:00Z",
                          "2026-13-01T00:00:00Z",
                          "2026-11-23T10:00:00.Z",
                          "2026-11-23T10:00:00.1234567891Z",
                          "2026-11-23T10:00:00Zjunk",
                          "9999-01-01T00:00:00Z",
                          "-15",
                          "-m",
                          "-15x",
                          "15m",
                          "--15m",
                          "-1.5h",
                          "-99999999999999d"}) {
    INFO(bad);
    CHECK_FALSE(parse_time_arg(bad, kT0).has_value());
  }
}

TEST_CASE("filters and formats are parsed") {
  const Options o = parse({"--level",
                           "warn",
                           "--logger=api.security",
                           "--since",
                           "-1h",
                           "--until",
                           "2026-11-23T10:00:00Z",
                           "--thread",
                           "worker-1",
                           "--field",
                           "user_id=123",
                           "--field",
                           "k=a=b",
                           "--grep",
                           "time out",
                           "--format",
                           "logfmt",
                           "a.slog",
                           "-",
                           "--",
                           "-odd"});
  CHECK(o.command == Command::decode);
  CHECK(o.format == OutputFormat::logfmt);
  CHECK(o.filter.min_level == sluice::Level::warning);
  CHECK(o.filter.logger == "api.security");
  CHECK(o.filter.since_ns == kT0 - 3600 * kSecond);
  CHECK(o.filter.until_ns == kT0);
  CHECK(o.filter.thread == "worker-1");
  REQUIRE(o.filter.fields.size() == 2);
  CHECK(o.filter.fields[1] == std::pair<std::string, std::string>{"k", "a=b"});
  CHECK(o.filter.grep == "time out");
  CHECK(o.inputs == std::vector<std::string>{"a.slog", "-", "-odd"});

  CHECK(parse({"--logger", "root", "a"}).filter.logger.empty());
  CHECK(parse({"a"}).format == OutputFormat::json);
  CHECK(parse({"--pattern", "{message}", "a"}).format == OutputFormat::text);
  const Options stats = parse({"stats", "--top", "3", "a"});
  CHECK(stats.command == Command::stats);
  CHECK(stats.format == OutputFormat::text);
  CHECK(stats.top == 3);
  CHECK(parse({"stats", "--format", "json", "a"}).format == OutputFormat::json);
  CHECK(parse({"-f", "a"}).follow);
  CHECK(parse({"--help"}).help);  // no input needed
  CHECK(parse({"./stats"}).inputs == std::vector<std::string>{"./stats"});
}

TEST_CASE("usage errors say what is wrong") {
  CHECK(usage_error({}) == "no input: give FILE... or - for standard input");
  CHECK(usage_error({"--level", "loud", "a"}) ==
        "unknown level \"loud\": expected TRACE, DEBUG, INFO, WARNING, ERROR or CRITICAL");
  CHECK(usage_error({"--level", "off", "a"}) ==
        "unknown level \"off\": expected TRACE, DEBUG, INFO, WARNING, ERROR or CRITICAL");
  CHECK(usage_error({"--since", "yesterday", "a"}) ==
        "invalid --since value \"yesterday\": expected an ISO 8601 time such as "
        "2026-11-23T10:00:00Z or 2026-11-23T10:00:00.5+01:00, or a relative time such as -15m, "
        "-2h, -30s or -1d");
  CHECK(usage_error({"--until", "2026-11-23T10:00:00", "a"}) ==
        "invalid --until value \"2026-11-23T10:00:00\": expected an ISO 8601 time such as "
        "2026-11-23T10:00:00Z or 2026-11-23T10:00:00.5+01:00, or a relative time such as -15m, "
        "-2h, -30s or -1d");
  CHECK(usage_error({"--since", "-1h", "--until", "-2h", "a"}) == "--since must be before --until");
  CHECK(usage_error({"--format", "yaml", "a"}) == "unknown format \"yaml\": json, logfmt or text");
  CHECK(usage_error({"--format", "json", "--pattern", "{message}", "a"}) ==
        "--pattern applies to --format text only");
  CHECK(usage_error({"--field", "user_id", "a"}) == "--field needs KEY=VALUE, got \"user_id\"");
  CHECK(usage_error({"--field", "=1", "a"}) == "--field needs KEY=VALUE, got \"=1\"");
  CHECK(usage_error({"a", "--grep"}) == "--grep needs a value");
  CHECK(usage_error({"--logger", "app.db", "--logger", "security", "a"}) ==
        "--logger given twice: only --field may be repeated");
  CHECK(usage_error({"--grep", "slow", "--grep=payment", "a"}) ==
        "--grep given twice: only --field may be repeated");
  CHECK(usage_error({"--level", "INFO", "a", "--level", "ERROR"}) ==
        "--level given twice: only --field may be repeated");
  CHECK(usage_error({"--follow=yes", "a"}) == "--follow takes no value");
  CHECK(usage_error({"--colour", "a"}) == "unknown option --colour");
  CHECK(usage_error({"-f", "a", "b"}) == "--follow needs exactly one FILE (not -)");
  CHECK(usage_error({"-f", "-"}) == "--follow needs exactly one FILE (not -)");
  // Two readers of one stdin would each get every other megabyte of it.
  CHECK(usage_error({"-", "a", "-"}) == "- (standard input) given twice: it can be read only once");
  CHECK(usage_error({"-", "--", "-"}) ==
        "- (standard input) given twice: it can be read only once");
  CHECK(usage_error({"stats", "--top", "0", "a"}) == "--top needs a positive number, got \"0\"");
  CHECK(usage_error({"stats", "--top", "5x", "a"}) == "--top needs a positive number, got \"5x\"");
  CHECK(usage_error({"stats", "--format", "logfmt", "a"}) ==
        "stats writes text or json, not logfmt");
  CHECK(usage_error({"stats", "--pattern", "{message}", "a"}) ==
        "--pattern does not apply to stats");
  CHECK(usage_error({"stats", "-f", "a"}) == "--follow does not apply to stats");
  // Options that would change nothing are refused, as --pattern is, rather
  // than leave the user believing they took effect.
  CHECK(usage_error({"--local-time", "a"}) == "--local-time applies to --format text only");
  CHECK(usage_error({"--local-time", "--format", "logfmt", "a"}) ==
        "--local-time applies to --format text only");
  CHECK(usage_error({"stats", "--local-time", "a"}) == "--local-time does not apply to stats");
  CHECK(usage_error({"--top", "3", "a"}) == "--top applies to stats only");
}

TEST_CASE("the help text lists every option") {
  for (const char* option : {"--format", "--pattern", "--local-time", "--follow", "--level",
                             "--logger", "--since", "--until", "--thread", "--field", "--grep",
                             "--top", "--help", "stats", "logfmt", "examples:", "exit status"}) {
    INFO(option);
    CHECK(kHelp.find(option) != std::string_view::npos);
  }
  // All of decoding.md's causes of exit status 2, the failed write included.
  const std::size_t status = kHelp.find("exit status:");
  CHECK(kHelp.substr(status, kHelp.find("\n\nexamples:") - status) ==
        "exit status: 0 all decoded; 1 corrupt or incomplete data was skipped (with a\n"
        "warning on stderr, everything else is still printed); 2 usage error, a file\n"
        "that cannot be read, is not a sluice binary log or has a newer format\n"
        "version, or output that cannot be written (a full disk; decoding stops).");
}
