#pragma once
// Redaction of live records on the backend thread, between the thread
// queues and the sinks.
//
// A record's arguments stay in their encoded form (what the binary log
// writes and the typed message formatter reads). When something must go,
// the record's arguments are re-encoded into a buffer with the secrets
// replaced, so every sink, binary ones included, sees only the redacted
// record. A record with nothing to redact is handed on as it came.
//
// Per call site, a plan is made once (which arguments to scan, which are
// secret by key or by the format's call-site analysis); a record of a site
// with only numbers and no secret costs one cache lookup.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "call_site_analysis.hpp"
#include "redactor.hpp"
#include "sluice/arg_value.hpp"
#include "sluice/detail/call_site.hpp"

namespace sluice::detail {

using AtomicRedactionCounts = std::array<std::atomic<std::uint64_t>, redaction_kind_count>;

class RecordRedactor {
 public:
  /// Throws sluice::Error for a bad policy (see Redactor). `counts` receives
  /// the redactions by kind and must outlive this object.
  RecordRedactor(const RedactionPolicy& policy, AtomicRedactionCounts& counts);
  ~RecordRedactor();
  RecordRedactor(const RecordRedactor&) = delete;
  RecordRedactor& operator=(const RecordRedactor&) = delete;

  struct Result {
    const CallSite* site;             // the record's, or its text variant (see below)
    std::span<const std::byte> args;  // the record's bytes, or this object's buffer
    KindMask kinds;                   // what was redacted; 0: the record is unchanged
  };

  /// The record as sinks may see it. The returned bytes stay valid until the
  /// next call. When a non-string argument (a secret integer, a card number
  /// logged as an integer, a custom type's text) had to become text, the
  /// site is a copy of the record's with those arguments typed as strings
  /// and formatted at run time; such copies live until the process ends
  /// (sinks such as the binary log key their tables by site address).
  /// Backend thread only.
  Result redact(const CallSite& site, std::span<const std::byte> args) {
    // Inline: most records stop here (a known site with nothing to scan, or
    // integers all shorter than a card), reading one cache entry.
    const CacheEntry& entry = cache_[cache_index(site)];
    if (entry.site == &site && unchanged(entry, args)) return {&site, args, 0};
    return redact_slow(site, args);
  }

  const Redactor& redactor() const noexcept { return redactor_; }

 private:
  enum class Action : std::uint8_t {
    keep,       // not looked at
    scan,       // a string: the finders and patterns run over it
    scan_text,  // a custom value: formatted, then scanned
    secret,     // replaced whole (sensitive key or call-site position)
    card_int,   // a 64-bit integer: replaced if it is a card number
  };
  // A value whose key is another argument's text (`"{}={}"`), by their
  // positions among the site's ArgInfos.
  struct KeyedArgument {
    std::uint32_t key;
    std::uint32_t value;
    KeyedPlaceholder shape;
  };
  struct Plan {
    std::vector<Action> actions;  // one per ArgInfo
    std::vector<KeyedArgument> keyed;
    std::vector<bool> cut_by_precision;  // one per ArgInfo: a string under `{:.N}`
    std::vector<RedactionKind> secret_kinds;
    bool nothing = true;
    // Sites whose only work is card-length integers at fixed offsets (no
    // string before them): those offsets, tested before anything else.
    bool integers_only = false;
    std::vector<std::uint32_t> integer_offsets;
    // The site's text variants, by the arguments they retype: one per set
    // of non-string arguments that records replaced (most sites: one).
    std::vector<std::pair<std::vector<bool>, const CallSite*>> text_sites;
  };

  Result redact_slow(const CallSite& site, std::span<const std::byte> args);

  // What the inline path needs of a plan, in the cache entry itself.
  // two_integers is integers with at most two offsets (the second repeats
  // the first for one): a site logging a counter or two tests two slots
  // instead of kInlineOffsets.
  enum class Mode : std::uint8_t { nothing, two_integers, integers, other };
  static constexpr std::size_t kInlineOffsets = 4;
  struct CacheEntry {
    const CallSite* site = nullptr;
    Plan* plan = nullptr;
    Mode mode = Mode::other;
    std::uint16_t bytes_needed = 0;  // the last integer's end
    std::array<std::uint16_t, kInlineOffsets> offsets{};
  };
  static std::size_t cache_index(const CallSite& site) noexcept {
    return (reinterpret_cast<std::uintptr_t>(&site) >> 4) % kCacheSize;
  }
  // The smallest 13-digit number: anything below cannot be a card.
  static constexpr std::uint64_t kSmallestCard = 1'000'000'000'000ull;
  /// Whether the inline path can tell that a record of the entry's site
  /// has nothing to redact.
  static bool unchanged(const CacheEntry& entry, std::span<const std::byte> args) noexcept {
    switch (entry.mode) {
      case Mode::nothing:
        return true;
      case Mode::two_integers:
        return !has_card_length_integer<2>(entry, args);
      case Mode::integers:
        return !has_card_length_integer<kInlineOffsets>(entry, args);
      case Mode::other:
        break;
    }
    return false;
  }
  template <std::size_t Slots>
  static bool has_card_length_integer(const CacheEntry& entry,
                                      std::span<const std::byte> args) noexcept {
    if (entry.bytes_needed > args.size()) return false;  // corrupt: leave it alone
    // The first `Slots` slots, without a count: unused ones repeat the first
    // offset, and a fixed trip count unrolls into straight loads and
    // compares (this runs for every record of such a site).
    bool found = false;
    for (std::size_t k = 0; k < Slots; ++k) {
      std::uint64_t u;
      std::memcpy(&u, args.data() + entry.offsets[k], 8);
      // A negative i64 is huge as u64: redact_slow looks at its sign.
      found |= u >= kSmallestCard;
    }
    return found;
  }
  Plan& plan_for(const CallSite& site);
  Plan make_plan(const CallSite& site) const;
  /// `positions`: each message argument's index among the site's ArgInfos.
  static std::vector<KeyedArgument> keyed_arguments(const CallSite& site, const Plan& plan,
                                                    const std::vector<std::uint32_t>& positions);
  bool mark_keyed_secrets(const CallSite& site, const Plan& plan, std::span<const std::byte> args);
  static constexpr std::size_t kMaxTextSites = 8;  // per site; see text_site_for
  const CallSite* text_site_for(const CallSite& site, Plan& plan);
  void count(RedactionKind kind) noexcept;

  Redactor redactor_;
  AtomicRedactionCounts* counts_;
  RedactionCounts pending_{};

  // Sites seen, behind a small direct-mapped cache: the common case is a
  // handful of hot sites, looked up once per record.
  static constexpr std::size_t kCacheSize = 256;
  std::array<CacheEntry, kCacheSize> cache_{};
  std::unordered_map<const CallSite*, std::unique_ptr<Plan>> plans_;

  // Per record, reused.
  std::vector<std::string> replacements_;
  std::vector<bool> replaced_;
  std::vector<bool> uncut_;         // per argument: a string replaced whole, its precision dropped
  std::vector<bool> keyed_secret_;  // per argument: its key, in this record, is sensitive
  std::vector<std::span<const std::byte>> arg_bytes_;
  std::string keyed_scratch_;
  std::vector<bool> retype_;
  std::vector<std::byte> buffer_;
  std::vector<ArgValue> values_;
  std::vector<FieldView> fields_;
  std::string text_;
};

}  // namespace sluice::detail
