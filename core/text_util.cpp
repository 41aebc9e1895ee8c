#include "text_util.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <ctime>
#include <limits>

namespace sluice::detail {

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

// "00" "01" ... "99".
constexpr auto kDigitPairsTable = [] {
  struct Table {
    char value[200];
  } table{};
  for (int i = 0; i < 100; ++i) {
    table.value[2 * i] = static_cast<char>('0' + i / 10);
    table.value[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return table;
}();
constexpr const char* kDigitPairs = kDigitPairsTable.value;

void write2(char* p, unsigned value) noexcept {
  p[0] = static_cast<char>('0' + value / 10);
  p[1] = static_cast<char>('0' + value % 10);
}

// Days since 1970-01-01 to a civil date (proleptic Gregorian), after Howard
// Hinnant's days_from_civil paper: exact for every int64 day count we meet.
void civil_from_days(std::int64_t days, std::int64_t& year, unsigned& month,
                     unsigned& day) noexcept {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);                 // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  day = doy - (153 * mp + 2) / 5 + 1;
  month = mp < 10 ? mp + 3 : mp - 9;
  year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0);
}

// "YYYY-MM-DDTHH:MM:SS." of one second, and the zone suffix that follows the
// fraction ("Z" or "+01:00"). An int64 of nanoseconds spans the years 1677 to
// 2262, so the date always has four year digits and the prefix 20 bytes.
struct SecondText {
  static constexpr std::size_t kPrefixSize = 20;
  std::int64_t second = std::numeric_limits<std::int64_t>::min();
  char prefix[kPrefixSize] = {};
  char zone[8] = {};
  std::size_t zone_size = 0;
};

void render_date_time(SecondText& text, std::int64_t year, unsigned month, unsigned day,
                      unsigned hour, unsigned minute, unsigned second) {
  char* p = text.prefix;
  const auto y = static_cast<unsigned>(year % 10000);
  write2(p, y / 100);
  write2(p + 2, y % 100);
  p[4] = '-';
  write2(p + 5, month);
  p[7] = '-';
  write2(p + 8, day);
  p[10] = 'T';
  write2(p + 11, hour);
  p[13] = ':';
  write2(p + 14, minute);
  p[16] = ':';
  write2(p + 17, second);
  p[19] = '.';
}

void render_utc(SecondText& text, std::int64_t seconds) {
  std::int64_t days = seconds / 86400;
  std::int64_t in_day = seconds % 86400;
  if (in_day < 0) {
    in_day += 86400;
    --days;
  }
  std::int64_t year = 0;
  unsigned month = 0, day = 0;
  civil_from_days(days, year, month, day);
  const auto s = static_cast<unsigned>(in_day);
  render_date_time(text, year, month, day, s / 3600, s / 60 % 60, s % 60);
  text.zone[0] = 'Z';
  text.zone_size = 1;
}

void render_local(SecondText& text, std::int64_t seconds) {
  const auto t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (::localtime_r(&t, &tm) == nullptr) {  // out of the C library's range
    render_utc(text, seconds);
    return;
  }
  render_date_time(text, std::int64_t{tm.tm_year} + 1900, static_cast<unsigned>(tm.tm_mon + 1),
                   static_cast<unsigned>(tm.tm_mday), static_cast<unsigned>(tm.tm_hour),
                   static_cast<unsigned>(tm.tm_min), static_cast<unsigned>(tm.tm_sec));
  long offset = tm.tm_gmtoff;  // seconds east of UTC
  text.zone[0] = offset < 0 ? '-' : '+';
  if (offset < 0) offset = -offset;
  const auto minutes = static_cast<unsigned>(offset / 60);  // whole minutes, as RFC 3339 has
  write2(text.zone + 1, minutes / 60 % 100);
  text.zone[3] = ':';
  write2(text.zone + 4, minutes % 60);
  text.zone_size = 6;
}

// Per thread, so that formatters stay usable from any thread (the backend, a
// decoder, a test) without locking.
thread_local SecondText t_second_text[2];  // [0] UTC, [1] local

constexpr char kHexDigits[] = "0123456789abcdef";

void append_u_escape(unsigned char byte, TextBuffer& out) {
  const char text[6] = {'\\', 'u', '0', '0', kHexDigits[byte >> 4], kHexDigits[byte & 0xF]};
  out.append(std::string_view(text, sizeof text));
}

// JSON escaping class of each byte: 0 copied as is, 1 escaped ASCII, 2 the
// start of a multi-byte (or ill-formed) UTF-8 sequence.
constexpr auto kJsonClass = [] {
  struct Table {
    unsigned char value[256];
  } table{};
  for (int b = 0; b < 256; ++b) {
    table.value[b] = b < 0x20 || b == '"' || b == '\\' || b == 0x7F ? 1 : b >= 0x80 ? 2 : 0;
  }
  return table;
}();

// True if any of the 8 bytes in `word` has JSON class 1 or 2: below 0x20,
// '"', '\\', or 0x7F and above. Each test is exact for "some byte matches"
// (a borrow or carry between bytes only starts at a byte that matches).
constexpr bool json_word_needs_work(std::uint64_t word) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kHighs = 0x8080808080808080;
  const std::uint64_t quote = word ^ (kOnes * '"');
  const std::uint64_t backslash = word ^ (kOnes * '\\');
  const std::uint64_t below_space = (word - kOnes * 0x20) & ~word;
  const std::uint64_t is_quote = (quote - kOnes) & ~quote;
  const std::uint64_t is_backslash = (backslash - kOnes) & ~backslash;
  const std::uint64_t del_or_high = (word + kOnes) | word;
  return ((below_space | is_quote | is_backslash | del_or_high) & kHighs) != 0;
}

// Length of the well-formed UTF-8 sequence at the start of `s` (2 to 4), or,
// negated, the length of its maximal ill-formed subpart (1 to 3). s[0] >= 0x80.
int utf8_sequence(const unsigned char* s, std::size_t size) noexcept {
  const unsigned char lead = s[0];
  int length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong below U+0800
    if (lead == 0xED) high = 0x9F;  // surrogates U+D800..U+DFFF
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong below U+10000
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return -1;  // a continuation byte, C0/C1 (always overlong) or F5..FF
  }
  if (size < 2 || s[1] < low || s[1] > high) return -1;
  for (int i = 2; i < length; ++i) {
    if (static_cast<std::size_t>(i) >= size || s[i] < 0x80 || s[i] > 0xBF) return -i;
  }
  return length;
}

// True if the sequence of `length` (from utf8_sequence) at `s` is a C1
// control, U+0080..U+009F: valid UTF-8, but U+009B is a terminal's CSI.
bool is_c1_control(const unsigned char* s, int length) noexcept {
  return length == 2 && s[0] == 0xC2 && s[1] <= 0x9F;
}

bool logfmt_needs_quotes(std::string_view text) noexcept {
  if (text.empty()) return true;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  for (std::size_t i = 0; i < size;) {
    const unsigned char b = s[i];
    if (b < 0x80) {
      if (b <= 0x20 || b == '"' || b == '=' || b == 0x7F) return true;
      ++i;
      continue;
    }
    const int length = utf8_sequence(s + i, size - i);
    if (length < 0 || is_c1_control(s + i, length)) return true;
    i += static_cast<std::size_t>(length);
  }
  return false;
}

// Appends the UTF-8 sequence at `s` inside a quoted logfmt value, as the
// JSON escaping does: a C1 control as \u00xx, a maximal ill-formed
// subsequence as \ufffd (go-logfmt's replacement). Returns the bytes read.
std::size_t append_logfmt_non_ascii(const unsigned char* s, std::size_t size, TextBuffer& out) {
  const int length = utf8_sequence(s, size);
  if (is_c1_control(s, length)) {
    append_u_escape(s[1], out);
  } else if (length > 0) {
    out.append(
        std::string_view(reinterpret_cast<const char*>(s), static_cast<std::size_t>(length)));
  } else {
    out.append("\\ufffd");
  }
  return static_cast<std::size_t>(length > 0 ? length : -length);
}

// Longest "{}" rendering of a double ("-2.2250738585072014e-308"), a float,
// or a pointer ("0x" and 16 digits), with room to spare.
constexpr std::size_t kMaxNumberSize = 32;

// "{}" of a float, double or pointer, as fmt renders it in messages.
template <class T>
void append_formatted(T value, TextBuffer& out) {
  char* p = out.reserve(kMaxNumberSize);
  out.commit(fmt::format_to(p, FMT_STRING("{}"), value));
}

void append_signed(std::int64_t value, TextBuffer& out) {
  const fmt::format_int digits(value);
  out.append(std::string_view(digits.data(), digits.size()));
}

// A value that is not text, as "{}" renders it (bool as true/false).
void append_plain_value(const ArgValue& value, TextBuffer& out) {
  switch (value.kind) {
    case ArgKind::boolean:
      out.append(value.b ? std::string_view("true") : std::string_view("false"));
      break;
    case ArgKind::i8:
    case ArgKind::i16:
    case ArgKind::i32:
    case ArgKind::i64:
      append_signed(value.i, out);
      break;
    case ArgKind::u8:
    case ArgKind::u16:
    case ArgKind::u32:
    case ArgKind::u64:
      append_decimal(value.u, out);
      break;
    case ArgKind::f32:
      append_formatted(static_cast<float>(value.d), out);  // 0.1f is 0.1, not 0.100000001
      break;
    case ArgKind::f64:
      append_formatted(value.d, out);
      break;
    case ArgKind::pointer:
      append_formatted(value.p, out);
      break;
    case ArgKind::character:
      out.append(value.c);
      break;
    case ArgKind::string:
    case ArgKind::custom:
      out.append(value.text);
      break;
  }
}

// The ways of showing text that append_display writes: the two of
// ControlBytes (error messages, backslash doubled) and a log line's text.
enum class DisplayMode { hex, tab_and_named, log_text };

constexpr bool shown_as_is(DisplayMode mode, unsigned char b) noexcept {
  if (b == '\\') return mode == DisplayMode::log_text;
  if (b == '\t') return mode != DisplayMode::hex;
  if (b == '\n') return mode == DisplayMode::log_text;
  return b >= 0x20 && b < 0x7F;
}

// Display class of each byte: 0 copied as is, 1 an escaped ASCII byte, 2 the
// start of a multi-byte (or ill-formed) UTF-8 sequence.
template <DisplayMode Mode>
constexpr auto kDisplayClass = [] {
  struct Table {
    unsigned char value[256];
  } table{};
  for (int b = 0; b < 256; ++b) {
    const auto byte = static_cast<unsigned char>(b);
    table.value[b] = b >= 0x80 ? 2 : shown_as_is(Mode, byte) ? 0 : 1;
  }
  return table;
}();

// True if any of the 8 bytes in `word` is below 0x20, 0x7F or above, or (if
// `backslash`) a backslash: the bytes of display class 1 and 2, and tab and
// newline, which the byte loop then passes. Exact as json_word_needs_work is.
constexpr bool display_word_needs_work(std::uint64_t word, bool backslash) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kHighs = 0x8080808080808080;
  const std::uint64_t below_space = (word - kOnes * 0x20) & ~word;
  const std::uint64_t del_or_high = (word + kOnes) | word;
  std::uint64_t found = below_space | del_or_high;
  if (backslash) {
    const std::uint64_t diff = word ^ (kOnes * '\\');
    found |= (diff - kOnes) & ~diff;
  }
  return (found & kHighs) != 0;
}

void append_x_escape(unsigned char byte, TextBuffer& out) {
  const char text[4] = {'\\', 'x', kHexDigits[byte >> 4], kHexDigits[byte & 0xF]};
  out.append(std::string_view(text, sizeof text));
}

template <DisplayMode Mode>
void append_ascii_escaped(unsigned char b, TextBuffer& out) {
  if (b == '\\') {
    out.append("\\\\");
  } else if (Mode == DisplayMode::tab_and_named && b == '\n') {
    out.append("\\n");
  } else if (Mode == DisplayMode::tab_and_named && b == '\r') {
    out.append("\\r");
  } else {
    append_x_escape(b, out);
  }
}

// Printable ASCII and valid UTF-8 other than the C1 controls (U+0080..U+009F,
// U+009B is a terminal's CSI) are copied in runs; the bytes of a C1 control
// and of an ill-formed sequence are written as \xHH, one at a time (what
// follows a bad byte is shown by the same rules: a continuation byte is
// ill-formed on its own); the ASCII controls as `Mode` says.
template <DisplayMode Mode>
void append_display(std::string_view text, TextBuffer& out) {
  constexpr bool kBackslashEscaped = Mode != DisplayMode::log_text;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  std::size_t run_start = 0;
  const auto append_run = [&] {
    if (i > run_start) out.append(text.substr(run_start, i - run_start));
  };
  for (;;) {
    for (std::uint64_t word = 0; i + 8 <= size; i += 8) {
      std::memcpy(&word, s + i, 8);
      if (display_word_needs_work(word, kBackslashEscaped)) break;
    }
    while (i < size && kDisplayClass<Mode>.value[s[i]] == 0) ++i;
    if (i == size) break;
    const unsigned char b = s[i];
    if (b < 0x80) {
      append_run();
      append_ascii_escaped<Mode>(b, out);
      ++i;
    } else {
      const int length = utf8_sequence(s + i, size - i);
      const bool c1_control = is_c1_control(s + i, length);
      if (length > 0 && !c1_control) {
        i += static_cast<std::size_t>(length);  // part of the run
        continue;
      }
      append_run();
      append_x_escape(b, out);
      if (c1_control) append_x_escape(s[i + 1], out);
      i += c1_control ? 2 : 1;
    }
    run_start = i;
  }
  append_run();
}

// Runs `append` on a TextBuffer over `out`.
template <class Append>
void through_buffer(std::string& out, Append append) {
  TextBuffer buffer(out);
  append(buffer);
  buffer.flush();
}

}  // namespace

void TextBuffer::flush() {
  out_.append(data_, size_);
  size_ = 0;
}

void TextBuffer::append_long(std::string_view text) {
  flush();
  if (text.size() > kCapacity) {
    out_.append(text);
  } else {
    copy_short(data_, text.data(), text.size());
    size_ = text.size();
  }
}

void append_iso8601(std::int64_t ns, bool local, TextBuffer& out) {
  std::int64_t seconds = ns / kNanosPerSecond;
  std::int64_t fraction = ns % kNanosPerSecond;
  if (fraction < 0) {
    fraction += kNanosPerSecond;
    --seconds;
  }
  SecondText& text = t_second_text[local ? 1 : 0];
  if (text.second != seconds) {
    if (local) {
      render_local(text, seconds);
    } else {
      render_utc(text, seconds);
    }
    text.second = seconds;
  }
  // Fixed-size copies compile to a few moves; the zone is copied whole and
  // only its used part kept.
  char* p = out.reserve(SecondText::kPrefixSize + 9 + sizeof text.zone);
  std::memcpy(p, text.prefix, SecondText::kPrefixSize);
  p += SecondText::kPrefixSize;
  auto f = static_cast<std::uint32_t>(fraction);  // nine digits, two at a time
  for (int i = 7; i >= 1; i -= 2) {
    std::memcpy(p + i, kDigitPairs + 2 * (f % 100), 2);
    f /= 100;
  }
  p[0] = static_cast<char>('0' + f);
  p += 9;
  std::memcpy(p, text.zone, sizeof text.zone);
  out.commit(p + text.zone_size);
}

void append_iso8601(std::int64_t ns, bool local, std::string& out) {
  through_buffer(out, [&](TextBuffer& buffer) { append_iso8601(ns, local, buffer); });
}

void append_json_escaped(std::string_view text, TextBuffer& out) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    // Find the longest run that needs no work, 8 bytes at a time, then byte
    // by byte, and copy it in one piece.
    const std::size_t run_start = i;
    for (std::uint64_t word = 0; i + 8 <= size; i += 8) {
      std::memcpy(&word, s + i, 8);
      if (json_word_needs_work(word)) break;
    }
    while (i < size && kJsonClass.value[s[i]] == 0) ++i;
    if (i > run_start) out.append(text.substr(run_start, i - run_start));
    if (i == size) break;
    const unsigned char b = s[i];
    if (kJsonClass.value[b] == 1) {
      switch (b) {
        case '"':
          out.append("\\\"");
          break;
        case '\\':
          out.append("\\\\");
          break;
        case '\n':
          out.append("\\n");
          break;
        case '\r':
          out.append("\\r");
          break;
        case '\t':
          out.append("\\t");
          break;
        case '\b':
          out.append("\\b");
          break;
        case '\f':
          out.append("\\f");
          break;
        default:
          append_u_escape(b, out);
          break;
      }
      ++i;
      continue;
    }
    const int length = utf8_sequence(s + i, size - i);
    if (is_c1_control(s + i, length)) {
      // Valid JSON as it is, but a terminal showing the log takes U+009B as
      // CSI.
      append_u_escape(s[i + 1], out);
      i += 2;
    } else if (length > 0) {
      out.append(text.substr(i, static_cast<std::size_t>(length)));
      i += static_cast<std::size_t>(length);
    } else {
      out.append("\\ufffd");
      i += static_cast<std::size_t>(-length);
    }
  }
}

void append_hex_escape(unsigned char byte, std::string& out) {
  const char text[4] = {'\\', 'x', kHexDigits[byte >> 4], kHexDigits[byte & 0xF]};
  out.append(text, sizeof text);
}

void append_display_escaped(std::string_view text, ControlBytes controls, std::string& out) {
  through_buffer(out, [&](TextBuffer& buffer) {
    if (controls == ControlBytes::tab_and_named) {
      append_display<DisplayMode::tab_and_named>(text, buffer);
    } else {
      append_display<DisplayMode::hex>(text, buffer);
    }
  });
}

void append_log_text(std::string_view text, TextBuffer& out) {
  append_display<DisplayMode::log_text>(text, out);
}

void append_log_text(std::string_view text, std::string& out) {
  through_buffer(out, [&](TextBuffer& buffer) { append_log_text(text, buffer); });
}

std::size_t log_text_as_is_prefix(std::string_view text) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  for (;;) {
    for (std::uint64_t word = 0; i + 8 <= size; i += 8) {
      std::memcpy(&word, s + i, 8);
      if (display_word_needs_work(word, false)) break;
    }
    while (i < size && kDisplayClass<DisplayMode::log_text>.value[s[i]] == 0) ++i;
    if (i == size || s[i] < 0x80) return i;
    const int length = utf8_sequence(s + i, size - i);
    if (length <= 0 || is_c1_control(s + i, length)) return i;
    i += static_cast<std::size_t>(length);
  }
}

void append_log_text_after(std::string_view text, std::size_t clean, std::string& out) {
  // Escaping has no state across characters, and the prefix ends at one's
  // boundary: the rest escaped alone is what the whole would give.
  through_buffer(out, [&](TextBuffer& buffer) {
    buffer.append(text.substr(0, clean));
    append_log_text(text.substr(clean), buffer);
  });
}

bool is_valid_utf8(std::string_view text) noexcept {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  for (std::size_t i = 0; i < size;) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const int length = utf8_sequence(s + i, size - i);
    if (length < 0) return false;
    i += static_cast<std::size_t>(length);
  }
  return true;
}

void append_json_escaped(std::string_view text, std::string& out) {
  through_buffer(out, [&](TextBuffer& buffer) { append_json_escaped(text, buffer); });
}

void append_json_string(std::string_view text, TextBuffer& out) {
  out.append('"');
  append_json_escaped(text, out);
  out.append('"');
}

void append_json_string(std::string_view text, std::string& out) {
  through_buffer(out, [&](TextBuffer& buffer) { append_json_string(text, buffer); });
}

void append_json_value(const ArgValue& value, TextBuffer& out) {
  switch (value.kind) {
    case ArgKind::character:
      append_json_string(std::string_view(&value.c, 1), out);
      break;
    case ArgKind::string:
    case ArgKind::custom:
      append_json_string(value.text, out);
      break;
    case ArgKind::pointer:
      out.append('"');
      append_plain_value(value, out);
      out.append('"');
      break;
    case ArgKind::f32:
    case ArgKind::f64:
      if (std::isnan(value.d)) {
        out.append("\"NaN\"");
      } else if (std::isinf(value.d)) {
        out.append(value.d > 0 ? std::string_view("\"Infinity\"")
                               : std::string_view("\"-Infinity\""));
      } else {
        append_plain_value(value, out);
      }
      break;
    default:
      append_plain_value(value, out);
      break;
  }
}

void append_json_value(const ArgValue& value, std::string& out) {
  through_buffer(out, [&](TextBuffer& buffer) { append_json_value(value, buffer); });
}

void append_logfmt_value(std::string_view text, TextBuffer& out) {
  if (!logfmt_needs_quotes(text)) {
    out.append(text);
    return;
  }
  out.append('"');
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t i = 0; i < text.size();) {
    const unsigned char b = s[i];
    const char ch = text[i];
    if (b >= 0x80) {
      i += append_logfmt_non_ascii(s + i, text.size() - i, out);
      continue;
    }
    if (b == '"' || b == '\\') {
      out.append('\\');
      out.append(ch);
    } else if (b == '\n') {
      out.append("\\n");
    } else if (b == '\r') {
      out.append("\\r");
    } else if (b == '\t') {
      out.append("\\t");
    } else if (b < 0x20 || b == 0x7F) {
      append_u_escape(b, out);
    } else {
      out.append(ch);
    }
    ++i;
  }
  out.append('"');
}

void append_logfmt_value(std::string_view text, std::string& out) {
  through_buffer(out, [&](TextBuffer& buffer) { append_logfmt_value(text, buffer); });
}

void append_logfmt_field_value(const ArgValue& value, TextBuffer& out) {
  switch (value.kind) {
    case ArgKind::character:
      append_logfmt_value(std::string_view(&value.c, 1), out);
      break;
    case ArgKind::string:
    case ArgKind::custom:
      append_logfmt_value(value.text, out);
      break;
    default:
      append_plain_value(value, out);
      break;
  }
}

void append_logfmt_field_value(const ArgValue& value, std::string& out) {
  through_buffer(out, [&](TextBuffer& buffer) { append_logfmt_field_value(value, buffer); });
}

std::string_view module_of(std::string_view file) noexcept {
  // Hand-written backward scans: the pattern formatter's {module} runs this
  // for every record.
  std::size_t start = file.size();
  while (start > 0 && file[start - 1] != '/' && file[start - 1] != '\\') --start;
  std::string_view name = file.substr(start);
  std::size_t dot = name.size();
  while (dot > 0 && name[dot - 1] != '.') --dot;
  if (dot > 1) name = name.substr(0, dot - 1);  // a leading dot is not an extension
  return name;
}

void append_decimal(std::uint64_t value, TextBuffer& out) {
  const fmt::format_int digits(value);
  out.append(std::string_view(digits.data(), digits.size()));
}

}  // namespace sluice::detail
