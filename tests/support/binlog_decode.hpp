#pragma once
// Shared by the binary sink's tests: a binary log decoded to JSON lines as
// sluice-decode decodes it, and bytes shown exactly in failure messages.

#include <fmt/format.h>
#include <sluice/formatter.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "binary_format.hpp"
#include "binary_input.hpp"

namespace sluice::testing {

/// Through BinaryInput, as sluice-decode reads: plain or zstd. Warnings are
/// appended to `warnings`.
inline std::vector<std::string> decode_to_json_lines(const std::string& bytes,
                                                     std::vector<std::string>& warnings) {
  const JsonFormatter json;
  std::vector<std::string> lines;
  const auto warn = [&](const std::string& w) { warnings.push_back(w); };
  detail::binlog::BinaryReader reader(
      [&](const RecordView& r) {
        lines.emplace_back();
        json.format(r, lines.back());
      },
      warn);
  detail::binlog::BinaryInput input(reader, warn);
  input.feed({reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()});
  input.finish();
  return lines;
}

/// `s` with every byte outside 0x20..0x7e, and the backslash, as \xNN, so
/// that a failure message shows the bytes exactly.
inline std::string escaped_bytes(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out += c;
    } else {
      out += fmt::format("\\x{:02x}", u);
    }
  }
  return out;
}

}  // namespace sluice::testing
