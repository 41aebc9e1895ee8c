// PatternFormatter: the pattern is parsed once into tokens; format() walks
// them and appends to the caller's string (no allocation once it is warm).

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
  throw Error(message);
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

void append_fields(const RecordView& record, std::string& out) {
  const std::size_t count = record.field_count();
  for (std::size_t i = 0; i < count; ++i) {
    const FieldView& field = record.field(i);
    out += ' ';
    out += field.name;
    out += '=';
    detail::append_logfmt_field_value(field.value, out);
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
      flush_literal();
      tokens_.push_back(std::move(token));
      i = close + 1;
    }
  }
  flush_literal();
}

PatternFormatter::~PatternFormatter() = default;

void PatternFormatter::format(const RecordView& record, std::string& out) const {
  for (const Token& token : tokens_) {
    const std::size_t mark = out.size();
    switch (token.kind) {
      case Kind::literal:
        out += token.text;
        break;
      case Kind::timestamp:
        detail::append_iso8601(record.timestamp_ns(), zone_ == TimeZone::local, out);
        break;
      case Kind::level:
        out += level_name(record.level());
        break;
      case Kind::logger:
        out += record.logger_name();
        break;
      case Kind::message:
        out += record.message();
        break;
      case Kind::thread:
        detail::append_decimal(record.thread_id(), out);
        break;
      case Kind::thread_name:
        out += record.thread_name();
        break;
      case Kind::process:
        detail::append_decimal(record.process_id(), out);
        break;
      case Kind::file:
        out += record.file();
        break;
      case Kind::line:
        detail::append_decimal(record.line(), out);
        break;
      case Kind::source:
        out += record.file();
        out += ':';
        detail::append_decimal(record.line(), out);
        break;
      case Kind::function:
        out += record.function();
        break;
      case Kind::module:
        out += record.module();
        break;
      case Kind::fields:
        append_fields(record, out);
        break;
    }
    if (token.width != 0) pad(out, mark, token);
  }
}

std::shared_ptr<const Formatter> FormattedSink::default_formatter() {
  static const std::shared_ptr<const Formatter> formatter =
      std::make_shared<const PatternFormatter>();
  return formatter;
}

}  // namespace sluice
