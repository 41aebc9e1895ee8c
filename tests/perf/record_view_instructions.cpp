// Formats kRecords records through a formatter of the user's own (one that
// reads the record's text escaped: Formatter::reads_raw_text() is false),
// as the backend does, inside functions callgrind counts. No gate runs it
// (docs/performance.md, "A formatter of your own" gives the figures and the
// command); it is built always, so that it keeps compiling.

#include <sluice/detail/arg_encoding.hpp>
#include <sluice/detail/call_site.hpp>
#include <sluice/formatter.hpp>
#include <sluice/record.hpp>

#include <cstddef>
#include <cstdio>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "record_builder.hpp"

namespace {

constexpr int kRecords = 100'000;

constexpr sluice::detail::SourceLocation kShipped{
    "order {} shipped to {}", "src/app/orders/shipping.cpp", "ship", 42, sluice::Level::info};

// What a user's formatter typically writes: the names, the site, the message.
class UserFormatter final : public sluice::Formatter {
 public:
  void format(const sluice::RecordView& record, std::string& out) const override {
    out += record.logger_name();
    out += ' ';
    out += record.thread_name();
    out += ' ';
    out += record.module();
    out += ':';
    out += record.function();
    out += ' ';
    out += record.message();
  }
};

// One record's bytes and the view over them, rebuilt for every record as
// the backend does (same site, logger and thread: one names_key).
template <class... Args>
class Records {
 public:
  explicit Records(const Args&... args)
      : bytes_(sluice::detail::encoded_args_size(args...), std::byte{0}) {
    sluice::detail::encode_args(bytes_.data(), args...);
  }
  const sluice::RecordView& next() {
    sluice::detail::RecordBuilder::reset(
        view_, {1'795'434'651'123'456'789, &sluice::detail::CallSiteOf<kShipped, Args...>::value,
                "app.orders", 4242, 777, "worker-1", std::span<const std::byte>(bytes_), 0,
                (std::uint64_t{1} << 32) | 5});
    return view_;
  }

 private:
  std::vector<std::byte> bytes_;
  sluice::RecordView view_;
};

[[gnu::noipa]] std::size_t measured_clean_message(Records<int, std::string_view>& records,
                                                  const sluice::Formatter& formatter) {
  std::size_t bytes = 0;
  for (int i = 0; i < kRecords; ++i) bytes += records.next().formatted(formatter).size();
  return bytes;
}

[[gnu::noipa]] std::size_t measured_dirty_message(Records<int, std::string_view>& records,
                                                  const sluice::Formatter& formatter) {
  std::size_t bytes = 0;
  for (int i = 0; i < kRecords; ++i) bytes += records.next().formatted(formatter).size();
  return bytes;
}

bool formats_as(Records<int, std::string_view>& records, const sluice::Formatter& formatter,
                std::string_view expected) {
  const std::string_view text = records.next().formatted(formatter);
  if (text == expected) return true;
  std::printf("formatted \"%.*s\", expected \"%.*s\"\n", static_cast<int>(text.size()), text.data(),
              static_cast<int>(expected.size()), expected.data());
  return false;
}

}  // namespace

int main() {
  const UserFormatter formatter;
  Records<int, std::string_view> clean(1042, std::string_view("alice"));
  Records<int, std::string_view> dirty(1042, std::string_view("\x1b[2Jalice"));
  const std::size_t clean_bytes = measured_clean_message(clean, formatter);
  const std::size_t dirty_bytes = measured_dirty_message(dirty, formatter);
  std::printf("%d records each: %zu bytes clean, %zu bytes dirty\n", kRecords, clean_bytes,
              dirty_bytes);
  // Else it measured something else.
  const bool right =
      formats_as(clean, formatter,
                 "app.orders worker-1 shipping:ship order 1042 shipped to alice") &&
      formats_as(dirty, formatter,
                 "app.orders worker-1 shipping:ship order 1042 shipped to \\x1b[2Jalice");
  return right ? 0 : 1;
}
