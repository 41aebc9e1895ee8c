#pragma once
// Compile-time mapping from a C++ argument type to its stored kind, and the
// hot-path encoders. Everything here must inline into the log call.

#include <fmt/core.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>

#include "sluice/arg_value.hpp"
#include "sluice/kv.hpp"

namespace sluice {

/// Opt-in for user types that are trivially copyable and have an
/// fmt::formatter: specialise as `template <> struct copy_loggable<Point> :
/// std::true_type {};`. Their bytes are copied on the hot path and formatted
/// with "{}" on the backend, later and on another thread: only for types
/// whose formatter reads nothing but those bytes. One with a pointer, a
/// string_view or a span member is trivially copyable too, but what it points
/// at may be gone by then. Format anything else at the call site, e.g.
/// `SLUICE_INFO(log, "cfg {}", fmt::format("{}", cfg))`.
template <class T>
struct copy_loggable : std::false_type {};

namespace detail {

template <class T>
inline constexpr bool always_false = false;

template <class T>
struct is_field : std::false_type {};
template <FieldName Name, class T>
struct is_field<Field<Name, T>> : std::true_type {};

template <class T>
inline constexpr bool is_string_like_v =
    std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> ||
    std::is_same_v<T, const char*> || std::is_same_v<T, char*> ||
    (std::is_array_v<T> && std::is_same_v<std::remove_cv_t<std::remove_extent_t<T>>, char>);

template <class T>
inline constexpr bool is_wide_char_v = std::is_same_v<T, wchar_t> || std::is_same_v<T, char8_t> ||
                                       std::is_same_v<T, char16_t> || std::is_same_v<T, char32_t>;

// A pointer to wide or UTF characters is a string, not an address to log;
// so is an array of them (L"...", u8"..."), which would otherwise get the
// generic "not loggable" advice, none of which applies to it.
template <class T>
inline constexpr bool is_wide_text_v =
    is_wide_char_v<T> ||
    (std::is_pointer_v<T> && is_wide_char_v<std::remove_cv_t<std::remove_pointer_t<T>>>) ||
    (std::is_array_v<T> && is_wide_char_v<std::remove_cv_t<std::remove_all_extents_t<T>>>);

template <class T>
inline constexpr bool has_fmt_formatter_v = fmt::has_formatter<T, fmt::format_context>::value;

// fmt formats an enum without a formatter that has a format_as(E) returning
// an integer (found by argument-dependent lookup) as that integer, not as its
// underlying value; so must we. (fmt 9 takes format_as for enums only, and
// only with an integral result.)
template <class T, class = void>
struct has_enum_format_as : std::false_type {};
template <class T>
struct has_enum_format_as<
    T, std::enable_if_t<std::is_integral_v<decltype(format_as(std::declval<T>()))>>>
    : std::true_type {};

/// What an enum without a formatter is logged as: format_as(v) if it has one,
/// otherwise its underlying value. format_as runs at the call site, as it
/// would in fmt::format.
template <class T>
constexpr auto enum_value(T v) {
  if constexpr (has_enum_format_as<T>::value) {
    return format_as(v);
  } else {
    return static_cast<std::underlying_type_t<T>>(v);
  }
}
template <class T>
using enum_value_t = decltype(enum_value(std::declval<T>()));

// The kind a (cv-ref stripped, field-unwrapped) type is stored as.
template <class T>
constexpr ArgKind kind_of() {
  if constexpr (std::is_same_v<T, bool>) {
    return ArgKind::boolean;
  } else if constexpr (std::is_same_v<T, char>) {
    return ArgKind::character;
  } else if constexpr (is_string_like_v<T>) {
    return ArgKind::string;
  } else if constexpr (std::is_enum_v<T>) {
    if constexpr (has_fmt_formatter_v<T>) {
      return ArgKind::custom;
    } else {
      return kind_of<enum_value_t<T>>();
    }
  } else if constexpr (is_wide_text_v<T>) {
    static_assert(always_false<T>, "sluice: wide and UTF character types are not loggable");
    return ArgKind::custom;
  } else if constexpr (std::is_integral_v<T>) {
    // __int128 is integral under -std=gnu++20, but no kind holds 16 bytes:
    // as an i64, every reader would take 8 and misplace the arguments after.
    static_assert(sizeof(T) <= 8,
                  "sluice: integers wider than 64 bits (__int128) are not loggable; cast to a "
                  "64-bit type or format at the call site (fmt::format(\"{}\", value))");
    constexpr bool s = std::is_signed_v<T>;
    if constexpr (sizeof(T) == 1)
      return s ? ArgKind::i8 : ArgKind::u8;
    else if constexpr (sizeof(T) == 2)
      return s ? ArgKind::i16 : ArgKind::u16;
    else if constexpr (sizeof(T) == 4)
      return s ? ArgKind::i32 : ArgKind::u32;
    else
      return s ? ArgKind::i64 : ArgKind::u64;
  } else if constexpr (std::is_same_v<T, float>) {
    return ArgKind::f32;
  } else if constexpr (std::is_floating_point_v<T>) {
    return ArgKind::f64;  // long double is narrowed to double
  } else if constexpr ((std::is_pointer_v<T> && !std::is_function_v<std::remove_pointer_t<T>>) ||
                       std::is_null_pointer_v<T>) {
    // Object pointers only: a function pointer is not a `const void*`.
    return ArgKind::pointer;
  } else if constexpr (copy_loggable<T>::value) {
    static_assert(std::is_trivially_copyable_v<T>,
                  "sluice: copy_loggable types must be trivially copyable");
    static_assert(has_fmt_formatter_v<T>, "sluice: copy_loggable types need an fmt::formatter");
    return ArgKind::custom;
  } else {
    static_assert(always_false<T>,
                  "sluice: this type is not loggable. Format it at the call site "
                  "(fmt::format(\"{}\", value)) or, if it is trivially copyable and has an "
                  "fmt::formatter, opt in with sluice::copy_loggable<T>.");
    return ArgKind::custom;
  }
}

template <class T>
struct unwrap_field {
  using type = T;
};
template <FieldName Name, class T>
struct unwrap_field<Field<Name, T>> {
  using type = std::remove_cvref_t<T>;
};
template <class T>
using value_type_t = typename unwrap_field<std::remove_cvref_t<T>>::type;

// The type fmt checks the format string against: what the backend will
// actually hand to fmt for this argument.
template <class T>
auto check_type_of() {
  constexpr ArgKind kind = kind_of<T>();
  if constexpr (kind == ArgKind::string || kind == ArgKind::custom) {
    return std::string_view{};
  } else if constexpr (kind == ArgKind::pointer) {
    return static_cast<const void*>(nullptr);
  } else if constexpr (std::is_enum_v<T>) {
    return enum_value_t<T>{};
  } else if constexpr (std::is_same_v<T, long double>) {
    return double{};
  } else {
    return T{};
  }
}
template <class T>
using check_type_t = decltype(check_type_of<T>());

template <class... Ts>
struct type_list {};

// Never defined and not constexpr: a call from the consteval checks below
// stops compilation, and the compiler's message names it.
void too_many_arguments_for_the_format_string();
void dynamic_width_or_precision_must_be_an_integer_not_bool_or_char();

/// Calls `on_field(manual, index, nested)` for each replacement field of a
/// format string, in order: `manual` when it names its argument (`{1}`), and
/// then `index` is that number; `nested` for a dynamic width or precision
/// (`{:{}}`). Malformed strings are fmt's to reject.
template <class OnField>
constexpr void for_each_format_field(std::string_view s, OnField on_field) {
  const auto field = [&](std::size_t& i, bool nested) {  // at the char after '{'
    std::size_t index = 0;
    bool digits = false;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      index = index * 10 + static_cast<std::size_t>(s[i] - '0');
      digits = true;
      ++i;
    }
    on_field(digits, index, nested);
    while (i < s.size() && s[i] != '}' && s[i] != ':') ++i;  // a name: fmt rejects it
  };
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '}') {
      i += (i + 1 < s.size() && s[i + 1] == '}') ? 2 : 1;
    } else if (s[i] != '{') {
      ++i;
    } else if (i + 1 < s.size() && s[i + 1] == '{') {
      i += 2;
    } else {
      ++i;
      field(i, false);
      if (i < s.size() && s[i] == ':') {
        while (i < s.size() && s[i] != '}') {
          if (s[i] == '{') {  // dynamic width or precision
            ++i;
            field(i, true);
          }
          ++i;
        }
      }
      ++i;  // the closing '}'
    }
  }
}

/// How many leading arguments a format string uses: placeholders with
/// automatic indexing (nested width/precision fields included), or, with
/// explicit indices, the length of the run 0, 1, ... that it names ("{1}"
/// leaves argument 0 unused: 0). Past index 63 the run is not tracked and
/// the highest index + 1 is taken. Malformed strings are fmt's to reject.
consteval std::size_t count_format_arguments(std::string_view s) {
  std::size_t automatic = 0, highest_manual = 0;
  std::uint64_t named = 0;  // bit i: explicit index i appears
  bool manual = false;
  for_each_format_field(s, [&](bool is_manual, std::size_t index, bool) {
    if (is_manual) {
      manual = true;
      highest_manual = index + 1 > highest_manual ? index + 1 : highest_manual;
      if (index < 64) named |= std::uint64_t{1} << index;
    } else {
      ++automatic;
    }
  });
  if (!manual) return automatic;
  if (highest_manual > 64) return highest_manual;
  std::size_t run = 0;
  while (run < 64 && ((named >> run) & 1u) != 0) ++run;
  return run;
}

/// Bit i set: argument i (i < 64) is a dynamic width or precision
/// (`{:{}}`, `{:.{}f}`, `{0:{1}}`). constexpr, not consteval: clang 14 does
/// not take a consteval call on the constructor's parameter, in
/// FormatString's consteval constructor, for a constant expression.
constexpr std::uint64_t dynamic_spec_arguments(std::string_view s) {
  std::uint64_t found = 0;
  std::size_t automatic = 0;
  for_each_format_field(s, [&](bool manual, std::size_t index, bool nested) {
    const std::size_t arg = manual ? index : automatic++;
    if (nested && arg < 64) found |= std::uint64_t{1} << arg;
  });
  return found;
}

// fmt's compile-time check counts bool and char as integers where a width or
// precision goes; its formatting then throws "width is not integer".
template <class T>
inline constexpr bool is_bool_or_char_v = std::is_same_v<T, bool> || std::is_same_v<T, char>;

/// fmt's compile-time check plus two it does not make: every argument must
/// be used (an unused argument would be encoded on the hot path and never
/// shown, which is always a mistake at a log call), and a dynamic width or
/// precision must not be a bool or a char (fmt accepts them here and fails
/// when the backend formats the record).
template <class... Args>
class FormatString {
 public:
  template <class S>
  requires std::is_convertible_v<const S&, std::string_view>
  consteval FormatString(const S& text)  // NOLINT: implicit, as fmt's
      : checked_(text) {
    if (count_format_arguments(std::string_view(text)) < sizeof...(Args)) {
      too_many_arguments_for_the_format_string();
    }
    const std::uint64_t dynamic = dynamic_spec_arguments(std::string_view(text));
    std::size_t index = 0;
    const bool bad_spec =
        ((index < 64 && ((dynamic >> index++) & 1u) != 0 && is_bool_or_char_v<Args>) || ...);
    if (bad_spec) dynamic_width_or_precision_must_be_an_integer_not_bool_or_char();
  }

 private:
  fmt::basic_format_string<char, Args...> checked_;
};

template <class List, class... Rest>
struct message_args;
template <class... Done>
struct message_args<type_list<Done...>> {
  using type = FormatString<Done...>;
};
// Fields are skipped; a specialisation rather than std::conditional, because
// check_type_t must not be instantiated for a Field.
template <class... Done, FieldName Name, class T, class... Rest>
struct message_args<type_list<Done...>, Field<Name, T>, Rest...> {
  using type = typename message_args<type_list<Done...>, Rest...>::type;
};
template <class... Done, class Head, class... Rest>
struct message_args<type_list<Done...>, Head, Rest...> {
  using type = typename message_args<type_list<Done..., check_type_t<std::remove_cvref_t<Head>>>,
                                     Rest...>::type;
};

/// The format-string type for a call with these arguments: fields are left
/// out, so the string is checked at compile time against the message
/// arguments only.
template <class... Args>
using format_string_for = typename message_args<type_list<>, Args...>::type;

/// Formats a custom argument's stored bytes with "{}".
using CustomFormatFn = void (*)(const std::byte* data, std::string& out);

/// Custom values up to this size are copied to the stack to be formatted;
/// larger ones to the heap. A value may be as large as a queue (2 GiB), and
/// the backend thread's stack is the default 8 MiB.
inline constexpr std::size_t kMaxStackCopy = 4096;

template <class T>
void format_custom(const std::byte* data, std::string& out) {
  // The bytes are copied because in a record they need not be aligned for T.
  if constexpr (sizeof(T) <= kMaxStackCopy) {
    alignas(T) std::byte storage[sizeof(T)];
    std::memcpy(storage, data, sizeof(T));
    fmt::format_to(std::back_inserter(out), "{}",
                   *std::launder(reinterpret_cast<const T*>(storage)));
  } else {
    // std::allocator honours an extended alignment; bad_alloc is reported
    // as a format error (append_custom_text), as any exception from here.
    std::allocator<T> allocator;
    const auto release = [&allocator](T* p) { allocator.deallocate(p, 1); };
    const std::unique_ptr<T, decltype(release)> copy(allocator.allocate(1), release);
    std::memcpy(static_cast<void*>(copy.get()), data, sizeof(T));
    fmt::format_to(std::back_inserter(out), "{}", *std::launder(copy.get()));
  }
}

/// Per-argument static metadata, part of the call site.
struct ArgInfo {
  ArgKind kind;
  std::uint32_t custom_size;    // bytes stored for a custom kind
  std::string_view field_name;  // empty for message arguments
  CustomFormatFn format_custom;
};

template <class A>
constexpr ArgInfo arg_info_of() {
  using T = value_type_t<A>;
  constexpr ArgKind kind = kind_of<T>();
  std::string_view name{};
  if constexpr (is_field<std::remove_cvref_t<A>>::value) name = std::remove_cvref_t<A>::name;
  if constexpr (kind == ArgKind::custom) {
    return ArgInfo{kind, static_cast<std::uint32_t>(sizeof(T)), name, &format_custom<T>};
  } else {
    return ArgInfo{kind, 0, name, nullptr};
  }
}

// ---- encoding -------------------------------------------------------------

template <class A>
constexpr const auto& field_value(const A& a) noexcept {
  if constexpr (is_field<A>::value) {
    return a.value;
  } else {
    return a;
  }
}

inline std::string_view as_string_view(const std::string& s) noexcept { return s; }
inline std::string_view as_string_view(std::string_view s) noexcept { return s; }
inline std::string_view as_string_view(const char* s) noexcept {
  // fmt refuses a null const char*; a logger should not.
  return s ? std::string_view{s} : std::string_view{"(null)"};
}

/// The text of a string-like argument. A char array holds at most its own
/// size: up to its first NUL, or all of it when it has none (a fixed-width
/// field filled to the brim), never the bytes that follow it in memory. One
/// of unknown size (`extern const char version[];`) has no size to bound it
/// (its extent reads 0): up to its NUL, as a const char*. (An overload for
/// arrays would lose to the const char* one.)
template <class T>
inline std::string_view string_arg(const T& s) noexcept {
  if constexpr (std::is_volatile_v<std::remove_all_extents_t<T>>) {
    // Each byte would have to be read one at a time, twice (to measure it,
    // then to copy it), and could change in between; fmt formats no such
    // array either.
    static_assert(always_false<T>,
                  "sluice: a volatile char array is not loggable; copy its bytes into a char "
                  "array and log that");
    return {};
  } else if constexpr (std::is_bounded_array_v<T>) {
    const std::string_view whole(s, std::extent_v<T>);
    return whole.substr(0, whole.find('\0'));
  } else {
    return as_string_view(s);
  }
}

/// Bytes a non-string argument of type T takes in a record.
template <class T>
constexpr std::size_t fixed_encoded_size() noexcept {
  constexpr ArgKind kind = kind_of<T>();
  if constexpr (kind == ArgKind::custom) {
    return sizeof(T);
  } else if constexpr (kind == ArgKind::boolean || kind == ArgKind::character) {
    return 1;
  } else if constexpr (kind == ArgKind::pointer || kind == ArgKind::f64) {
    return 8;
  } else if constexpr (std::is_enum_v<T>) {
    return sizeof(enum_value_t<T>);
  } else {
    return sizeof(T);
  }
}

/// A string argument measured once: the record's size and its encoding both
/// need the length, and a const char*'s strlen (or a char array's scan for
/// its NUL) ran twice, since the stores between the two may alias the text.
/// `MaybeNull`: a std::string_view, whose data() may be null.
template <bool MaybeNull>
struct MeasuredString {
  std::string_view text;
};

/// What encoded_size and encode_arg are given for an argument: a string as a
/// MeasuredString, anything else as it is.
template <class A>
inline decltype(auto) measured(const A& arg) noexcept {
  using T = value_type_t<A>;
  if constexpr (kind_of<T>() == ArgKind::string) {
    return MeasuredString<std::is_same_v<T, std::string_view>>{string_arg(field_value(arg))};
  } else {
    return (arg);
  }
}

template <bool MaybeNull>
inline std::size_t encoded_size(const MeasuredString<MaybeNull>& arg) noexcept {
  return 4 + arg.text.size();
}

template <bool MaybeNull>
inline std::byte* encode_arg(std::byte* out, const MeasuredString<MaybeNull>& arg) noexcept {
  const auto n = static_cast<std::uint32_t>(arg.text.size());
  std::memcpy(out, &n, 4);
  // A default string_view's data() is null, and memcpy from null is
  // undefined even for 0 bytes. Other strings never give null (see
  // string_arg): they skip the test, which costs the hot path.
  if (!MaybeNull || n != 0) std::memcpy(out + 4, arg.text.data(), n);
  return out + 4 + n;
}

/// Bytes an argument takes in a record. Strings: a 4-byte length + the bytes.
template <class A>
inline std::size_t encoded_size(const A& arg) noexcept {
  using T = value_type_t<A>;
  if constexpr (kind_of<T>() == ArgKind::string) {
    return encoded_size(measured(arg));
  } else {
    return fixed_encoded_size<T>();
  }
}

template <class A>
inline std::byte* encode_arg(std::byte* out, const A& arg) noexcept {
  using T = value_type_t<A>;
  constexpr ArgKind kind = kind_of<T>();
  const auto& v = field_value(arg);
  if constexpr (kind == ArgKind::string) {
    return encode_arg(out, measured(arg));
  } else if constexpr (kind == ArgKind::pointer) {
    const auto p = reinterpret_cast<std::uint64_t>(static_cast<const volatile void*>(v));
    std::memcpy(out, &p, 8);
    return out + 8;
  } else if constexpr (kind == ArgKind::f64 && !std::is_same_v<T, double>) {
    const double d = static_cast<double>(v);
    std::memcpy(out, &d, 8);
    return out + 8;
  } else if constexpr (std::is_enum_v<T> && kind != ArgKind::custom) {
    const auto u = enum_value(v);
    std::memcpy(out, &u, sizeof(u));
    return out + sizeof(u);
  } else if constexpr (std::is_volatile_v<std::remove_reference_t<decltype(v)>>) {
    // memcpy cannot read through a pointer to volatile: one read, as fmt does.
    static_assert(std::is_scalar_v<T>, "sluice: copy a volatile object before logging it");
    const T value = v;
    std::memcpy(out, &value, sizeof(T));
    return out + sizeof(T);
  } else {
    std::memcpy(out, &v, sizeof(T));
    return out + sizeof(T);
  }
}

/// Sum of encoded sizes of all arguments.
template <class... Args>
inline std::size_t encoded_args_size(const Args&... args) noexcept {
  return (std::size_t{0} + ... + encoded_size(args));
}

template <class... Args>
inline void encode_args([[maybe_unused]] std::byte* out, const Args&... args) noexcept {
  ((out = encode_arg(out, args)), ...);
}

}  // namespace detail
}  // namespace sluice
