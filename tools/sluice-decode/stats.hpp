#pragma once
// sluice-decode stats: aggregates over records without formatting their
// messages or decoding their arguments: counts by level, logger and call
// site, records per minute (UTC minutes: fine enough to see bursts, coarse
// enough to list a day), the first and last timestamps.

#include <sluice/record.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

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

  void add(const RecordView& record);
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
  std::uint64_t& logger_count(std::string_view name);
  std::uint64_t& site_count(const RecordView& record);
  std::uint64_t& minute_count(std::int64_t timestamp_ns);

  std::uint64_t records_ = 0;
  std::uint64_t bytes_ = 0;
  std::array<std::uint64_t, 6> levels_{};
  std::int64_t first_ns_ = std::numeric_limits<std::int64_t>::max();
  std::int64_t last_ns_ = std::numeric_limits<std::int64_t>::min();
  std::unordered_map<std::string, std::uint64_t> loggers_;
  std::unordered_map<SiteKey, std::uint64_t, SiteKeyHash> sites_;
  std::map<std::int64_t, std::uint64_t> minutes_;

  // Consecutive records mostly share logger, call site and minute: the last
  // entry of each is remembered (element references survive rehashing).
  const std::string* last_logger_ = nullptr;
  std::uint64_t* last_logger_count_ = nullptr;
  const SiteKey* last_site_ = nullptr;
  std::uint64_t* last_site_count_ = nullptr;
  std::int64_t last_minute_ = std::numeric_limits<std::int64_t>::min();
  std::uint64_t* last_minute_count_ = nullptr;
};

}  // namespace sluice::detail::decode
