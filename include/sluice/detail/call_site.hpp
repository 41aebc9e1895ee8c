#pragma once
// Static metadata of one log statement, and the record header that points to it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "sluice/detail/arg_encoding.hpp"
#include "sluice/detail/binary_args.hpp"
#include "sluice/detail/message_format.hpp"
#include "sluice/detail/source_location.hpp"
#include "sluice/level.hpp"

namespace sluice::detail {

/// A call site's full static metadata. Records carry a pointer to it; the
/// backend registers it (gives it a dense id) the first time it sees it.
///
/// One with a format_message is a static CallSiteOf<>::value: it lives,
/// unchanged, as long as the process, so its address identifies it (the
/// binary encoder, the redactor and the JSON fragments key on it). Run-time
/// ones (format_message null: read back from a binary log, or a redactor's
/// text variant) may be freed and their address reused by another site.
struct CallSite {
  std::string_view format;
  std::string_view file;
  std::string_view function;
  std::uint32_t line;
  Level level;
  const ArgInfo* args;
  std::uint32_t arg_count;
  std::uint32_t field_count;
  /// Formats the message from the encoded arguments with their static types;
  /// null for call sites read back from a binary log (decoded at run time).
  FormatMessageFn format_message;
  /// Writes the arguments in the binary log's encoding, made for their
  /// static types; null when one is a string or a custom value, and for
  /// run-time call sites (the binary encoder then goes by `args`).
  binlog::PutFixedArgsFn put_fixed_args;
  /// Bytes of every record of this site in a thread queue, header included,
  /// or 0 when they vary (a string argument): such a record holds its size
  /// in a uint32 after the header. Fixed sizes live here, not in each
  /// record, so that the header is 16 bytes (see RecordHeader).
  std::uint32_t fixed_record_size = 0;
};

/// Bytes of RecordHeader.
inline constexpr std::size_t kRecordHeaderSize = 16;

/// The fixed_record_size of a site whose records exceed it: no queue holds
/// more than 2 GiB, so prepare_write refuses the record and counts the drop,
/// as it does a record with a string too long for the queue. (Its real size,
/// past 4 GiB, would wrap in a uint32 to a few bytes that the queue gives.)
inline constexpr std::uint32_t kRecordTooLarge = 0xFFFFFFF8u;

/// A record's size when all of its arguments have fixed sizes, else 0.
template <class... Args>
constexpr std::uint32_t fixed_record_size_of() noexcept {
  if constexpr ((... || (kind_of<value_type_t<Args>>() == ArgKind::string))) {
    return 0;
  } else {
    constexpr std::size_t size =
        (kRecordHeaderSize + (std::size_t{0} + ... + fixed_encoded_size<value_type_t<Args>>()) +
         7) &
        ~std::size_t{7};
    return size < kRecordTooLarge ? static_cast<std::uint32_t>(size) : kRecordTooLarge;
  }
}

template <const SourceLocation& Location, class... Args>
struct CallSiteOf {
  static constexpr std::array<ArgInfo, sizeof...(Args)> args{arg_info_of<Args>()...};
  static constexpr std::uint32_t fields =
      (std::uint32_t{0} + ... + (is_field<std::remove_cvref_t<Args>>::value ? 1u : 0u));
  static constexpr CallSite value{Location.format,
                                  Location.file,
                                  Location.function,
                                  Location.line,
                                  Location.level,
                                  args.data(),
                                  sizeof...(Args),
                                  fields,
                                  &format_message<Location, Args...>,
                                  binlog::put_fixed_args_for<kind_of<value_type_t<Args>>()...>(),
                                  fixed_record_size_of<Args...>()};
};

/// The fixed part of every record in a thread queue: the call site and the
/// logger in one word, and the timestamp. 16 bytes, so that a record of two
/// ints and a double takes 32, half a cache line: a batch of such calls
/// takes fewer ring lines from the backend's core, and no record straddles
/// two lines (docs/design.md, "The record header").
///
/// The first word is the site's address with the logger's id in the bits no
/// site address uses: the 3 low ones (a CallSite is 8-aligned) and the 16
/// high ones (user-space addresses on x86-64 and AArch64 Linux stay below
/// 2^48; a call site is static data, mapped by the loader). A word of 0 is
/// a wrap pad: no site is at 0. The record's size is its site's
/// fixed_record_size or, when that is 0, a uint32 after the header.
struct RecordHeader {
  std::uint64_t site_and_logger;
  std::uint64_t timestamp;  // raw clock ticks, converted on the backend

  const CallSite* site() const noexcept {
    return reinterpret_cast<const CallSite*>(site_and_logger & kAddressBits);
  }
  std::uint32_t logger_id() const noexcept {
    return static_cast<std::uint32_t>((site_and_logger & kLowIdBits) |
                                      (site_and_logger >> kHighIdShift << 3));
  }
  /// Bytes of the whole record, a multiple of 8.
  std::uint32_t size() const noexcept {
    const std::uint32_t fixed = site()->fixed_record_size;
    if (fixed != 0) return fixed;
    std::uint32_t n;
    std::memcpy(&n, reinterpret_cast<const std::byte*>(this) + kRecordHeaderSize, sizeof n);
    return n;
  }
  /// The encoded arguments, up to the end of the record (padding included).
  std::span<const std::byte> args(std::uint32_t record_size) const noexcept {
    const std::size_t offset = args_offset(*site());
    return {reinterpret_cast<const std::byte*>(this) + offset, record_size - offset};
  }

  /// Logger ids that fit in a header: 0 to kMaxLoggerId (19 bits).
  static constexpr std::uint32_t kMaxLoggerId = (1u << 19) - 1;

  /// A logger's id placed where the first word keeps it (Logger keeps this
  /// ready, so that the hot path only ORs it with the site's address).
  static constexpr std::uint64_t logger_bits(std::uint32_t logger_id) noexcept {
    return (logger_id & kLowIdBits) | (std::uint64_t{logger_id >> 3} << kHighIdShift);
  }
  static std::uint64_t pack(const CallSite* site, std::uint64_t logger_bits) noexcept {
    return reinterpret_cast<std::uintptr_t>(site) | logger_bits;
  }
  /// Whether the entry at `at` (8-aligned, in a thread queue) is a wrap pad
  /// rather than a record: its first word is 0.
  static bool is_wrap_pad(const std::byte* at) noexcept {
    std::uint64_t first_word;
    std::memcpy(&first_word, at, sizeof first_word);
    return first_word == 0;
  }
  /// Where a site's records keep their arguments: after the header, and
  /// after the size when that varies.
  static constexpr std::size_t args_offset(const CallSite& site) noexcept {
    return site.fixed_record_size != 0 ? kRecordHeaderSize : kRecordHeaderSize + 4;
  }

 private:
  static constexpr int kHighIdShift = 48;
  static constexpr std::uint64_t kLowIdBits = 7;
  static constexpr std::uint64_t kAddressBits =
      ((std::uint64_t{1} << kHighIdShift) - 1) & ~kLowIdBits;
};
static_assert(sizeof(RecordHeader) == kRecordHeaderSize);
static_assert(sizeof(void*) == 8, "sluice's record header packs a 64-bit address");
// The logger's id lives in an address's top 16 bits: only where user-space
// addresses stay below 2^48, and untagged (HWASan and MTE tag pointers there).
#if !defined(__x86_64__) && !defined(__aarch64__)
#error "sluice's record header assumes 48-bit user-space addresses (x86-64 or AArch64 Linux)"
#endif
#if defined(__has_feature)
#if __has_feature(hwaddress_sanitizer)
#error "sluice's record header keeps a logger id where HWASan keeps a pointer's tag"
#endif
#endif
static_assert(alignof(CallSite) >= 8);

}  // namespace sluice::detail
