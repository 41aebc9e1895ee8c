#include "stats.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "binary_format.hpp"
#include "text_util.hpp"

namespace sluice::detail::decode {

namespace {

constexpr std::int64_t kNsPerMinute = Stats::kNsPerMinute;

std::int64_t minute_of(std::int64_t ns) noexcept {
  const std::int64_t q = ns / kNsPerMinute;
  return (ns % kNsPerMinute < 0 ? q - 1 : q) * kNsPerMinute;  // floor, also before 1970
}

void append_time(std::int64_t ns, std::string& out) { append_iso8601(ns, false, out); }

}  // namespace

std::size_t Stats::SiteKeyHash::operator()(const SiteKey& key) const noexcept {
  const std::hash<std::string> h;
  return h(key.file) ^ (h(key.format) * 31) ^ (std::size_t{key.line} << 3);
}

void Stats::forget_addresses() {
  // A definition may have been freed and its address reused by another.
  addresses_of_ = binlog::definitions_freed();
  site_by_address_.clear();
  logger_by_address_.clear();
  last_logger_ = nullptr;
  last_logger_count_ = nullptr;
  last_site_ = nullptr;
  last_site_count_ = nullptr;
}

std::uint64_t& Stats::logger_count(std::string_view name) {
  std::uint64_t*& by_address = logger_by_address_[name.data()];
  if (by_address == nullptr) by_address = &loggers_.try_emplace(std::string(name), 0).first->second;
  last_logger_ = name.data();
  last_logger_count_ = by_address;
  return *by_address;
}

std::uint64_t& Stats::site_count(const CallSite& site) {
  std::uint64_t*& by_address = site_by_address_[&site];
  if (by_address == nullptr) {
    SiteKey key{std::string(site.file), site.line, std::string(site.format), site.level};
    by_address = &sites_.try_emplace(std::move(key), 0).first->second;
  }
  last_site_ = &site;
  last_site_count_ = by_address;
  return *by_address;
}

std::uint64_t& Stats::minute_count(std::int64_t timestamp_ns) {
  last_minute_ = minute_of(timestamp_ns);
  last_minute_count_ = &minutes_[last_minute_];
  return *last_minute_count_;
}

std::uint64_t Stats::count(Level level) const noexcept {
  const auto index = static_cast<std::size_t>(level);
  return index < levels_.size() ? levels_[index] : 0;
}

std::vector<std::pair<std::string, std::uint64_t>> Stats::loggers() const {
  std::vector<std::pair<std::string, std::uint64_t>> out(loggers_.begin(), loggers_.end());
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  return out;
}

std::vector<Stats::CallSiteCount> Stats::call_sites() const {
  std::vector<CallSiteCount> out;
  out.reserve(sites_.size());
  for (const auto& [key, count] : sites_) {
    out.push_back({key.file, key.line, key.format, key.level, count});
  }
  std::sort(out.begin(), out.end(), [](const CallSiteCount& a, const CallSiteCount& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return a.format < b.format;
  });
  return out;
}

void Stats::write_text(std::string& out, std::size_t top) const {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "records   {}\n", records_);
  fmt::format_to(it, "bytes     {}", bytes_);
  if (records_ > 0) {
    fmt::format_to(it, " ({:.1f} per record)",
                   static_cast<double>(bytes_) / static_cast<double>(records_));
  }
  out += '\n';
  if (records_ == 0) return;
  out += "first     ";
  append_time(first_ns_, out);
  out += "\nlast      ";
  append_time(last_ns_, out);
  const double seconds = static_cast<double>(last_ns_ - first_ns_) / 1e9;
  fmt::format_to(it, "\nduration  {:.6f} s\n", seconds);
  if (seconds > 0) {
    fmt::format_to(it, "rate      {:.1f} records/s (average)\n",
                   static_cast<double>(records_) / seconds);
  }

  out += "\nby level\n";
  for (std::size_t i = 0; i < levels_.size(); ++i) {
    if (levels_[i] == 0) continue;
    fmt::format_to(it, "  {:<10} {:>12}\n", level_name(static_cast<Level>(i)), levels_[i]);
  }

  out += "\nby logger\n";
  for (const auto& [name, count] : loggers()) {
    fmt::format_to(it, "  {:<30} {:>12}\n", name.empty() ? "(root)" : name, count);
  }

  const std::vector<CallSiteCount> sites = call_sites();
  const std::size_t shown = std::min(top, sites.size());
  fmt::format_to(it, "\ntop {} of {} call sites\n", shown, sites.size());
  for (std::size_t i = 0; i < shown; ++i) {
    const CallSiteCount& s = sites[i];
    fmt::format_to(it, "  {:>12}  {:<8}  {}:{}  ", s.count, level_name(s.level), s.file, s.line);
    append_json_string(s.format, out);
    out += '\n';
  }

  out += "\nrecords per minute (UTC)\n";
  for (const auto& [minute, count] : minutes_) {
    out += "  ";
    std::string time;
    append_time(minute, time);
    out.append(time, 0, 16);  // 2026-11-23T10:00
    fmt::format_to(it, "Z {:>12}  {:>10.1f}/s\n", count, static_cast<double>(count) / 60.0);
  }
}

void Stats::write_json(std::string& out, std::size_t top) const {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "{{\"records\":{},\"bytes\":{}", records_, bytes_);
  if (records_ > 0) {
    out += ",\"first\":\"";
    append_time(first_ns_, out);
    out += "\",\"last\":\"";
    append_time(last_ns_, out);
    const double seconds = static_cast<double>(last_ns_ - first_ns_) / 1e9;
    fmt::format_to(it, "\",\"duration_s\":{}", seconds);
  }
  out += ",\"levels\":{";
  for (std::size_t i = 0; i < levels_.size(); ++i) {
    fmt::format_to(it, "{}\"{}\":{}", i ? "," : "", level_name(static_cast<Level>(i)), levels_[i]);
  }
  out += "},\"loggers\":{";
  bool first = true;
  for (const auto& [name, count] : loggers()) {
    if (!first) out += ',';
    first = false;
    append_json_string(name, out);
    fmt::format_to(it, ":{}", count);
  }
  const std::vector<CallSiteCount> sites = call_sites();
  fmt::format_to(it, "}},\"call_sites_total\":{},\"call_sites\":[", sites.size());
  for (std::size_t i = 0; i < std::min(top, sites.size()); ++i) {
    const CallSiteCount& s = sites[i];
    out += i ? ",{\"file\":" : "{\"file\":";
    append_json_string(s.file, out);
    fmt::format_to(it, ",\"line\":{},\"level\":\"{}\",\"format\":", s.line, level_name(s.level));
    append_json_string(s.format, out);
    fmt::format_to(it, ",\"count\":{}}}", s.count);
  }
  out += "],\"per_minute\":[";
  first = true;
  for (const auto& [minute, count] : minutes_) {
    out += first ? "{\"minute\":\"" : ",{\"minute\":\"";
    first = false;
    append_time(minute, out);
    fmt::format_to(it, "\",\"records\":{}}}", count);
  }
  out += "]}\n";
}

}  // namespace sluice::detail::decode
