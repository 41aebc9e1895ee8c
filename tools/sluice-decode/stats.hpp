#pragma once
// sluice-decode stats: aggregates over records without formatting their
// messages or decoding their arguments: counts by level, logger and call
// site, records per minute (UTC minutes: fine enough to see bursts, coarse
// enough to list a day), the first and last timestamps.
//
// Counts are by content (a call site's file, line, format and level; a
// logger's name), so that the same site or logger in several files or file
// sections adds up. Finding the counter by content costs string hashing and
// comparison; records are looked up by the address of their call site and
// logger name first, which the BinaryReaders keep stable for a definition
// until binlog::definitions_freed() changes.

#include <sluice/detail/call_site.hpp>
#include <sluice/record.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "binary_format.hpp"

namespace sluice::detail::decode {

class Stats {
 public:
  struct CallSiteCount {
    std::string file;
    std::uint32_t line;
    std::string format;
    Level level;
    std::uint64_t count;
  };
  /// The width of per_minute()'s buckets.
  static constexpr std::int64_t kNsPerMinute = 60'000'000'000;

  /// `record` comes from a binlog::BinaryReader (the addresses of its
  /// definitions are keys, see above). Inline: the common record, from the
  /// same logger, call site and minute as the last, costs a few compares.
  void add(const RecordView& record) {
    ++records_;
    ++levels_[std::min<std::size_t>(static_cast<std::size_t>(record.level()), levels_.size() - 1)];
    const std::int64_t ns = record.timestamp_ns();
    first_ns_ = std::min(first_ns_, ns);
    last_ns_ = std::max(last_ns_, ns);
    if (binlog::definitions_freed() != addresses_of_) [[unlikely]]
      forget_addresses();
    const std::string_view logger = record.logger_name();
    ++(logger.data() == last_logger_ && last_logger_count_ != nullptr ? *last_logger_count_
                                                                      : logger_count(logger));
    const CallSite* const site = &record.call_site();
    ++(site == last_site_ ? *last_site_count_ : site_count(*site));
    // In the last record's minute: no division (unsigned: also "not before").
    const bool same_minute =
        static_cast<std::uint64_t>(ns) - static_cast<std::uint64_t>(last_minute_) <
        std::uint64_t{kNsPerMinute};
    ++(same_minute && last_minute_count_ != nullptr ? *last_minute_count_ : minute_count(ns));
  }
  /// Input size, for the report (counted by the inputs, not by records).
  void set_bytes(std::uint64_t bytes) noexcept { bytes_ = bytes; }

  std::uint64_t records() const noexcept { return records_; }
  std::uint64_t count(Level level) const noexcept;
  /// Logger name and count, most records first (then by name).
  std::vector<std::pair<std::string, std::uint64_t>> loggers() const;
  /// Call sites, most records first (then by file and line).
  std::vector<CallSiteCount> call_sites() const;
  /// Start of each minute (ns since the epoch) and its record count, in order.
  const std::map<std::int64_t, std::uint64_t>& per_minute() const noexcept { return minutes_; }
  std::int64_t first_ns() const noexcept { return first_ns_; }
  std::int64_t last_ns() const noexcept { return last_ns_; }

  void write_text(std::string& out, std::size_t top) const;
  void write_json(std::string& out, std::size_t top) const;

 private:
  struct SiteKey {
    std::string file;
    std::uint32_t line;
    std::string format;
    Level level;
    bool operator==(const SiteKey&) const = default;
  };
  struct SiteKeyHash {
    std::size_t operator()(const SiteKey& key) const noexcept;
  };
  // add()'s slow paths: each finds the counter and makes it the last one.
  std::uint64_t& logger_count(std::string_view name);
  std::uint64_t& site_count(const CallSite& site);
  std::uint64_t& minute_count(std::int64_t timestamp_ns);
  void forget_addresses();

  std::uint64_t records_ = 0;
  std::uint64_t bytes_ = 0;
  std::array<std::uint64_t, 6> levels_{};
  std::int64_t first_ns_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t last_ns_ = std::numeric_limits<std::int64_t>::min();
  std::unordered_map<std::string, std::uint64_t> loggers_;
  std::unordered_map<SiteKey, std::uint64_t, SiteKeyHash> sites_;
  std::map<std::int64_t, std::uint64_t> minutes_;

  // The counters above by the address of a definition (a CallSite, a logger
  // name's bytes), valid while binlog::definitions_freed() is addresses_of_
  // (element references survive rehashing).
  std::uint64_t addresses_of_ = 0;
  std::unordered_map<const CallSite*, std::uint64_t*> site_by_address_;
  std::unordered_map<const char*, std::uint64_t*> logger_by_address_;
  // Consecutive records mostly share logger, call site and minute: the last
  // of each is remembered, by address for the definitions.
  const char* last_logger_ = nullptr;
  std::uint64_t* last_logger_count_ = nullptr;
  const CallSite* last_site_ = nullptr;
  std::uint64_t* last_site_count_ = nullptr;
  std::int64_t last_minute_ = std::numeric_limits<std::int64_t>::min();
  std::uint64_t* last_minute_count_ = nullptr;
};

}  // namespace sluice::detail::decode
