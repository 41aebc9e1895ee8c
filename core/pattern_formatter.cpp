// PatternFormatter: the pattern is parsed once into tokens; format() walks
// them and appends to the caller's string (no allocation once it is warm).

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/error.hpp"
#include "sluice/formatter.hpp"
#include "sluice/record.hpp"
#include "sluice/sink.hpp"
#include "text_util.hpp"

namespace sluice {

struct PatternFormatter::Token {
  enum class Kind : std::uint8_t {
    literal,
    timestamp,
    level,
    logger,
    message,
    thread,
    thread_name,
    process,
    file,
    line,
    source,
    function,
    module,
    fields,
  };
  Kind kind = Kind::literal;
  char align = '<';         // '<', '>' or '^'
  std::uint16_t width = 0;  // 0: no padding
  std::string text;         // literal text
  // Level names padded to the token's width, indexed by Level (the last one
  // for a value outside the enum): a record's level costs one copy.
  std::array<std::string, 8> levels;
};

namespace {

using Kind = PatternFormatter::Token::Kind;

constexpr std::uint16_t kMaxWidth = 1024;

struct NamedKind {
  std::string_view name;
  Kind kind;
};
constexpr std::array<NamedKind, 13> kTokenNames{{
    {"timestamp", Kind::timestamp},
    {"level", Kind::level},
    {"logger", Kind::logger},
    {"message", Kind::message},
    {"thread", Kind::thread},
    {"thread_name", Kind::thread_name},
    {"process", Kind::process},
    {"file", Kind::file},
    {"line", Kind::line},
    {"source", Kind::source},
    {"function", Kind::function},
    {"module", Kind::module},
    {"fields", Kind::fields},
}};

// "<what> at offset <n> in "<pattern>"[: <hint>]"
[[noreturn]] void throw_pattern_error(std::string_view what, std::size_t offset,
                                      std::string_view pattern, std::string_view hint = {}) {
  std::string message(what);
  message += " at offset ";
  message += std::to_string(offset);
  message += " in \"";
  message += pattern;
  message += '"';
  if (!hint.empty()) {
    message += ": ";
    message += hint;
  }
  // The pattern's control bytes as \xHH: a NUL cut what() short, and a
  // newline or a terminal escape (ESC, or the C1 CSI in UTF-8) went raw to
  // whoever prints the error. A backslash as \\, or the text \x00 in a
  // pattern read like an escaped NUL.
  std::string printable;
  detail::append_display_escaped(message, detail::ControlBytes::hex, printable);
  throw Error(printable);
}

// "[<|>|^]width", width 1..kMaxWidth; false if `spec` is anything else.
bool parse_spec(std::string_view spec, PatternFormatter::Token& token) {
  if (!spec.empty() && (spec[0] == '<' || spec[0] == '>' || spec[0] == '^')) {
    token.align = spec[0];
    spec.remove_prefix(1);
  }
  if (spec.empty() || spec.size() > 4) return false;
  unsigned width = 0;
  for (const char ch : spec) {
    if (ch < '0' || ch > '9') return false;
    width = width * 10 + static_cast<unsigned>(ch - '0');
  }
  if (width == 0 || width > kMaxWidth) return false;
  token.width = static_cast<std::uint16_t>(width);
  return true;
}

// Number of UTF-8 code points (bytes that are not continuation bytes).
std::size_t display_width(std::string_view text) noexcept {
  std::size_t n = 0;
  for (const char ch : text) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

// Pads what was appended to `out` since `mark` (for tokens whose width is
// known only once rendered).
void pad(std::string& out, std::size_t mark, const PatternFormatter::Token& token) {
  const std::size_t width = display_width(std::string_view(out).substr(mark));
  if (width >= token.width) return;  // never truncated
  const std::size_t fill = token.width - width;
  switch (token.align) {
    case '>':
      out.insert(mark, fill, ' ');
      break;
    case '^':
      out.insert(mark, fill / 2, ' ');
      out.append(fill - fill / 2, ' ');
      break;
    default:
      out.append(fill, ' ');
      break;
  }
}

// Appends `text` padded to the token's width, if it has one.
void append_padded(std::string_view text, const PatternFormatter::Token& token,
                   detail::TextBuffer& out) {
  if (token.width == 0) {
    out.append(text);
    return;
  }
  const std::size_t width = display_width(text);
  const std::size_t fill = token.width > width ? token.width - width : 0;
  const std::size_t before = token.align == '>' ? fill : token.align == '^' ? fill / 2 : 0;
  out.append(before, ' ');
  out.append(text);
  out.append(fill - before, ' ');
}

void append_padded(std::uint64_t number, const PatternFormatter::Token& token,
                   detail::TextBuffer& out) {
  const fmt::format_int digits(number);
  append_padded(std::string_view(digits.data(), digits.size()), token, out);
}

// The record's own text, escaped by append_log_text: its width is known
// only once it is escaped.
bool is_record_text(Kind kind) noexcept {
  return kind == Kind::logger || kind == Kind::message || kind == Kind::thread_name ||
         kind == Kind::file || kind == Kind::function || kind == Kind::module;
}

// Tokens rendered in several pieces, or escaped: padded through pad() on the
// string.
bool is_compound(Kind kind) noexcept {
  return kind == Kind::timestamp || kind == Kind::source || kind == Kind::fields ||
         is_record_text(kind);
}

void append_fields(const RecordView& record, detail::TextBuffer& out) {
  const std::size_t count = record.field_count();
  for (std::size_t i = 0; i < count; ++i) {
    const FieldView& field = record.field(i);
    out.append(' ');
    // Quoted as a value would be: a key is a template argument, so it can
    // hold any bytes, and one read back from a binary log anything at all.
    detail::append_logfmt_value(field.name, out);
    out.append('=');
    detail::append_logfmt_field_value(field.value, out);
  }
}

// Appends one token; pads it unless it is compound.
void append_token(const PatternFormatter::Token& token, const RecordView& record, bool local,
                  detail::TextBuffer& out) {
  switch (token.kind) {
    case Kind::literal:
      out.append(token.text);
      break;
    case Kind::timestamp:
      detail::append_iso8601(record.timestamp_ns(), local, out);
      break;
    case Kind::level:
      append_padded(level_name(record.level()), token, out);
      break;
    case Kind::logger:
      detail::append_log_text(record.logger_name(), out);
      break;
    case Kind::message:
      detail::append_log_text(record.message(), out);
      break;
    case Kind::thread:
      append_padded(record.thread_id(), token, out);
      break;
    case Kind::thread_name:
      detail::append_log_text(record.thread_name(), out);
      break;
    case Kind::process:
      append_padded(record.process_id(), token, out);
      break;
    case Kind::file:
      detail::append_log_text(record.file(), out);
      break;
    case Kind::line:
      append_padded(record.line(), token, out);
      break;
    case Kind::source:
      detail::append_log_text(record.file(), out);
      out.append(':');
      detail::append_decimal(record.line(), out);
      break;
    case Kind::function:
      detail::append_log_text(record.function(), out);
      break;
    case Kind::module:
      detail::append_log_text(record.module(), out);
      break;
    case Kind::fields:
      append_fields(record, out);
      break;
  }
}

}  // namespace

PatternFormatter::PatternFormatter(std::string_view pattern, TimeZone zone) : zone_(zone) {
  std::string literal;
  const auto flush_literal = [&] {
    if (literal.empty()) return;
    Token token;
    token.text = std::move(literal);
    tokens_.push_back(std::move(token));
    literal.clear();
  };
  std::size_t i = 0;
  while (i < pattern.size()) {
    const char ch = pattern[i];
    const bool doubled = i + 1 < pattern.size() && pattern[i + 1] == ch;
    if (ch == '}') {
      if (!doubled) throw_pattern_error("unmatched '}'", i, pattern);
      literal += '}';
      i += 2;
    } else if (ch != '{') {
      literal += ch;
      ++i;
    } else if (doubled) {
      literal += '{';
      i += 2;
    } else {
      const std::size_t close = pattern.find('}', i + 1);
      if (close == std::string_view::npos) throw_pattern_error("unclosed '{'", i, pattern);
      const std::string_view body = pattern.substr(i + 1, close - i - 1);
      const std::string_view whole = pattern.substr(i, close - i + 1);
      const std::size_t colon = body.find(':');
      const std::string_view name = body.substr(0, colon);
      Token token;
      bool known = false;
      for (const NamedKind& named : kTokenNames) {
        if (named.name == name) {
          token.kind = named.kind;
          known = true;
        }
      }
      if (!known) {
        throw_pattern_error("unknown pattern token '" + std::string(whole) + "'", i, pattern);
      }
      if (colon != std::string_view::npos && !parse_spec(body.substr(colon + 1), token)) {
        throw_pattern_error("invalid spec '" + std::string(body.substr(colon + 1)) +
                                "' in pattern token '" + std::string(whole) + "'",
                            i, pattern, "expected <, > or ^ and a width from 1 to 1024");
      }
      if (token.kind == Kind::level) {
        for (std::size_t l = 0; l < token.levels.size(); ++l) {
          detail::TextBuffer text(token.levels[l]);
          append_padded(level_name(static_cast<Level>(l)), token, text);
          text.flush();
        }
      }
      flush_literal();
      tokens_.push_back(std::move(token));
      i = close + 1;
    }
  }
  flush_literal();
}

PatternFormatter::~PatternFormatter() = default;

void PatternFormatter::format(const RecordView& record, std::string& out) const {
  const bool local = zone_ == TimeZone::local;
  detail::TextBuffer buffer(out);
  for (const Token& token : tokens_) {
    // The tokens of the usual patterns inline; the rest through append_token.
    switch (token.kind) {
      case Kind::literal:
        buffer.append(token.text);
        continue;
      case Kind::level: {
        const auto index = static_cast<std::size_t>(record.level());
        buffer.append(token.levels[index < token.levels.size() ? index : token.levels.size() - 1]);
        continue;
      }
      case Kind::timestamp:
        if (token.width == 0) {
          detail::append_iso8601(record.timestamp_ns(), local, buffer);
          continue;
        }
        break;
      case Kind::message:
      case Kind::logger:
        if (token.width == 0) {
          detail::append_log_text(
              token.kind == Kind::message ? record.message() : record.logger_name(), buffer);
          continue;
        }
        break;
      default:
        break;
    }
    if (token.width != 0 && is_compound(token.kind)) {
      std::string& text = buffer.string();  // nothing left staged in `buffer`
      const std::size_t mark = text.size();
      detail::TextBuffer piece(text);
      append_token(token, record, local, piece);
      piece.flush();
      pad(text, mark, token);
    } else {
      append_token(token, record, local, buffer);
    }
  }
  buffer.flush();
}

std::shared_ptr<const Formatter> FormattedSink::default_formatter() {
  static const std::shared_ptr<const Formatter> formatter =
      std::make_shared<const PatternFormatter>();
  return formatter;
}

}  // namespace sluice
