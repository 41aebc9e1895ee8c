// libFuzzer target for the decoder's read path: BinaryInput (plain or zstd,
// told by content) into BinaryReader, every record rendered as JSON and as
// text, as sluice-decode does. Input that is not a binary log may throw
// sluice::Error (the tool prints it); anything else (a crash, a sanitizer
// report, another exception) is a finding.
//
// The first byte chooses where the input is split in two pieces, so that
// input arriving in pieces (a pipe) is fuzzed too, and its high bit the
// reader's style: push (feed, records to a callback) or pull (append, then
// next(), as sluice-decode reads).

#include <sluice/error.hpp>
#include <sluice/formatter.hpp>
#include <sluice/record.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "binary_format.hpp"
#include "binary_input.hpp"

namespace {

void render(const sluice::RecordView& record) {
  static const sluice::JsonFormatter json;
  static const sluice::PatternFormatter text(
      "{timestamp} {level} {logger} {thread_name} {file}:{line} {function}: {message}{fields}");
  static std::string out;
  out.clear();
  json.format(record, out);
  text.format(record, out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto ignore = [](const std::string&) {};
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  const std::size_t split = size == 0 ? 0 : data[0] % (size + 1);
  const bool pull = size > 0 && (data[0] & 0x80) != 0;
  try {
    if (pull) {
      sluice::detail::binlog::BinaryReader reader(ignore);
      sluice::detail::binlog::BinaryInput input(reader, ignore);
      const auto drain = [&] {
        while (const sluice::RecordView* record = reader.next()) render(*record);
      };
      input.append(bytes.first(split));
      drain();
      input.append(bytes.subspan(split));
      drain();
      input.end_input();
      drain();
    } else {
      sluice::detail::binlog::BinaryReader reader(render, ignore);
      sluice::detail::binlog::BinaryInput input(reader, ignore);
      input.feed(bytes.first(split));
      input.feed(bytes.subspan(split));
      input.finish();
    }
  } catch (const sluice::Error&) {
    // Not a binary log, or a newer major version: refused with a message.
  }
  return 0;
}
