#pragma once
// How the binary log (docs/binary-format.md) writes an argument of a fixed
// size. Here, not in core, because a call site whose argument types are all
// of a fixed size carries an encoder made for exactly those types
// (CallSite::put_fixed_args): the backend's encoder then runs no loop and no
// switch on the argument kinds per record. Core's run-time path (sites read
// back from a binary log, redacted text variants) writes the same bytes
// through the same put_fixed_arg.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "sluice/arg_value.hpp"
#include "sluice/detail/message_format.hpp"

namespace sluice::detail::binlog {

inline std::uint64_t zigzag(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}

/// Writes `v` as a LEB128 varint at `at` (room for 10 bytes), returns the end.
/// Through a raw pointer into room the caller made: std::string's per-byte
/// append checks its capacity on every byte.
inline char* put_varint(char* at, std::uint64_t v) noexcept {
  while (v >= 0x80) {
    *at++ = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  *at++ = static_cast<char>(v);
  return at;
}

/// An integer as the difference from the same argument of the site's
/// previous record: counters and ids that move little take a byte or two,
/// and compress to almost nothing.
inline char* put_difference(char* at, std::uint64_t value, std::uint64_t& previous) noexcept {
  const std::uint64_t difference = value - previous;  // wraps: any two values
  previous = value;
  return put_varint(at, zigzag(static_cast<std::int64_t>(difference)));
}

template <class T>
T take_arg(const std::byte*& p) noexcept {
  const T value = load_as<T>(p);
  p += sizeof value;
  return value;
}

/// Whether an argument of kind `kind` has a fixed size in a record.
constexpr bool is_fixed_size(ArgKind kind) noexcept {
  return kind != ArgKind::string && kind != ArgKind::custom;
}

/// One argument of the fixed-size kind `Kind`, read from `p` (which holds
/// it) and advanced past, written at `at` (room for 10 bytes).
/// Always inlined: `p` is passed by reference, and a call that is not inlined
/// keeps it in memory, which cost the fixed-size path ~35 instructions per
/// record (callgrind, sluice-bench-binary-sink --cases binary).
template <ArgKind Kind>
[[gnu::always_inline]] inline char* put_fixed_arg(char* at, const std::byte*& p,
                                                  std::uint64_t& previous) noexcept {
  static_assert(is_fixed_size(Kind), "strings and custom values are written by length and text");
  if constexpr (Kind == ArgKind::boolean) {
    *at++ = static_cast<char>(take_arg<std::uint8_t>(p) != 0 ? 1 : 0);
  } else if constexpr (Kind == ArgKind::character) {
    *at++ = static_cast<char>(take_arg<std::uint8_t>(p));
  } else if constexpr (Kind == ArgKind::i8) {
    at = put_difference(at, static_cast<std::uint64_t>(std::int64_t{take_arg<std::int8_t>(p)}),
                        previous);
  } else if constexpr (Kind == ArgKind::i16) {
    at = put_difference(at, static_cast<std::uint64_t>(std::int64_t{take_arg<std::int16_t>(p)}),
                        previous);
  } else if constexpr (Kind == ArgKind::i32) {
    at = put_difference(at, static_cast<std::uint64_t>(std::int64_t{take_arg<std::int32_t>(p)}),
                        previous);
  } else if constexpr (Kind == ArgKind::i64) {
    at = put_difference(at, static_cast<std::uint64_t>(take_arg<std::int64_t>(p)), previous);
  } else if constexpr (Kind == ArgKind::u8) {
    at = put_difference(at, take_arg<std::uint8_t>(p), previous);
  } else if constexpr (Kind == ArgKind::u16) {
    at = put_difference(at, take_arg<std::uint16_t>(p), previous);
  } else if constexpr (Kind == ArgKind::u32) {
    at = put_difference(at, take_arg<std::uint32_t>(p), previous);
  } else if constexpr (Kind == ArgKind::u64 || Kind == ArgKind::pointer) {
    at = put_difference(at, take_arg<std::uint64_t>(p), previous);
  } else if constexpr (Kind == ArgKind::f32) {
    const float v = take_arg<float>(p);  // little-endian hosts only, as the format
    std::memcpy(at, &v, sizeof v);
    at += sizeof v;
  } else {
    static_assert(Kind == ArgKind::f64);
    const double v = take_arg<double>(p);
    std::memcpy(at, &v, sizeof v);
    at += sizeof v;
  }
  return at;
}

/// Writes the encoded arguments at `args` of a call site whose arguments
/// have the fixed-size kinds `Kinds`, in order, at `at` (room for 10 bytes
/// per argument); `previous` holds one value per argument. Returns the end.
using PutFixedArgsFn = char* (*)(char* at, const std::byte* args, std::uint64_t* previous) noexcept;

template <ArgKind... Kinds>
char* put_fixed_args_of(char* at, const std::byte* args, std::uint64_t* previous) noexcept {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((at = put_fixed_arg<Kinds>(at, args, previous[I])), ...);
  }
  (std::make_index_sequence<sizeof...(Kinds)>{});
  return at;
}

/// The encoder a call site with these argument kinds carries: null when one
/// of them is a string or a custom value.
template <ArgKind... Kinds>
constexpr PutFixedArgsFn put_fixed_args_for() noexcept {
  if constexpr ((is_fixed_size(Kinds) && ...)) {
    return &put_fixed_args_of<Kinds...>;
  } else {
    return nullptr;
  }
}

}  // namespace sluice::detail::binlog
