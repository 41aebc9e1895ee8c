#pragma once
// The log macros. A macro is needed only to capture __FILE__/__LINE__/__func__
// and to skip argument evaluation when the level is off; the work is done by
// the detail::log_record template.

#include <cstring>
#include <new>

#include "sluice/detail/call_site.hpp"
#include "sluice/detail/clock.hpp"
#include "sluice/detail/thread_queue.hpp"
#include "sluice/logger.hpp"

namespace sluice::detail {

/// False for levels below SLUICE_COMPILE_LEVEL: their calls compile to nothing.
constexpr bool enabled_at_compile_time(Level level) noexcept {
  constexpr int threshold = SLUICE_COMPILE_LEVEL;  // a variable: no -Wtype-limits at 0
  return static_cast<int>(level) - threshold >= 0;
}

/// The hot path: one queue reservation, a header and the encoded arguments.
/// No formatting, lock, allocation or system call.
template <const SourceLocation& Location, class... Args>
inline void log_record(const Logger& logger, format_string_for<Args...> /*checked*/,
                       const Args&... args) noexcept {
  ThreadQueue* queue = thread_queue();
  if (SLUICE_UNLIKELY(queue == nullptr)) {
    count_record_without_queue();
    return;
  }
  using Site = CallSiteOf<Location, Args...>;
  constexpr std::uint32_t fixed_size = Site::value.fixed_record_size;
  // Each string argument is measured once, for the size and the copy.
  [&](const auto&... measured_args) noexcept {
    std::size_t size = fixed_size;
    if constexpr (fixed_size == 0) {
      size = (kRecordHeaderSize + 4 + encoded_args_size(measured_args...) + 7) & ~std::size_t{7};
    }
    std::byte* out = queue->prepare_write(size);
    if (SLUICE_UNLIKELY(out == nullptr)) return;  // dropped, and counted
    if constexpr (fixed_size == 0) {
      // Fits: prepare_write refuses anything larger than the ring (2 GiB at most).
      const auto size32 = static_cast<std::uint32_t>(size);
      std::memcpy(out + kRecordHeaderSize, &size32, sizeof size32);
    }
    encode_args(out + RecordHeader::args_offset(Site::value), measured_args...);
    // The timestamp is read last, right before publishing: the backend orders
    // records by it, and a thread preempted between the two would otherwise
    // publish a record older than ones already written.
    // Constructed in place: a header built on the stack and copied was read
    // back with one 16-byte load that store forwarding cannot serve.
    ::new (static_cast<void*>(out))
        RecordHeader{RecordHeader::pack(&Site::value, logger.header_bits()), queue->now()};
    queue->commit_write(size);
  }(measured(args)...);
}

}  // namespace sluice::detail

#define SLUICE_LOG_AT_LEVEL_(logger, lvl, fmtstr, ...)                                     \
  do {                                                                                     \
    if constexpr (::sluice::detail::enabled_at_compile_time(lvl)) {                        \
      const ::sluice::Logger& sluice_logger_ = (logger);                                   \
      if (sluice_logger_.should_log(lvl)) {                                                \
        static constexpr ::sluice::detail::SourceLocation sluice_location_{                \
            fmtstr, __FILE__, __func__, __LINE__, lvl};                                    \
        ::sluice::detail::log_record<sluice_location_>(sluice_logger_,                     \
                                                       fmtstr __VA_OPT__(, ) __VA_ARGS__); \
      }                                                                                    \
    }                                                                                      \
  } while (false)

/// SLUICE_INFO(logger, "format {}", args..., sluice::kv<"key">(value)...)
#define SLUICE_TRACE(logger, ...) SLUICE_LOG_AT_LEVEL_(logger, ::sluice::Level::trace, __VA_ARGS__)
#define SLUICE_DEBUG(logger, ...) SLUICE_LOG_AT_LEVEL_(logger, ::sluice::Level::debug, __VA_ARGS__)
#define SLUICE_INFO(logger, ...) SLUICE_LOG_AT_LEVEL_(logger, ::sluice::Level::info, __VA_ARGS__)
#define SLUICE_WARNING(logger, ...) \
  SLUICE_LOG_AT_LEVEL_(logger, ::sluice::Level::warning, __VA_ARGS__)
#define SLUICE_ERROR(logger, ...) SLUICE_LOG_AT_LEVEL_(logger, ::sluice::Level::error, __VA_ARGS__)
#define SLUICE_CRITICAL(logger, ...) \
  SLUICE_LOG_AT_LEVEL_(logger, ::sluice::Level::critical, __VA_ARGS__)
