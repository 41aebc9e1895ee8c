#include "output.hpp"

#include <algorithm>
#include <cerrno>

namespace sluice::detail::decode {

bool Output::flush() {
  if (error_ != 0) {
    buffer_.clear();
    return false;
  }
  errno = 0;
  bool ok = true;
  if (!buffer_.empty()) {
    ok = std::fwrite(buffer_.data(), 1, buffer_.size(), file_) == buffer_.size();
    buffer_.clear();
  }
  ok = std::fflush(file_) == 0 && ok;
  // errno now, before later calls overwrite it (EIO if stdio set none).
  if (!ok) error_ = errno != 0 ? errno : EIO;
  return ok;
}

void Diagnostics::report(std::string_view label, std::string_view message) {
  if (before_message_) before_message_();
  std::fprintf(err_, "sluice-decode: %.*s: %.*s\n", static_cast<int>(label.size()), label.data(),
               static_cast<int>(message.size()), message.data());
  std::fflush(err_);
}

void Diagnostics::warning(std::string_view label, std::string_view message) {
  report(label, message);
  status_ = std::max(status_, kSkipped);
}

void Diagnostics::error(std::string_view label, std::string_view message) {
  report(label, message);
  status_ = kFailed;
}

}  // namespace sluice::detail::decode
