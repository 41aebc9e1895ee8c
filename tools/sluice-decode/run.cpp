#include "run.hpp"

#include <sluice/error.hpp>
#include <sluice/formatter.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "follow.hpp"
#include "input.hpp"
#include "logfmt_formatter.hpp"
#include "merge.hpp"
#include "output.hpp"
#include "progress.hpp"
#include "record_filter.hpp"
#include "stats.hpp"

namespace sluice::detail::decode {

namespace {

std::unique_ptr<Formatter> make_formatter(const Options& options) {
  switch (options.format) {
    case OutputFormat::text:
      return std::make_unique<PatternFormatter>(
          options.pattern, options.local_time ? TimeZone::local : TimeZone::utc);
    case OutputFormat::logfmt:
      return std::make_unique<LogfmtFormatter>();
    case OutputFormat::json:
      break;
  }
  return std::make_unique<JsonFormatter>();
}

// A pipe, terminal or socket given twice (`- /dev/stdin`, or one FIFO by
// two names): two readers would each get part of it, and both would
// report the other's part missing. Regular files can be read twice.
struct Stream {
  dev_t device;
  ino_t inode;
  std::string label;
};

const std::string* same_stream_as_before(const std::string& name, std::vector<Stream>& seen) {
  struct stat st {};
  if ((name == "-" ? ::fstat(STDIN_FILENO, &st) : ::stat(name.c_str(), &st)) != 0) return nullptr;
  if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) return nullptr;
  for (const Stream& stream : seen) {
    if (stream.device == st.st_dev && stream.inode == st.st_ino) return &stream.label;
  }
  seen.push_back({st.st_dev, st.st_ino, input_label(name)});
  return nullptr;
}

}  // namespace

int run(const Options& options, const Environment& env) {
  std::unique_ptr<Formatter> formatter;
  if (options.command == Command::decode) {
    try {
      formatter = make_formatter(options);
    } catch (const Error& e) {  // a bad --pattern
      std::fprintf(env.err, "sluice-decode: %s\nTry 'sluice-decode --help'.\n", e.what());
      return Diagnostics::kFailed;
    }
  }

  Output out(env.out);
  Diagnostics diagnostics(env.err);
  std::vector<std::unique_ptr<RecordStream>> inputs;
  const auto bytes_read = [&inputs] {
    std::uint64_t total = 0;
    for (const auto& input : inputs) total += input->bytes_read();
    return total;
  };
  RecordFilter filter(options.filter);
  // Only records that are formatted, or filtered on their fields or
  // message, need their arguments; stats alone read none.
  const binlog::Arguments arguments = options.command == Command::stats && !filter.needs_arguments()
                                          ? binlog::Arguments::skip
                                          : binlog::Arguments::decode;
  Progress progress(env.err, env.progress, bytes_read);
  diagnostics.before_message([&] {
    progress.clear();
    out.flush();  // keep warnings next to the records around them
  });

  std::vector<Stream> streams_seen;
  for (const std::string& name : options.inputs) {
    if (const std::string* first = same_stream_as_before(name, streams_seen)) {
      diagnostics.error(input_label(name),
                        "the same stream as " + *first + ", which can be read only once: left out");
      continue;
    }
    try {
      std::unique_ptr<ByteSource> source;
      if (options.follow) {
        source = follow_file(name, {env.poll, env.stop, [&out] { return out.flush(); }});
      } else {
        source = open_file(name);
      }
      inputs.push_back(std::make_unique<RecordStream>(std::move(source), input_label(name),
                                                      diagnostics, arguments));
    } catch (const Error& e) {
      diagnostics.error(input_label(name), e.what());
    }
  }
  std::vector<RecordStream*> streams;
  for (const auto& input : inputs) streams.push_back(input.get());
  MergedRecords records(std::move(streams));

  if (options.command == Command::stats) {
    Stats stats;
    while (const RecordView* record = records.next()) {
      if (filter.accepts(*record)) stats.add(*record);
      progress.record();
    }
    stats.set_bytes(bytes_read());
    if (options.format == OutputFormat::json) {
      stats.write_json(out.buffer(), options.top);
    } else {
      stats.write_text(out.buffer(), options.top);
    }
  } else {
    // Stop at the first failed write: the rest would be decoded for nothing.
    while (const RecordView* record = out.failed() ? nullptr : records.next()) {
      progress.record();
      if (!filter.accepts(*record)) continue;
      formatter->format(*record, out.buffer());
      out.end_line();
    }
  }
  progress.clear();
  if (!out.flush()) {
    std::fprintf(env.err, "sluice-decode: cannot write output: %s\n", std::strerror(out.error()));
    return Diagnostics::kFailed;
  }
  return diagnostics.status();
}

}  // namespace sluice::detail::decode
