#include "arg_decoding.hpp"

#include <fmt/compile.h>

#include <array>
#include <cstring>
#include <iterator>

#include "sluice/detail/short_decimal.hpp"
#include "text_util.hpp"

namespace sluice::detail {

namespace {

template <class T>
T load(const std::byte* p) noexcept {
  return load_as<T>(p);
}

}  // namespace

ArgValue load_fixed(ArgKind kind, const std::byte* p) noexcept {
  ArgValue v;
  v.kind = kind;
  switch (kind) {
    case ArgKind::boolean:
      v.b = load<std::uint8_t>(p) != 0;
      break;
    case ArgKind::character:
      v.c = load<char>(p);
      break;
    case ArgKind::i8:
      v.i = load<std::int8_t>(p);
      break;
    case ArgKind::i16:
      v.i = load<std::int16_t>(p);
      break;
    case ArgKind::i32:
      v.i = load<std::int32_t>(p);
      break;
    case ArgKind::i64:
      v.i = load<std::int64_t>(p);
      break;
    case ArgKind::u8:
      v.u = load<std::uint8_t>(p);
      break;
    case ArgKind::u16:
      v.u = load<std::uint16_t>(p);
      break;
    case ArgKind::u32:
      v.u = load<std::uint32_t>(p);
      break;
    case ArgKind::u64:
      v.u = load<std::uint64_t>(p);
      break;
    case ArgKind::f32:
      v.d = load<float>(p);
      break;
    case ArgKind::f64:
      v.d = load<double>(p);
      break;
    case ArgKind::pointer:
      v.p = reinterpret_cast<const void*>(load<std::uint64_t>(p));
      break;
    case ArgKind::string:
    case ArgKind::custom:
      break;
  }
  return v;
}

bool append_custom_text(const ArgInfo& info, const std::byte* value, std::string& out) {
  const std::size_t before = out.size();
  try {
    info.format_custom(value, out);
    return true;
  } catch (const std::exception& e) {
    out.resize(before);  // what the formatter wrote before it threw
    out += "[sluice: format error: ";
    out += e.what();
    out += ']';
    return false;
  } catch (...) {
    // C++ lets a formatter throw anything; one that escaped here ended the
    // backend thread, and with it the process.
    out.resize(before);
    out += "[sluice: format error: unknown exception]";
    return false;
  }
}

bool decode_args(std::span<const ArgInfo> infos, std::span<const std::byte> bytes,
                 std::vector<ArgValue>& args, std::vector<FieldView>& fields,
                 std::string& custom_text) {
  args.clear();
  fields.clear();
  custom_text.clear();
  // Reserving the final size keeps pointers into args/fields stable below.
  args.reserve(infos.size());
  fields.reserve(infos.size());
  // Custom values are formatted into custom_text, which may reallocate: keep
  // offsets and point into it once all are formatted.
  struct CustomText {
    ArgValue* value;
    std::size_t offset, length;
  };
  std::vector<CustomText> customs;

  const std::byte* p = bytes.data();
  const std::byte* const end = p + bytes.size();
  for (const ArgInfo& info : infos) {
    ArgValue v;
    v.kind = info.kind;
    std::size_t size = encoded_fixed_size(info.kind);
    if (info.kind == ArgKind::string) {
      if (end - p < 4) return false;
      const auto n = load<std::uint32_t>(p);
      if (static_cast<std::size_t>(end - p - 4) < n) return false;
      v.text = std::string_view(reinterpret_cast<const char*>(p + 4), n);
      size = 4 + std::size_t{n};
    } else if (info.kind == ArgKind::custom) {
      size = info.custom_size;
    }
    if (static_cast<std::size_t>(end - p) < size) return false;
    std::size_t custom_offset = 0;
    if (info.kind == ArgKind::custom) {
      custom_offset = custom_text.size();
      append_custom_text(info, p, custom_text);
    } else if (info.kind != ArgKind::string) {
      v = load_fixed(info.kind, p);
    }
    ArgValue* stored = nullptr;
    if (info.field_name.empty()) {
      stored = &args.emplace_back(v);
    } else {
      stored = &fields.emplace_back(FieldView{info.field_name, v}).value;
    }
    if (info.kind == ArgKind::custom) {
      customs.push_back({stored, custom_offset, custom_text.size() - custom_offset});
    }
    p += size;
  }
  for (const CustomText& c : customs) {
    c.value->text = std::string_view(custom_text).substr(c.offset, c.length);
  }
  return true;
}

namespace {

// "{}" of one value, with the C++ type the dynamic store below gives fmt, so
// that the output is the same. Written through a TextBuffer: fmt's own
// buffer appends byte by byte.
void write_plain(const ArgValue& v, TextBuffer& out) {
  // Longest "{}" of a number: a double such as -1.7976931348623157e+308, 24.
  constexpr std::size_t kNumberRoom = 32;
  switch (v.kind) {
    case ArgKind::boolean:
      out.append(v.b ? std::string_view("true") : std::string_view("false"));
      break;
    case ArgKind::character:
      out.append(v.c);
      break;
    case ArgKind::i8:
    case ArgKind::i16:
    case ArgKind::i32:
    case ArgKind::i64: {
      const fmt::format_int digits(static_cast<long long>(v.i));
      out.append(std::string_view(digits.data(), digits.size()));
      break;
    }
    case ArgKind::u8:
    case ArgKind::u16:
    case ArgKind::u32:
    case ArgKind::u64: {
      const fmt::format_int digits(static_cast<unsigned long long>(v.u));
      out.append(std::string_view(digits.data(), digits.size()));
      break;
    }
    case ArgKind::f32:
      out.commit(
          fmt::format_to(out.reserve(kNumberRoom), FMT_COMPILE("{}"), static_cast<float>(v.d)));
      break;
    case ArgKind::f64: {
      char* const room = out.reserve(kNumberRoom);
      char* const end = write_short_decimal(v.d, room);  // the live path's fast path too
      out.commit(end != nullptr ? end : fmt::format_to(room, FMT_COMPILE("{}"), v.d));
      break;
    }
    case ArgKind::pointer:
      out.commit(fmt::format_to(out.reserve(kNumberRoom), FMT_COMPILE("{}"), v.p));
      break;
    case ArgKind::string:
    case ArgKind::custom:
      out.append(v.text);
      break;
  }
}

}  // namespace

bool MessageFormatter::split_plain(std::string_view format) {
  plain_format_.assign(format);
  pieces_.clear();
  json_text_.clear();
  json_pieces_valid_ = true;
  plain_args_ = 0;
  const std::size_t size = format.size();
  std::size_t at = 0;
  while (at < size) {
    std::size_t brace = at;
    while (brace < size && format[brace] != '{' && format[brace] != '}') ++brace;
    Piece piece{static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(brace - at), 0, 0,
                false};
    if (brace < size) {
      const char second = brace + 1 < size ? format[brace + 1] : '\0';
      if (format[brace] == '{' && second == '}') {
        piece.arg = true;
        ++plain_args_;
      } else if (second == format[brace]) {  // "{{" or "}}": the first brace is the text
        ++piece.length;
      } else {
        return false;  // a spec, a position, or an error: fmt's job
      }
    }
    const std::string_view literal = format.substr(piece.offset, piece.length);
    // A valid piece escapes alike wherever it stands: it neither ends inside
    // a UTF-8 sequence nor starts with a continuation byte.
    if (!is_valid_utf8(literal)) json_pieces_valid_ = false;
    piece.json_offset = static_cast<std::uint32_t>(json_text_.size());
    append_json_escaped(literal, json_text_);
    piece.json_length = static_cast<std::uint32_t>(json_text_.size() - piece.json_offset);
    pieces_.push_back(piece);
    at = brace + 2;
  }
  return true;
}

namespace {

// Bytes of each fixed-size kind in a record (encoded_fixed_size, as a table
// for the per-argument loop); 0 for strings and custom values.
constexpr auto kFixedSizes = [] {
  std::array<std::uint8_t, 16> sizes{};
  for (std::size_t k = 0; k <= static_cast<std::size_t>(ArgKind::custom); ++k) {
    sizes[k] = static_cast<std::uint8_t>(encoded_fixed_size(static_cast<ArgKind>(k)));
  }
  return sizes;
}();

}  // namespace

// The encoded arguments walked once: fields are stepped over, each message
// argument written where its {} is. False (with `out` restored by the caller)
// wherever format() could render differently.
template <bool kJson>
bool MessageFormatter::write_encoded(std::span<const ArgInfo> infos,
                                     std::span<const std::byte> bytes, TextBuffer& out) const {
  if constexpr (kJson) {
    if (!json_pieces_valid_) return false;
  }
  const std::byte* p = bytes.data();
  const std::byte* const end = p + bytes.size();
  const ArgInfo* info = infos.data();
  const ArgInfo* const last = info + infos.size();
  bool after_text = false;  // the last thing written was a string or character argument
  for (const Piece& piece : pieces_) {
    if constexpr (kJson) {
      out.append(std::string_view(json_text_).substr(piece.json_offset, piece.json_length));
      if (piece.length > 0) after_text = false;
    } else {
      out.append(std::string_view(plain_format_).substr(piece.offset, piece.length));
    }
    if (!piece.arg) continue;
    // The next message argument, stepping over the fields before it.
    for (;; ++info) {
      if (info == last) return false;  // fewer arguments than {}: fmt's error text
      const ArgKind kind = info->kind;
      const auto room = static_cast<std::size_t>(end - p);
      const bool field = !info->field_name.empty();
      if (kind == ArgKind::string) {
        if (room < 4) return false;
        const std::size_t size = load<std::uint32_t>(p);
        if (room - 4 < size) return false;
        const std::string_view text(reinterpret_cast<const char*>(p + 4), size);
        p += 4 + size;
        if (field) continue;
        if constexpr (kJson) {
          if (after_text) return false;
          append_json_escaped(text, out);
          after_text = true;
        } else {
          out.append(text);
        }
      } else if (kind == ArgKind::custom) {
        // Message arguments of a custom type are formatted by decode_args.
        if (!field || room < info->custom_size) return false;
        p += info->custom_size;
        continue;
      } else {
        const std::size_t size = kFixedSizes[static_cast<std::size_t>(kind) & 15];
        if (room < size) return false;
        const std::byte* const value = p;
        p += size;
        if (field) continue;
        if (kind == ArgKind::character) {
          const char c = load<char>(value);
          if constexpr (kJson) {
            if (after_text) return false;
            append_json_escaped(std::string_view(&c, 1), out);
            after_text = true;
          } else {
            out.append(c);
          }
        } else {
          write_plain(load_fixed(kind, value), out);  // ASCII: the same escaped
          after_text = false;
        }
      }
      ++info;
      break;
    }
  }
  return true;
}

bool MessageFormatter::format_encoded(std::string_view format, std::span<const ArgInfo> infos,
                                      std::span<const std::byte> bytes, std::string& out) {
  if (!plain(format)) return false;
  const std::size_t start = out.size();
  TextBuffer buffer(out);
  if (!write_encoded<false>(infos, bytes, buffer)) {
    out.resize(start);  // the buffer may have flushed part of the message
    return false;
  }
  buffer.flush();
  return true;
}

bool MessageFormatter::format_encoded_json(std::string_view format, std::span<const ArgInfo> infos,
                                           std::span<const std::byte> bytes, TextBuffer& out) {
  if (!plain(format)) return false;
  const std::size_t start = out.size();
  if (write_encoded<true>(infos, bytes, out)) return true;
  out.truncate(start);
  return false;
}

MessageFormatter& message_formatter() {
  thread_local MessageFormatter formatter;
  return formatter;
}

void MessageFormatter::format(std::string_view format, std::span<const ArgValue> args,
                              std::string& out) {
  if (format != plain_format_ || pieces_.empty()) plain_ = split_plain(format);
  if (plain_ && plain_args_ <= args.size()) {
    // Without fmt's run-time parsing of the format string, which costs more
    // than the rest of a JSON record.
    TextBuffer buffer(out);
    const std::string_view text = plain_format_;
    std::size_t next = 0;
    for (const Piece& piece : pieces_) {
      buffer.append(text.substr(piece.offset, piece.length));
      if (piece.arg) write_plain(args[next++], buffer);
    }
    buffer.flush();
    return;
  }
  store_.clear();
  for (const ArgValue& v : args) {
    switch (v.kind) {
      case ArgKind::boolean:
        store_.push_back(v.b);
        break;
      case ArgKind::character:
        store_.push_back(v.c);
        break;
      case ArgKind::i8:
      case ArgKind::i16:
      case ArgKind::i32:
      case ArgKind::i64:
        store_.push_back(static_cast<long long>(v.i));
        break;
      case ArgKind::u8:
      case ArgKind::u16:
      case ArgKind::u32:
      case ArgKind::u64:
        store_.push_back(static_cast<unsigned long long>(v.u));
        break;
      // float stays float: "{}" of 0.1f is "0.1", of (double)0.1f is not.
      case ArgKind::f32:
        store_.push_back(static_cast<float>(v.d));
        break;
      case ArgKind::f64:
        store_.push_back(v.d);
        break;
      case ArgKind::pointer:
        store_.push_back(v.p);
        break;
      case ArgKind::string:
      case ArgKind::custom:
        store_.push_back(fmt::string_view(v.text.data(), v.text.size()));
        break;
    }
  }
  vformat_message(format, store_, out);
}

fmt::memory_buffer& message_buffer() noexcept {
  thread_local fmt::memory_buffer buffer;
  return buffer;
}

void vformat_message(std::string_view format, fmt::format_args args, std::string& out) {
  // Through a reused memory_buffer: fmt writing into a std::string directly
  // resizes (and zero-fills) it as it grows.
  fmt::memory_buffer& buffer = message_buffer();
  buffer.clear();
  try {
    fmt::vformat_to(fmt::appender(buffer), fmt::string_view(format.data(), format.size()), args);
  } catch (const std::exception& e) {
    buffer.clear();
    fmt::format_to(fmt::appender(buffer), "[sluice: format error: {}] {}", e.what(), format);
  }
  out.append(buffer.data(), buffer.size());
}

void append_value(const ArgValue& v, std::string& out) {
  auto it = std::back_inserter(out);
  switch (v.kind) {
    case ArgKind::boolean:
      out += v.b ? "true" : "false";
      break;
    case ArgKind::character:
      out += v.c;
      break;
    case ArgKind::i8:
    case ArgKind::i16:
    case ArgKind::i32:
    case ArgKind::i64:
      fmt::format_to(it, "{}", v.i);
      break;
    case ArgKind::u8:
    case ArgKind::u16:
    case ArgKind::u32:
    case ArgKind::u64:
      fmt::format_to(it, "{}", v.u);
      break;
    case ArgKind::f32:
      fmt::format_to(it, "{}", static_cast<float>(v.d));
      break;
    case ArgKind::f64:
      fmt::format_to(it, "{}", v.d);
      break;
    case ArgKind::pointer:
      fmt::format_to(it, "{}", v.p);
      break;
    case ArgKind::string:
    case ArgKind::custom:
      out += v.text;
      break;
  }
}

}  // namespace sluice::detail
