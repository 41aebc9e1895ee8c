// sluice-redact: removes secrets from text logs, one line in, one line out,
// with the engine sluice's backend runs. See docs/redaction.md.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "config.hpp"
#include "line_redactor.hpp"
#include "sluice/error.hpp"

namespace {

constexpr const char* kUsage =
    "usage: sluice-redact [--config FILE] [--stats] [--] [FILE...]\n"
    "Writes each line of the FILEs (or stdin; '-' is stdin) to stdout with\n"
    "secrets replaced: card numbers, SSNs, e-mail local parts, JWTs, Bearer and\n"
    "Basic credentials, AWS keys, PEM private keys, values of sensitive keys\n"
    "(password=..., \"api_key\": \"...\"). The default policy unless --config.\n"
    "  --config FILE  settings (key, no-key, style.KIND, hmac-key[-file], pattern);\n"
    "                 given more than once, each applies in turn\n"
    "  --stats        print redaction counts by kind to stderr at the end\n"
    "  --             end of options: every argument after it is a FILE\n"
    "examples:\n"
    "  sluice-redact app.log > app.redacted.log\n"
    "  kubectl logs pod | sluice-redact --config redact.conf\n";

// errno of the first failed write to stdout, 0 while none failed.
int write_errno = 0;

void report_write_error() {
  std::fprintf(stderr, "sluice-redact: cannot write output: %s\n", std::strerror(write_errno));
}

// False on a read error or a write error (write_errno set). A write error
// must stop the loop: with SIGPIPE ignored, a closed pipe would otherwise
// have it read endless input forever, writing nothing.
bool redact_stream(std::istream& in, sluice::redact_tool::LineRedactor& lines, std::FILE* out) {
  std::string line;
  while (std::getline(in, line)) {
    const std::string_view redacted = lines.redact(line);
    std::fwrite(redacted.data(), 1, redacted.size(), out);
    // getline sets eof only when the line had no newline: the input's last
    // line, kept as it was (like sed and cat), not given one.
    if (!in.eof()) std::fputc('\n', out);
    if (std::ferror(out)) {
      write_errno = errno;  // set by the write that failed, nothing since
      return false;
    }
  }
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> files;
  std::vector<std::string> configs;  // applied in order: a later one adds to, or overrides
  bool stats = false;
  bool options_done = false;  // after "--", a file named "-x.log" is a file
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (options_done) {
      files.push_back(arg);
    } else if (arg == "--") {
      options_done = true;
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--config") {
      // Last on the line it used to be reported as an unknown option.
      if (i + 1 == argc) {
        std::fputs("sluice-redact: --config needs a FILE\n", stderr);
        return 2;
      }
      configs.emplace_back(argv[++i]);
    } else if (arg == "--stats") {
      stats = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "sluice-redact: unknown option %s\n%s", arg.c_str(), kUsage);
      return 2;
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) files.emplace_back("-");
  try {
    sluice::RedactionPolicy policy;
    for (const std::string& config : configs) sluice::redact_tool::load_config(config, policy);
    sluice::redact_tool::check_config(policy);
    const sluice::detail::Redactor redactor(std::move(policy));
    sluice::redact_tool::LineRedactor lines(redactor);
    int status = 0;
    // A read error after the open (a directory: EISDIR, an I/O error) is
    // named like a failed open; it used to exit 1 without a word.
    const auto read_failed = [&](const std::string& name) {
      std::fprintf(stderr, "sluice-redact: cannot read %s: %s\n", name.c_str(),
                   std::strerror(errno));
      status = 1;
    };
    for (const std::string& file : files) {
      if (write_errno != 0) break;
      if (file == "-") {
        // std::cin reads through stdio, which keeps a read error to itself.
        const bool ok = redact_stream(std::cin, lines, stdout) && !std::ferror(stdin);
        if (!ok && write_errno == 0) read_failed("-");
        lines.end_input();
        continue;
      }
      std::ifstream in(file, std::ios::binary);
      if (!in) {
        read_failed(file);
        continue;
      }
      if (!redact_stream(in, lines, stdout) && write_errno == 0) read_failed(file);
      lines.end_input();
    }
    if (stats) {
      for (std::size_t k = 0; k < sluice::redaction_kind_count; ++k) {
        std::fprintf(
            stderr, "%s %llu\n",
            std::string(sluice::redaction_kind_name(static_cast<sluice::RedactionKind>(k))).c_str(),
            static_cast<unsigned long long>(lines.counts()[k]));
      }
    }
    if (write_errno == 0 && std::fflush(stdout) != 0) write_errno = errno;
    if (write_errno != 0) {
      report_write_error();
      return 1;
    }
    return status;
  } catch (const sluice::Error& e) {
    std::fprintf(stderr, "sluice-redact: %s\n", e.what());
    return 2;
  }
}
