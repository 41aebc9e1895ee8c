// sluice-decode: binary logs (BinaryFileSink) to JSON Lines or text, through
// the same formatters the live sinks use, so decoded and live output are
// interchangeable.

#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/record.hpp>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "binary_format.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitSkipped = 1;
constexpr int kExitUsage = 2;

constexpr std::string_view kHelp = R"(usage: sluice-decode [OPTIONS] FILE... | -

Decodes binary logs written by sluice::BinaryFileSink to JSON Lines (the
JsonFormatter's output, byte for byte) or text. "-" reads standard input.

options:
  --format json|text   output format (default: json)
  --pattern PATTERN    text pattern, as for PatternFormatter
                       (default: "{timestamp} {level:<8} {logger}: {message}{fields}")
  --local-time         text timestamps in the local zone instead of UTC
  -h, --help           this text

exit status: 0 all decoded; 1 corrupt or incomplete data was skipped (with a
warning on stderr, everything else is still printed); 2 usage error, or a file
that cannot be read, is not a sluice binary log, or has a newer format version.

examples:
  sluice-decode app.slog | jq 'select(.level == "ERROR")'
  sluice-decode --format text --pattern '{timestamp} {message}' app.slog
  ssh host cat /var/log/app.slog | sluice-decode -
)";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "sluice-decode: %s\nTry 'sluice-decode --help'.\n", message.c_str());
  return kExitUsage;
}

class Output {
 public:
  ~Output() { flush(); }
  Output() = default;
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;
  void line(std::string_view text) {
    buffer_ += text;
    buffer_ += '\n';
    if (buffer_.size() >= (std::size_t{1} << 20)) flush();
  }
  void flush() {
    if (!buffer_.empty()) std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
    buffer_.clear();
  }

 private:
  std::string buffer_;
};

// Decodes one input; returns its exit status.
int decode(const std::string& name, const sluice::Formatter& formatter, Output& out) {
  std::FILE* file = name == "-" ? stdin : std::fopen(name.c_str(), "rb");
  if (file == nullptr) {
    std::fprintf(stderr, "sluice-decode: cannot open %s: %s\n", name.c_str(), std::strerror(errno));
    return kExitUsage;
  }
  const std::string label = name == "-" ? "<stdin>" : name;
  int status = kExitOk;
  sluice::detail::binlog::BinaryReader reader(
      [&](const sluice::RecordView& record) { out.line(record.formatted(formatter)); },
      [&](const std::string& warning) {
        out.flush();  // keep warnings next to the records around them
        std::fflush(stdout);
        std::fprintf(stderr, "sluice-decode: %s: %s\n", label.c_str(), warning.c_str());
        status = kExitSkipped;
      });
  std::vector<std::byte> chunk(std::size_t{1} << 20);
  try {
    for (;;) {
      const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), file);
      if (n > 0) reader.feed({chunk.data(), n});
      if (n < chunk.size()) break;
    }
    if (std::ferror(file)) {
      std::fprintf(stderr, "sluice-decode: cannot read %s: %s\n", label.c_str(),
                   std::strerror(errno));
      status = kExitUsage;
    }
    reader.finish();
  } catch (const sluice::Error& e) {
    std::fprintf(stderr, "sluice-decode: %s: %s\n", label.c_str(), e.what());
    status = kExitUsage;
  }
  if (file != stdin) std::fclose(file);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::string format = "json";
  std::string pattern(sluice::PatternFormatter::default_pattern);
  bool local_time = false;
  std::vector<std::string> inputs;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (options_done || arg == "-" || !arg.starts_with("-")) {
      inputs.emplace_back(arg);
    } else if (arg == "--") {
      options_done = true;
    } else if (arg == "-h" || arg == "--help") {
      std::fwrite(kHelp.data(), 1, kHelp.size(), stdout);
      return kExitOk;
    } else if (arg == "--format") {
      const char* v = value();
      if (v == nullptr) return usage_error("--format needs a value: json or text");
      format = v;
    } else if (arg == "--pattern") {
      const char* v = value();
      if (v == nullptr) return usage_error("--pattern needs a value");
      pattern = v;
    } else if (arg == "--local-time") {
      local_time = true;
    } else {
      return usage_error("unknown option " + std::string(arg));
    }
  }
  if (inputs.empty()) return usage_error("no input: give FILE... or - for standard input");

  std::unique_ptr<sluice::Formatter> formatter;
  try {
    if (format == "json") {
      formatter = std::make_unique<sluice::JsonFormatter>();
    } else if (format == "text") {
      formatter = std::make_unique<sluice::PatternFormatter>(
          pattern, local_time ? sluice::TimeZone::local : sluice::TimeZone::utc);
    } else {
      return usage_error("unknown format \"" + format + "\": json or text");
    }
  } catch (const sluice::Error& e) {
    return usage_error(e.what());
  }

  Output out;
  int status = kExitOk;
  for (const std::string& input : inputs) {
    const int s = decode(input, *formatter, out);
    if (s > status) status = s;
  }
  out.flush();
  if (std::fflush(stdout) != 0) {
    std::fprintf(stderr, "sluice-decode: cannot write output: %s\n", std::strerror(errno));
    return kExitUsage;
  }
  return status;
}
