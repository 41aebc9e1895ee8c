#pragma once
// Formatters turn a record into text. Sinks share them: a record is formatted
// once per distinct formatter object, however many sinks use it.

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice {

class RecordView;

/// Thread safety: format() is called by the backend thread only; a formatter
/// must not change after it is given to a sink.
class Formatter {
 public:
  virtual ~Formatter() = default;
  /// Appends the record's text to `out`, without a trailing newline.
  virtual void format(const RecordView& record, std::string& out) const = 0;
  /// What the record's text reads as while RecordView::formatted() runs
  /// this formatter. false (the default): as the pattern formatter shows it,
  /// its terminal controls written as \xHH (the message, argument and field
  /// text, field names, logger and thread names, call site; newline and tab
  /// kept), so that a logged value cannot drive the terminal that shows the
  /// output, whatever the formatter writes around it (ANSI colours of its
  /// own included). true: the exact bytes, for a formatter that escapes
  /// them itself, as JSON does. See docs/patterns.md.
  virtual bool reads_raw_text() const noexcept { return false; }
};

enum class TimeZone { utc, local };

/// A pattern of literal text and {token} placeholders; see docs/patterns.md.
/// The record's text (message, names, call site) keeps its newlines and tabs;
/// its other control bytes, C1 controls and invalid UTF-8 are written as \xHH,
/// so that a logged value cannot drive the terminal that shows the log.
/// Throws sluice::Error for an unknown token, an invalid spec (`{level:x8}`;
/// docs/patterns.md) or an unbalanced brace, naming the offset in the pattern.
class PatternFormatter final : public Formatter {
 public:
  static constexpr std::string_view default_pattern =
      "{timestamp} {level:<8} {logger}: {message}{fields}";

  explicit PatternFormatter(std::string_view pattern = default_pattern,
                            TimeZone zone = TimeZone::utc);
  ~PatternFormatter() override;
  void format(const RecordView& record, std::string& out) const override;
  /// It escapes the record's text itself, after measuring it for widths.
  bool reads_raw_text() const noexcept override { return true; }

  struct Token;  // internal

 private:
  std::vector<Token> tokens_;
  TimeZone zone_;
};

struct JsonOptions {
  /// Key of the logger's name: "logger_name" (the ERP standard) or "logger".
  std::string logger_key = "logger_name";
  /// Extra constant keys added to every object, e.g. service_name, environment.
  std::vector<std::pair<std::string, std::string>> static_fields;
};

/// One JSON object per record: timestamp, level, logger_name, message, module,
/// function, line, process, thread, thread_name, then static and structured
/// fields. Strings are escaped per RFC 8259, the C1 controls as \u0080..\u009f
/// too; invalid UTF-8 becomes U+FFFD.
/// See docs/patterns.md. Throws sluice::Error if options.logger_key is empty
/// or another standard key. format() may be called from any thread (what it
/// caches between records is kept per thread, not in the formatter).
class JsonFormatter final : public Formatter {
 public:
  explicit JsonFormatter(JsonOptions options = {});
  void format(const RecordView& record, std::string& out) const override;
  bool reads_raw_text() const noexcept override { return true; }  // escaped as JSON

 private:
  JsonOptions options_;
  std::string logger_key_;     // pre-rendered `"logger_name":`
  std::string static_suffix_;  // pre-rendered static fields
};

}  // namespace sluice
