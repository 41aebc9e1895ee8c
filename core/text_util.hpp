#pragma once
// Text rendering shared by the formatters and (later) the decoder tool, so
// that live and decoded output are byte for byte the same: ISO 8601
// timestamps, JSON strings and numbers, logfmt values.
//
// Every function appends to `out` and allocates only when `out` must grow.

#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/arg_value.hpp"

namespace sluice::detail {

/// Appends `ns` (nanoseconds since the Unix epoch) as ISO 8601 with nine
/// fraction digits: "2026-11-23T11:50:51.123456789Z" in UTC, or with the local
/// offset ("...+01:00") when `local` is true. The date and time of the last
/// second seen is cached per thread and per zone. The local zone is read
/// through localtime_r: a change of TZ takes effect after tzset() and a new
/// second.
void append_iso8601(std::int64_t ns, bool local, std::string& out);

/// Appends `text` escaped per RFC 8259, without quotes: `"` `\` as `\"` `\\`,
/// \n \r \t \b \f as such, other bytes below 0x20 and 0x7F as \u00xx (lower-case
/// hex). Valid UTF-8 passes through; each maximal ill-formed subsequence (a
/// bad lead byte, a truncated sequence, an overlong form, a surrogate, a code
/// point above U+10FFFF) becomes \ufffd, as in Unicode's "U+FFFD substitution
/// of maximal subparts" (what Python's errors="replace" does).
void append_json_escaped(std::string_view text, std::string& out);

/// `"` + append_json_escaped(text) + `"`.
void append_json_string(std::string_view text, std::string& out);

/// Appends a field value as a JSON value: integers as numbers, floats as the
/// shortest round-trip number (f32 as float), NaN and infinities as the
/// strings "NaN", "Infinity", "-Infinity", bool as true/false, a character,
/// string or custom value as a string, a pointer as a "0x..." string.
void append_json_value(const ArgValue& value, std::string& out);

/// Appends `text` as a logfmt value: as is, or, when it is empty or contains a
/// space, `"`, `=` or a control byte (below 0x20, or 0x7F), in double quotes
/// with `"` and `\` escaped as `\"` and `\\`, \n \r \t as such and other
/// control bytes as \u00xx (the quoting of go-logfmt).
void append_logfmt_value(std::string_view text, std::string& out);

/// Appends a field value for text output: numbers, bool and pointers as "{}"
/// renders them, a character, string or custom value through
/// append_logfmt_value.
void append_logfmt_field_value(const ArgValue& value, std::string& out);

/// Appends the decimal digits of `value`.
void append_decimal(std::uint64_t value, std::string& out);

}  // namespace sluice::detail
