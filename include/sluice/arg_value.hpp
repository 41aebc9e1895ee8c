#pragma once
// The decoded value of one argument or field, as a sink or formatter sees it.

#include <cstdint>
#include <string_view>

namespace sluice {

/// How an argument is stored in a record. The values are part of the binary
/// log format: append only, never renumber.
enum class ArgKind : std::uint8_t {
  boolean = 0,
  character = 1,
  i8 = 2,
  i16 = 3,
  i32 = 4,
  i64 = 5,
  u8 = 6,
  u16 = 7,
  u32 = 8,
  u64 = 9,
  f32 = 10,
  f64 = 11,
  string = 12,
  pointer = 13,
  custom = 14,  // a user type copied as bytes and formatted on the backend
};

/// A decoded argument. `text` is set for string and custom kinds (for custom,
/// the value formatted with "{}"); it stays valid only while the record is.
struct ArgValue {
  ArgKind kind = ArgKind::i64;
  union {
    bool b;
    char c;
    std::int64_t i;
    std::uint64_t u;
    double d;
    const void* p;
  };
  std::string_view text;

  ArgValue() noexcept : i(0) {}
  bool is_signed() const noexcept {
    return kind == ArgKind::i8 || kind == ArgKind::i16 || kind == ArgKind::i32 ||
           kind == ArgKind::i64;
  }
  bool is_unsigned() const noexcept {
    return kind == ArgKind::u8 || kind == ArgKind::u16 || kind == ArgKind::u32 ||
           kind == ArgKind::u64;
  }
  bool is_floating() const noexcept { return kind == ArgKind::f32 || kind == ArgKind::f64; }
  bool is_text() const noexcept { return kind == ArgKind::string || kind == ArgKind::custom; }
};

/// A structured field of a record: its key and decoded value.
struct FieldView {
  std::string_view name;
  ArgValue value;
};

}  // namespace sluice
