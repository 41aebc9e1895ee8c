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
#include "text_util.hpp"

namespace sluice::detail {

/// Bytes a value of `kind` takes in a record; 0 for strings and custom
/// values, whose size is not fixed by their kind.
constexpr std::size_t encoded_fixed_size(ArgKind kind) noexcept {
  switch (kind) {
    case ArgKind::boolean:
    case ArgKind::character:
    case ArgKind::i8:
    case ArgKind::u8:
      return 1;
    case ArgKind::i16:
    case ArgKind::u16:
      return 2;
    case ArgKind::i32:
    case ArgKind::u32:
    case ArgKind::f32:
      return 4;
    case ArgKind::i64:
    case ArgKind::u64:
    case ArgKind::f64:
    case ArgKind::pointer:
      return 8;
    case ArgKind::string:
    case ArgKind::custom:
      return 0;
  }
  return 0;
}

/// The value of a fixed-size kind (not a string or custom value) at `p`.
ArgValue load_fixed(ArgKind kind, const std::byte* p) noexcept;

/// Appends the custom value at `value` as "{}" renders it. For a formatter
/// that throws, appends instead what the binary log stores for it,
/// "[sluice: format error: <what>]" ("unknown exception" for one that is not
/// a std::exception), and returns false: the exception must
/// not lose the record, and every path (live, run-time, read back) shows the
/// same text.
bool append_custom_text(const ArgInfo& info, const std::byte* value, std::string& out);

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

  /// The same text as decode_args + format(), straight from the encoded
  /// arguments (no ArgValue per argument): appends it and returns true when
  /// `format` has only bare {} placeholders and every one gets a non-custom
  /// argument that `bytes` holds whole. Otherwise returns false and leaves
  /// `out` as it was: the caller then decodes and calls format().
  bool format_encoded(std::string_view format, std::span<const ArgInfo> infos,
                      std::span<const std::byte> bytes, std::string& out);

  /// As format_encoded, but appends the message JSON-escaped (as
  /// append_json_escaped would escape format_encoded's text), with the
  /// literal text escaped once per format instead of once per record. Also
  /// returns false, leaving `out` as it was, when escaping piece by piece
  /// could differ from escaping the whole: a literal piece that is not valid
  /// UTF-8, or two string or character arguments with nothing between them
  /// (a UTF-8 sequence could span them).
  bool format_encoded_json(std::string_view format, std::span<const ArgInfo> infos,
                           std::span<const std::byte> bytes, TextBuffer& out);

 private:
  // A format of literal text, "{{", "}}" and bare "{}" only, split once into
  // pieces: literal text, then an argument or not. Records of one call site
  // come in runs, so the last format seen is kept.
  struct Piece {
    std::uint32_t offset, length;            // literal text in plain_format_
    std::uint32_t json_offset, json_length;  // the same, escaped, in json_text_
    bool arg;
  };
  bool split_plain(std::string_view format);
  // Whether format_encoded* can take `format`; splits it if it is new.
  bool plain(std::string_view format) {
    if (format != plain_format_ || pieces_.empty()) plain_ = split_plain(format);
    return plain_;
  }
  template <bool kJson>
  bool write_encoded(std::span<const ArgInfo> infos, std::span<const std::byte> bytes,
                     TextBuffer& out) const;

  fmt::dynamic_format_arg_store<fmt::format_context> store_;
  std::string plain_format_;
  bool plain_ = false;
  std::size_t plain_args_ = 0;
  std::vector<Piece> pieces_;
  std::string json_text_;           // the literal pieces, escaped
  bool json_pieces_valid_ = false;  // every literal piece is valid UTF-8
};

/// The calling thread's MessageFormatter (the backend's, or a decoder's).
MessageFormatter& message_formatter();

/// Appends one value as "{}" renders it (fields in text output).
void append_value(const ArgValue& value, std::string& out);

}  // namespace sluice::detail
