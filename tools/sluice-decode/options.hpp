#pragma once
// sluice-decode's command line: what to do, to which inputs, with which
// filters. Parsing is separate from running so that tests can check every
// usage error's exact text.

#include <sluice/level.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::detail::decode {

enum class Command { decode, stats };
enum class OutputFormat { json, text, logfmt };

/// Record filters; every one that is set must accept a record.
struct FilterOptions {
  std::optional<Level> min_level;
  std::string logger;                    // a logger and its descendants; "" for all
  std::optional<std::int64_t> since_ns;  // inclusive
  std::optional<std::int64_t> until_ns;  // exclusive
  std::optional<std::string> thread;     // an OS thread id or a thread name
  std::vector<std::pair<std::string, std::string>> fields;  // key, value as "{}" writes it
  std::optional<std::string> grep;                          // a substring of the message
};

struct Options {
  Command command = Command::decode;
  OutputFormat format = OutputFormat::json;
  std::string pattern;
  bool local_time = false;
  FilterOptions filter;
  bool follow = false;
  std::size_t top = 10;  // stats: call sites listed
  bool help = false;     // print kHelp and exit 0
  std::vector<std::string> inputs;
};

/// A bad command line; what() is the message, without the program name.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parses the arguments after the program name. `now_ns` anchors relative
/// times (-15m). @throws UsageError
Options parse_options(std::span<const std::string_view> args, std::int64_t now_ns);

extern const std::string_view kHelp;

}  // namespace sluice::detail::decode
