#pragma once
// A call site's names (file, function, module, format string) as a formatter
// of the user's own reads them (Formatter::reads_raw_text is false: escaped
// as the pattern formatter shows them), escaped once per call site instead
// of for every record.
//
// Correctness does not rest on addresses alone (as in json_fragments.hpp): a
// call site with a typed message formatter is a static CallSiteOf<>::value,
// which lives unchanged as long as the process (see CallSite), so its
// address identifies it and its entry is made once and never changed. A
// run-time site (read back from a binary log, or a redactor's text variant)
// may be freed, or redefined in place, and its address reused: its entry is
// used only if what it was escaped from is still what the site holds.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sluice/detail/call_site.hpp"

namespace sluice::detail {

/// A call site's names, escaped: each a view of a static site's own text
/// when that needs no escaping, else of text kept by EscapedSiteNames.
struct SiteNames {
  std::string_view file;
  std::string_view function;
  std::string_view module;
  std::string_view format;
};

/// Not thread-safe: each RecordView owns one (a RecordView is used by one
/// thread at a time), so the backend, a decoder and a test's own views
/// share nothing.
///
/// Memory: one entry per static call site looked up (the program has a
/// fixed number of them) and a fixed kRuntimeSlots for run-time sites.
class EscapedSiteNames {
 public:
  EscapedSiteNames();
  ~EscapedSiteNames();
  EscapedSiteNames(const EscapedSiteNames&) = delete;
  EscapedSiteNames& operator=(const EscapedSiteNames&) = delete;

  /// The texts stay where they are while `site` lives, and a static site's
  /// always. A run-time site's may be overwritten by the lookup of another
  /// run-time site: look up once per record (a RecordView's formatters
  /// hold its texts until the record is done).
  const SiteNames& of(const CallSite& site) {
    if (site.format_message != nullptr) {
      if (const auto found = static_sites_.find(&site); found != static_sites_.end()) {
        return found->second.names;
      }
      return of_new_static(site);
    }
    return of_runtime(site);
  }

 private:
  // Direct-mapped: a collision costs one escaping, as every record did.
  static constexpr std::size_t kRuntimeSlots = 64;

  struct Entry {
    SiteNames names;
    // The escaped text of the names that need escaping (SSO included: an
    // entry does not move once made).
    std::array<std::string, 4> storage;
  };
  struct RuntimeEntry {
    const CallSite* site = nullptr;
    // Copies of what the names were escaped from, to check the site with
    // (its strings may have been freed or changed since), and what the
    // names that need no escaping are views of.
    std::string format, file, function;
    Entry entry;
  };

  const SiteNames& of_new_static(const CallSite& site);
  const SiteNames& of_runtime(const CallSite& site);
  static const SiteNames& escape(Entry& entry, std::string_view format, std::string_view file,
                                 std::string_view function);

  std::unordered_map<const CallSite*, Entry> static_sites_;                 // nodes never move
  std::unique_ptr<std::array<RuntimeEntry, kRuntimeSlots>> runtime_sites_;  // made on first use
};

}  // namespace sluice::detail
