#include "arg_decoding.hpp"
#include "sluice/detail/call_site.hpp"
#include "sluice/formatter.hpp"
#include "sluice/record.hpp"
#include "text_util.hpp"

namespace sluice {

RecordView::RecordView() = default;
RecordView::~RecordView() = default;

std::string_view RecordView::format_string() const noexcept { return site_->format; }
std::string_view RecordView::file() const noexcept { return site_->file; }
std::string_view RecordView::function() const noexcept { return site_->function; }
std::uint32_t RecordView::line() const noexcept { return site_->line; }

std::string_view RecordView::module() const noexcept { return detail::module_of(site_->file); }

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
  decode();
  return fields_.at(index);
}
std::size_t RecordView::arg_count() const {
  decode();
  return args_decoded_.size();
}
const ArgValue& RecordView::arg(std::size_t index) const {
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
  try {
    formatter.format(*this, slot.second);
  } catch (...) {
    // Cache no half-formatted text. The slot stays taken (entries added
    // after it by nested formatters are valid) but matches no formatter.
    slot.first = nullptr;
    throw;
  }
  return slot.second;
}

}  // namespace sluice
