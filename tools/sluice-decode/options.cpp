#include "options.hpp"

#include <sluice/formatter.hpp>

#include <algorithm>
#include <charconv>
#include <vector>

#include "time_arg.hpp"

namespace sluice::detail::decode {

const std::string_view kHelp = R"(usage: sluice-decode [OPTIONS] FILE... | -
       sluice-decode stats [OPTIONS] FILE... | -

Decodes binary logs written by sluice::BinaryFileSink to JSON Lines (a
default JsonFormatter's output, byte for byte), logfmt or text. "-" reads
standard input (it may be given once). Several files (say, a log and its
rotated predecessors) are merged in timestamp order; each file is taken in
the order it was written. zstd-compressed logs (.slog.zst) are recognised by
their content, also when concatenated with plain ones.

output:
  --format json|logfmt|text  output format (default: json; stats: text)
  --pattern PATTERN    text pattern, as for PatternFormatter; implies --format
                       text (default: "{timestamp} {level:<8} {logger}: {message}{fields}")
  --local-time         text timestamps in the local zone instead of UTC
                       (--format text only)
  -f, --follow         keep reading FILE as it grows, like tail -f, and follow
                       it when it is rotated (renamed away and created anew),
                       reading the files of its rotated set it was rotated
                       past between two looks; one FILE only; stops on
                       Ctrl-C (SIGINT) or SIGTERM

filters (combinable: a record must pass all of them):
  --level LEVEL        LEVEL and above: TRACE, DEBUG, INFO, WARNING, ERROR,
                       CRITICAL (any case; WARN for WARNING)
  --logger NAME        that logger and its descendants (api.security also
                       takes api.security.auth); "" or root: all
  --since TIME         records at or after TIME
  --until TIME         records before TIME
                       TIME: ISO 8601 with a zone (2026-11-23T10:00:00Z,
                       2026-11-23T10:00:00.5+01:00) or relative to now
                       (-30s, -15m, -2h, -1d, now)
  --thread ID|NAME     records of that OS thread id or thread name
  --field KEY=VALUE    records with field KEY whose value, written as "{}"
                       writes it, is VALUE; repeatable (all must match)
  --grep TEXT          records whose formatted message contains TEXT
  Only --grep formats messages; the other filters do not.

stats: counts by level, by logger and by call site (--top N, default 10),
records per minute, first and last timestamp, records and bytes read;
messages are not formatted. --format text (default) or json. Filters apply.

other:
  -h, --help           this text
  --                   what follows is a FILE, even if it starts with '-'

A progress line (records, MB, rate) is shown on stderr for runs longer than
half a second when stderr is a terminal and stdout is not.

exit status: 0 all decoded; 1 corrupt or incomplete data was skipped (with a
warning on stderr, everything else is still printed); 2 usage error, a file
that cannot be read, is not a sluice binary log or has a newer format
version, or output that cannot be written (a full disk; decoding stops).

examples:
  sluice-decode app.slog | jq 'select(.level == "ERROR")'
  sluice-decode app.slog.2 app.slog.1 app.slog > merged.jsonl
  sluice-decode --format text --pattern '{timestamp} {message}' app.slog
  sluice-decode --format logfmt --level WARNING --logger api --since -15m app.slog
  sluice-decode --field user_id=123 --grep timeout app.slog
  sluice-decode --follow --format text /var/log/app.slog
  sluice-decode stats --top 5 app.slog*
  ssh host cat /var/log/app.slog | sluice-decode -
)";

namespace {

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

Level parse_level_arg(std::string_view text) {
  const std::optional<Level> level = parse_level(text);
  if (!level || *level == Level::off) {
    throw UsageError("unknown level " + quoted(text) +
                     ": expected TRACE, DEBUG, INFO, WARNING, ERROR or CRITICAL");
  }
  return *level;
}

std::int64_t parse_time(std::string_view option, std::string_view text, std::int64_t now_ns) {
  const std::optional<std::int64_t> ns = parse_time_arg(text, now_ns);
  if (!ns) {
    throw UsageError("invalid " + std::string(option) + " value " + quoted(text) +
                     ": expected an ISO 8601 time such as 2026-11-23T10:00:00Z or "
                     "2026-11-23T10:00:00.5+01:00, or a relative time such as -15m, -2h, "
                     "-30s or -1d");
  }
  return *ns;
}

std::size_t parse_top(std::string_view text) {
  std::size_t n = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (error != std::errc{} || end != text.data() + text.size() || n == 0) {
    throw UsageError("--top needs a positive number, got " + quoted(text));
  }
  return n;
}

OutputFormat parse_format(std::string_view text) {
  if (text == "json") return OutputFormat::json;
  if (text == "text") return OutputFormat::text;
  if (text == "logfmt") return OutputFormat::logfmt;
  throw UsageError("unknown format " + quoted(text) + ": json, logfmt or text");
}

// Options that take a value, as --name VALUE or --name=VALUE.
bool takes_value(std::string_view name) {
  for (const std::string_view n : {"--format", "--pattern", "--level", "--logger", "--since",
                                   "--until", "--thread", "--field", "--grep", "--top"}) {
    if (name == n) return true;
  }
  return false;
}

}  // namespace

Options parse_options(std::span<const std::string_view> args, std::int64_t now_ns) {
  Options options;
  std::optional<OutputFormat> format;
  std::optional<std::string> pattern;
  bool options_done = false;
  // Value options seen so far. Each but --field may be given once: a second
  // --logger or --grep used to replace the first without a word, where a
  // journalctl or grep user expects both to count.
  std::vector<std::string_view> given;
  std::size_t i = 0;
  if (!args.empty() && args[0] == "stats") {
    options.command = Command::stats;
    i = 1;
  }
  for (; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (options_done || arg == "-" || !arg.starts_with("-")) {
      options.inputs.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    std::optional<std::string_view> inline_value;
    if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      inline_value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    std::string_view value;
    if (takes_value(arg)) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        throw UsageError(std::string(arg) + " needs a value");
      }
    } else if (inline_value) {
      throw UsageError(std::string(arg) + " takes no value");
    }
    if (takes_value(arg) && arg != "--field") {
      if (std::find(given.begin(), given.end(), arg) != given.end()) {
        throw UsageError(std::string(arg) + " given twice: only --field may be repeated");
      }
      given.push_back(arg);
    }

    if (arg == "-h" || arg == "--help") {
      options.help = true;
    } else if (arg == "--format") {
      format = parse_format(value);
    } else if (arg == "--pattern") {
      pattern = std::string(value);
    } else if (arg == "--local-time") {
      options.local_time = true;
    } else if (arg == "-f" || arg == "--follow") {
      options.follow = true;
    } else if (arg == "--level") {
      options.filter.min_level = parse_level_arg(value);
    } else if (arg == "--logger") {
      options.filter.logger = value == "root" ? std::string_view{} : value;
    } else if (arg == "--since") {
      options.filter.since_ns = parse_time("--since", value, now_ns);
    } else if (arg == "--until") {
      options.filter.until_ns = parse_time("--until", value, now_ns);
    } else if (arg == "--thread") {
      options.filter.thread = std::string(value);
    } else if (arg == "--field") {
      const auto eq = value.find('=');
      if (eq == std::string_view::npos || eq == 0) {
        throw UsageError("--field needs KEY=VALUE, got " + quoted(value));
      }
      options.filter.fields.emplace_back(value.substr(0, eq), value.substr(eq + 1));
    } else if (arg == "--grep") {
      options.filter.grep = std::string(value);
    } else if (arg == "--top") {
      options.top = parse_top(value);
    } else {
      throw UsageError("unknown option " + std::string(arg));
    }
  }
  if (options.help) return options;

  const bool stats = options.command == Command::stats;
  if (pattern) {
    if (stats) throw UsageError("--pattern does not apply to stats");
    if (format && *format != OutputFormat::text) {
      throw UsageError("--pattern applies to --format text only");
    }
    format = OutputFormat::text;
    options.pattern = *pattern;
  } else {
    options.pattern = std::string(PatternFormatter::default_pattern);
  }
  // An option that would change nothing is refused, as --pattern is: the
  // user would otherwise take UTC times or a full list for what they asked.
  if (stats) {
    if (format == OutputFormat::logfmt) throw UsageError("stats writes text or json, not logfmt");
    options.format = format.value_or(OutputFormat::text);
    if (options.follow) throw UsageError("--follow does not apply to stats");
    if (options.local_time) throw UsageError("--local-time does not apply to stats");
  } else {
    options.format = format.value_or(OutputFormat::json);
    if (options.local_time && options.format != OutputFormat::text) {
      throw UsageError("--local-time applies to --format text only");
    }
    if (std::find(given.begin(), given.end(), "--top") != given.end()) {
      throw UsageError("--top applies to stats only");
    }
  }
  if (options.inputs.empty()) throw UsageError("no input: give FILE... or - for standard input");
  // Each input reads its own megabytes: two of one stdin would split it
  // between them, and neither could decode its share.
  if (std::count(options.inputs.begin(), options.inputs.end(), "-") > 1) {
    throw UsageError("- (standard input) given twice: it can be read only once");
  }
  if (options.follow && (options.inputs.size() != 1 || options.inputs[0] == "-")) {
    throw UsageError("--follow needs exactly one FILE (not -)");
  }
  const auto& f = options.filter;
  if (f.since_ns && f.until_ns && *f.since_ns >= *f.until_ns) {
    throw UsageError("--since must be before --until");
  }
  return options;
}

}  // namespace sluice::detail::decode
