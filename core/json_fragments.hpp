#pragma once
// The parts of a JSON record that are constant per definition, rendered once
// and reused: the call site's module, function and line, the logger's name,
// and the thread's process, id and name. Escaping them for every record cost
// a quarter of a decoded JSON record (docs/performance.md, "Decoding").
//
// Correctness does not rest on addresses: an entry is found by address but
// used only if what it was rendered from is still what the record holds. The
// decoder frees call sites, logger names and threads when a file section
// ends and may reuse their addresses for others; the backend renames a
// thread's name in place and moves names when its queue list changes. The one
// exception is a call site with a typed message formatter: that is a static
// CallSiteOf<>::value, which lives unchanged as long as the process (see
// CallSite), so its address alone identifies it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "same_text.hpp"
#include "sluice/detail/call_site.hpp"

namespace sluice::detail {

/// Not thread-safe: each thread that formats records uses its own
/// (json_fragments()), so formatters themselves stay immutable.
class JsonFragments {
 public:
  /// `,"module":"...","function":"...","line":N`.
  std::string_view site(const CallSite& site) {
    SiteEntry& entry = sites_[slot(&site, kSiteSlots)];
    if (entry.site == &site && (site.format_message != nullptr || entry.matches(site))) {
      return entry.text;
    }
    return render(entry, site);
  }

  /// `"name"`, escaped.
  std::string_view logger(std::string_view name) {
    LoggerEntry& entry = loggers_[slot(name.data(), kLoggerSlots)];
    if (entry.used && same_text(entry.name, name)) return entry.text;
    return render(entry, name);
  }

  /// `,"process":P,"thread":T,"thread_name":"..."`.
  std::string_view thread(std::uint32_t process_id, std::uint64_t thread_id,
                          std::string_view name) {
    ThreadEntry& entry = threads_[thread_id % kThreadSlots];
    if (entry.used && entry.thread_id == thread_id && entry.process_id == process_id &&
        same_text(entry.name, name)) {
      return entry.text;
    }
    return render(entry, process_id, thread_id, name);
  }

 private:
  // Direct-mapped: a collision costs one rendering, as every record did.
  static constexpr std::size_t kSiteSlots = 64;
  static constexpr std::size_t kLoggerSlots = 16;
  static constexpr std::size_t kThreadSlots = 16;

  struct SiteEntry {
    const CallSite* site = nullptr;
    // Copies of what the text was made from, to check a run-time site with
    // (its strings may have been freed since).
    std::string file, function;
    std::uint32_t line = 0;
    std::string text;
    bool matches(const CallSite& other) const noexcept {
      return line == other.line && same_text(file, other.file) &&
             same_text(function, other.function);
    }
  };
  struct LoggerEntry {
    bool used = false;
    std::string name;
    std::string text;
  };
  struct ThreadEntry {
    bool used = false;
    std::uint64_t thread_id = 0;
    std::uint32_t process_id = 0;
    std::string name;
    std::string text;
  };

  static std::size_t slot(const void* address, std::size_t slots) noexcept {
    const auto bits = reinterpret_cast<std::uintptr_t>(address);
    return (bits >> 4 ^ bits >> 10) % slots;
  }
  std::string_view render(SiteEntry& entry, const CallSite& site);
  std::string_view render(LoggerEntry& entry, std::string_view name);
  std::string_view render(ThreadEntry& entry, std::uint32_t process_id, std::uint64_t thread_id,
                          std::string_view name);

  std::array<SiteEntry, kSiteSlots> sites_;
  std::array<LoggerEntry, kLoggerSlots> loggers_;
  std::array<ThreadEntry, kThreadSlots> threads_;
};

/// The calling thread's fragments (the backend's, or a decoder's).
JsonFragments& json_fragments();

}  // namespace sluice::detail
