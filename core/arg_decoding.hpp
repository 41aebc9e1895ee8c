#pragma once
// Decoding of encoded arguments and formatting of the message. Shared by the
// live backend and (later) the binary-log decoder, so that both render a
// record byte for byte alike.

#include <fmt/args.h>
#include <fmt/format.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/arg_value.hpp"
#include "sluice/detail/arg_encoding.hpp"
#include "sluice/detail/message_format.hpp"

namespace sluice::detail {

/// Bytes a value of `kind` takes in a record; 0 for strings and custom
/// values, whose size is not fixed by their kind.
std::size_t encoded_fixed_size(ArgKind kind) noexcept;

/// Splits `bytes` into message arguments and fields per `infos`. String
/// values point into `bytes`; custom values are formatted into `custom_text`
/// and point there. Returns false if `bytes` is too short for `infos`.
bool decode_args(std::span<const ArgInfo> infos, std::span<const std::byte> bytes,
                 std::vector<ArgValue>& args, std::vector<FieldView>& fields,
                 std::string& custom_text);

/// Formats messages with a reusable argument store (no allocation once warm).
class MessageFormatter {
 public:
  /// Appends `format` with `args` substituted to `out`. A format error (only
  /// possible for a custom type whose formatter throws) is rendered inline.
  void format(std::string_view format, std::span<const ArgValue> args, std::string& out);

 private:
  // A format of literal text, "{{", "}}" and bare "{}" only, split once into
  // pieces: literal text, then an argument or not. Records of one call site
  // come in runs, so the last format seen is kept.
  struct Piece {
    std::uint32_t offset, length;  // literal text in plain_format_
    bool arg;
  };
  bool split_plain(std::string_view format);

  fmt::dynamic_format_arg_store<fmt::format_context> store_;
  std::string plain_format_;
  bool plain_ = false;
  std::size_t plain_args_ = 0;
  std::vector<Piece> pieces_;
};

/// Appends one value as "{}" renders it (fields in text output).
void append_value(const ArgValue& value, std::string& out);

}  // namespace sluice::detail
