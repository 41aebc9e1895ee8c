#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "arg_decoding.hpp"
#include "escaped_site_names.hpp"
#include "sluice/detail/call_site.hpp"
#include "sluice/formatter.hpp"
#include "sluice/record.hpp"
#include "text_util.hpp"

namespace sluice {

namespace detail {

// Text escaped into a storage string that is still growing: `*target` is
// pointed at it once the string has stopped moving.
struct PendingText {
  std::string_view* target;
  std::size_t offset;
  std::size_t size;
};

// The escaped text RecordView hands to a formatter that does not read raw
// text. Kept across records, so that their buffers are reused.
struct EscapedRecordText {
  // The call sites' names, escaped once per site.
  EscapedSiteNames sites;
  // The logger's and thread's names escaped for the records of names_key
  // (RecordView::names_key: the backend's records from one thread queue and
  // logger have the same names), or 0 when none are: each a view of the
  // record's own name when as_is, else of the escaped text.
  std::uint64_t names_key = 0;
  bool logger_name_as_is = true;
  bool thread_name_as_is = true;
  std::string logger_name;
  std::string thread_name;
  // The message as the formatter reads it: the record's own when it needs
  // no escaping (most do: a copy would cost a pass over it), else
  // message_storage.
  std::string_view message;
  std::string message_storage;
  std::vector<ArgValue> args;
  std::vector<FieldView> fields;
  std::string values;                // the escaped text of arguments and fields
  std::vector<PendingText> pending;  // escape_into's, kept so a record allocates none
};

namespace {

// Views `text` as it is, or escaped into `storage`.
std::string_view escaped(std::string_view text, std::string& storage) {
  return escape_log_text_unless_as_is(text, storage) ? text : std::string_view(storage);
}

// Appends `text` escaped to `storage` and points `*target` at it later,
// unless it needs no escaping: false then, and nothing done.
bool escape_into(std::string_view text, std::string_view* target, std::string& storage,
                 std::vector<PendingText>& pending) {
  const std::size_t clean = log_text_as_is_prefix(text);
  if (clean == text.size()) return false;
  const std::size_t offset = storage.size();
  append_log_text_after(text, clean, storage);
  pending.push_back({target, offset, storage.size() - offset});
  return true;
}

// A character that needs escaping becomes a string holding its escape.
void escape_value(ArgValue& value, std::string& storage, std::vector<PendingText>& pending) {
  if (value.kind == ArgKind::character) {
    if (escape_into(std::string_view(&value.c, 1), &value.text, storage, pending)) {
      value.kind = ArgKind::string;
    }
  } else if (value.is_text()) {
    escape_into(value.text, &value.text, storage, pending);
  }
}

}  // namespace
}  // namespace detail

RecordView::RecordView() = default;
RecordView::~RecordView() = default;

std::string_view RecordView::format_string() const noexcept {
  return escaping_ ? escaped_names_[kFormatString] : site_->format;
}
std::string_view RecordView::file() const noexcept {
  return escaping_ ? escaped_names_[kFile] : site_->file;
}
std::string_view RecordView::function() const noexcept {
  return escaping_ ? escaped_names_[kFunction] : site_->function;
}
std::uint32_t RecordView::line() const noexcept { return site_->line; }

std::string_view RecordView::module() const noexcept {
  return escaping_ ? escaped_names_[kModule] : detail::module_of(site_->file);
}

void RecordView::escape_names() const {
  // Once per record: a formatter called inside another's format() keeps the
  // texts the outer one holds (and the site's entry is looked up once).
  if (names_escaped_) return;
  if (!escaped_) escaped_ = std::make_unique<detail::EscapedRecordText>();
  detail::EscapedRecordText& e = *escaped_;
  const detail::SiteNames& site = e.sites.of(*site_);
  escaped_names_[kFile] = site.file;
  escaped_names_[kFunction] = site.function;
  escaped_names_[kModule] = site.module;
  escaped_names_[kFormatString] = site.format;
  if (names_key_ == 0 || names_key_ != e.names_key) {
    e.names_key = 0;  // until both are escaped
    e.logger_name_as_is = detail::escape_log_text_unless_as_is(logger_name_, e.logger_name);
    e.thread_name_as_is = detail::escape_log_text_unless_as_is(thread_name_, e.thread_name);
    e.names_key = names_key_;
  }
  // The record's own names when as is: a name read earlier under the same
  // key may have been moved since (the backend moves a thread's name).
  escaped_names_[kLoggerName] = e.logger_name_as_is ? logger_name_ : e.logger_name;
  escaped_names_[kThreadName] = e.thread_name_as_is ? thread_name_ : e.thread_name;
  names_escaped_ = true;
}

std::string_view RecordView::escaped_message() const {
  // escaped_ exists: escape_names() made it when escaping began.
  if (!message_escaped_) {
    escaped_->message = detail::escaped(exact_message(), escaped_->message_storage);
    message_escaped_ = true;
  }
  return escaped_->message;
}

const detail::EscapedRecordText& RecordView::escaped_values() const {
  if (!values_escaped_) {
    decode();
    detail::EscapedRecordText& e = *escaped_;
    e.args.assign(args_decoded_.begin(), args_decoded_.end());
    e.fields.assign(fields_.begin(), fields_.end());
    e.values.clear();
    std::vector<detail::PendingText>& pending = e.pending;
    pending.clear();
    for (ArgValue& arg : e.args) detail::escape_value(arg, e.values, pending);
    for (FieldView& field : e.fields) {
      detail::escape_value(field.value, e.values, pending);
      // A key is a template argument, which may hold any bytes, and one read
      // back from a binary log anything at all.
      detail::escape_into(field.name, &field.name, e.values, pending);
    }
    for (const detail::PendingText& p : pending) {
      *p.target = std::string_view(e.values).substr(p.offset, p.size);
    }
    values_escaped_ = true;
  }
  return *escaped_;
}

void RecordView::decode() const {
  if (decoded_) return;
  decoded_ = true;
  if (!detail::decode_args({site_->args, site_->arg_count}, args_, args_decoded_, fields_,
                           custom_text_)) {
    // Only a corrupt record gets here; show what could be decoded.
    custom_text_.clear();
  }
}

std::string_view RecordView::message() const {
  return escaping_ ? escaped_message() : exact_message();
}

std::string_view RecordView::exact_message() const {
  if (!message_ready_) {
    message_.clear();
    if (site_->format_message != nullptr) {
      try {
        site_->format_message(args_.data(), message_);
      } catch (...) {
        // A custom type's formatter threw (anything: not only a std::exception). Formatted again
        // from the decoded arguments, where such a value is its error's text, the message reads as
        // it does read back from a binary log, the other arguments included.
        message_.clear();
        decode();
        detail::message_formatter().format(site_->format, args_decoded_, message_);
      }
    } else if (detail::MessageFormatter& formatter = detail::message_formatter();
               !formatter.format_encoded(site_->format, {site_->args, site_->arg_count}, args_,
                                         message_)) {
      decode();
      formatter.format(site_->format, args_decoded_, message_);
    }
    message_ready_ = true;
  }
  return message_;
}

std::size_t RecordView::field_count() const noexcept { return site_->field_count; }
const FieldView& RecordView::field(std::size_t index) const {
  if (escaping_) return escaped_values().fields.at(index);
  decode();
  return fields_.at(index);
}
std::size_t RecordView::arg_count() const {
  decode();
  return args_decoded_.size();
}
const ArgValue& RecordView::arg(std::size_t index) const {
  if (escaping_) return escaped_values().args.at(index);
  decode();
  return args_decoded_.at(index);
}

std::string_view RecordView::formatted(const Formatter& formatter) const {
  for (std::size_t i = 0; i < formatted_count_; ++i) {
    if (formatted_[i].first == &formatter) return formatted_[i].second;
  }
  if (formatted_count_ == formatted_.size()) formatted_.emplace_back();
  auto& slot = formatted_[formatted_count_++];
  slot.first = &formatter;
  slot.second.clear();
  // A formatter may call formatted() for another one, which may read the
  // other kind of text: each call puts back what it found.
  const bool was_escaping = escaping_;
  try {
    const bool escape = !formatter.reads_raw_text();
    if (escape) escape_names();
    escaping_ = escape;
    formatter.format(*this, slot.second);
  } catch (...) {
    escaping_ = was_escaping;
    // Cache no half-formatted text. The slot stays taken (entries added
    // after it by nested formatters are valid) but matches no formatter.
    slot.first = nullptr;
    throw;
  }
  escaping_ = was_escaping;
  return slot.second;
}

}  // namespace sluice
