#pragma once
// The per-call-site message formatter: decodes a record's arguments straight
// into their C++ types and hands them to fmt, with no run-time type dispatch.
// The backend uses it for live records; core/arg_decoding.cpp keeps the
// run-time-typed path for records read back from a binary log, and
// tests/core/test_arg_encoding.cpp holds the two to the same bytes.

#include <fmt/compile.h>
#include <fmt/core.h>
#include <fmt/format.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "sluice/detail/arg_encoding.hpp"
#include "sluice/detail/copy_short.hpp"
#include "sluice/detail/short_decimal.hpp"
#include "sluice/detail/source_location.hpp"

namespace sluice::detail {

/// Formats `format` with `args` into `out` (appending). Defined in core: it
/// owns the reusable buffer. Renders a throwing formatter's error inline.
void vformat_message(std::string_view format, fmt::format_args args, std::string& out);

/// The backend thread's scratch buffer for messages (cleared by the caller).
fmt::memory_buffer& message_buffer() noexcept;

struct SkippedField {};

// What the backend hands fmt for an argument of (field-unwrapped) type T:
// the same as check_type_t, except that a custom type arrives as its text.
template <class A>
auto decoded_type_of() {
  using T = value_type_t<A>;
  constexpr ArgKind kind = kind_of<T>();
  if constexpr (is_field<std::remove_cvref_t<A>>::value) {
    return SkippedField{};
  } else if constexpr (kind == ArgKind::custom) {
    return std::string{};
  } else {
    return check_type_t<T>{};
  }
}
template <class A>
using decoded_t = decltype(decoded_type_of<A>());

template <class T>
T load_as(const std::byte* p) noexcept {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

// Decodes one argument at `p` and moves `p` past it.
template <class A>
decoded_t<A> decode_one(const std::byte*& p) {
  using T = value_type_t<A>;
  constexpr ArgKind kind = kind_of<T>();
  const std::byte* at = p;
  // Not a ?: expression: both of its arms would be instantiated, and
  // fixed_encoded_size takes sizeof(T), which a char array of unknown size
  // (`extern const char version[];`) does not have.
  if constexpr (kind == ArgKind::string) {
    p += 4 + load_as<std::uint32_t>(at);
  } else {
    p += fixed_encoded_size<T>();
  }
  if constexpr (is_field<std::remove_cvref_t<A>>::value) {
    return SkippedField{};
  } else if constexpr (kind == ArgKind::string) {
    return std::string_view(reinterpret_cast<const char*>(at + 4), load_as<std::uint32_t>(at));
  } else if constexpr (kind == ArgKind::custom) {
    std::string text;
    format_custom<T>(at, text);
    return text;
  } else if constexpr (kind == ArgKind::pointer) {
    return reinterpret_cast<const void*>(load_as<std::uint64_t>(at));
  } else if constexpr (kind == ArgKind::boolean) {
    return load_as<std::uint8_t>(at) != 0;
  } else {
    return load_as<decoded_t<A>>(at);
  }
}

template <class... Args>
constexpr auto message_arg_indices() {
  constexpr bool fields[] = {false, is_field<std::remove_cvref_t<Args>>::value...};
  constexpr std::size_t count =
      sizeof...(Args) -
      (std::size_t{0} + ... + (is_field<std::remove_cvref_t<Args>>::value ? 1 : 0));
  std::array<std::size_t, count> indices{};
  std::size_t n = 0;
  for (std::size_t i = 0; i < sizeof...(Args); ++i) {
    if (!fields[i + 1]) indices[n++] = i;
  }
  return indices;
}

// A call site's format string as fmt's compile-time format: fmt parses it
// while compiling the call site and emits direct writes (about 40% faster
// than parsing it for every record at run time).
template <const SourceLocation& Location>
struct CompiledFormat : fmt::detail::compiled_string {
  using char_type = char;
  constexpr explicit operator fmt::string_view() const {
    return fmt::string_view(Location.format.data(), Location.format.size());
  }
};

// A format string whose replacement fields are all "{}" and that has no
// "{{" or "}}" escapes: the shape of nearly every log statement. Its message
// is written piece by piece (literal text with a memcpy of known length,
// integers and strings without fmt's general machinery), which costs about
// half of what fmt's compiled format does for the same output.
constexpr bool is_plain_format(std::string_view format) {
  for (std::size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '}') return false;
    if (format[i] == '{') {
      if (i + 1 == format.size() || format[i + 1] != '}') return false;
      ++i;
    }
  }
  return true;
}

struct LiteralPiece {
  std::size_t offset;
  std::size_t size;
};

// The literal text around the N "{}" of a plain format: N + 1 pieces.
template <std::size_t N>
constexpr std::array<LiteralPiece, N + 1> literal_pieces(std::string_view format) {
  std::array<LiteralPiece, N + 1> pieces{};
  std::size_t start = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i + 1 < format.size(); ++i) {
    if (format[i] == '{') {
      pieces[n++] = {start, i - start};
      start = i + 2;
      ++i;
    }
  }
  pieces[n] = {start, format.size() - start};
  return pieces;
}

template <const SourceLocation& Location, LiteralPiece Piece>
void append_literal(fmt::memory_buffer& out) {
  if constexpr (Piece.size != 0) {
    const std::size_t size = out.size();
    out.try_resize(size + Piece.size);
    // A constant length: the compiler turns the copy into a few moves.
    std::memcpy(out.data() + size, Location.format.data() + Piece.offset, Piece.size);
  }
}

// fmt's own buffer::append copies in a general loop; one resize and a short
// copy is a fraction of its cost for the pieces messages are made of.
inline void append_text(fmt::memory_buffer& out, std::string_view text) {
  const std::size_t size = out.size();
  out.try_resize(size + text.size());
  copy_short(out.data() + size, text.data(), text.size());
}

// Numbers are written through a char* into reserved room: fmt's appender
// checks capacity per character. (Copying fmt::format_int's digits instead
// costs the same, and GCC 12 -O2 misreads that copy as an overread.)
template <class T>
void append_number(fmt::memory_buffer& out, T value) {
  constexpr std::size_t kMaxChars = 32;  // "-1.7976931348623157e+308" is 24
  const std::size_t size = out.size();
  out.reserve(size + kMaxChars);
  char* const begin = out.data();
  char* const end = fmt::format_to(begin + size, FMT_COMPILE("{}"), value);
  out.try_resize(static_cast<std::size_t>(end - begin));
}

// One "{}" replacement field, rendered exactly as fmt renders it.
template <class T>
void append_plain_field(fmt::memory_buffer& out, const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    append_text(out, value ? std::string_view("true") : std::string_view("false"));
  } else if constexpr (std::is_same_v<T, double>) {
    const std::size_t size = out.size();
    out.reserve(size + 24);
    char* const end = write_short_decimal(value, out.data() + size);
    if (end != nullptr) {
      out.try_resize(static_cast<std::size_t>(end - out.data()));
    } else {
      append_number(out, value);
    }
  } else if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, char>) {
    append_number(out, value);
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    append_text(out, std::string_view(value));
  } else {
    fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), value);
  }
}

template <const SourceLocation& Location, class Tuple, auto Indices, std::size_t... J>
void format_selected(const Tuple& values, std::string& out, std::index_sequence<J...>) {
  fmt::memory_buffer& buffer = message_buffer();
  buffer.clear();
  if constexpr (is_plain_format(Location.format)) {
    static constexpr auto pieces = literal_pieces<sizeof...(J)>(Location.format);
    append_literal<Location, pieces[0]>(buffer);
    ((append_plain_field(buffer, std::get<Indices[J]>(values)),
      append_literal<Location, pieces[J + 1]>(buffer)),
     ...);
  } else {
    fmt::format_to(fmt::appender(buffer), CompiledFormat<Location>{},
                   std::get<Indices[J]>(values)...);
  }
  out.append(buffer.data(), buffer.size());
}

/// Appends the message of a record encoded from Args at Location.
template <const SourceLocation& Location, class... Args>
void format_message([[maybe_unused]] const std::byte* data, std::string& out) {
  // Braced initialisation evaluates left to right: arguments decode in order.
  const std::tuple<decoded_t<Args>...> values{decode_one<Args>(data)...};
  static constexpr auto indices = message_arg_indices<Args...>();
  format_selected<Location, std::tuple<decoded_t<Args>...>, indices>(
      values, out, std::make_index_sequence<indices.size()>{});
}

using FormatMessageFn = void (*)(const std::byte* data, std::string& out);

}  // namespace sluice::detail
