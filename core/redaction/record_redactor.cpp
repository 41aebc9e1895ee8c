#include "record_redactor.hpp"

#include <algorithm>
#include <cstring>
#include <deque>
#include <mutex>

#include "arg_decoding.hpp"
#include "call_site_analysis.hpp"
#include "format_fields.hpp"
#include "luhn.hpp"

namespace sluice::detail {

namespace {

// A call site with some arguments retyped as strings. Never freed: sinks
// key their tables by site address, so an address must never be reused.
struct TextSite {
  std::string format;
  std::vector<ArgInfo> args;
  CallSite site;
};
std::mutex g_text_sites_mutex;
std::deque<TextSite>& text_sites() {
  static auto* sites = new std::deque<TextSite>;  // intentionally leaked
  return *sites;
}

// The format with the spec of every placeholder whose argument becomes a
// string removed (`{:08d}` -> `{}`): a string cannot take an integer's
// spec. When such a spec holds a nested field (`{:.{}f}`), dropping it
// would shift the automatic indexes after it: every field then gets its
// index written out (`{0}`, `{2:>{3}}`), the nested ones too.
std::string strip_specs(std::string_view format, const std::vector<bool>& retyped) {
  const auto is_retyped = [&](const FormatField& f) {
    return f.index < retyped.size() && retyped[f.index] && f.spec < format.size() &&
           format[f.spec] == ':';
  };
  bool explicit_indexes = false;
  for_each_field(
      format, [](std::string_view) {},
      [&](const FormatField& f) { explicit_indexes |= is_retyped(f) && !f.nested.empty(); });
  std::string out;
  for_each_field(
      format, [&](std::string_view text) { out += text; },
      [&](const FormatField& f) {
        const std::size_t end = std::min(f.close + 1, format.size());
        out += '{';
        if (explicit_indexes) {
          out += std::to_string(f.index);
        } else {
          out.append(format, f.open + 1, f.spec - f.open - 1);  // the index as written
        }
        if (is_retyped(f)) {
          out += '}';
          return;
        }
        if (!explicit_indexes) {
          out.append(format, f.spec, end - f.spec);
          return;
        }
        // The spec, each nested field's index written out.
        std::size_t at = f.spec;
        for (const auto& [nested_open, nested_index] : f.nested) {
          out.append(format, at, nested_open - at);
          out += '{' + std::to_string(nested_index);
          at = nested_open + 1;
          while (at < format.size() && format[at] >= '0' && format[at] <= '9') ++at;
        }
        out.append(format, at, end - at);
      });
  return out;
}

// Whether a replacement field's spec (`:` onwards) has a precision, which
// cuts a string: `{:.8}`, `{:>12.4}`; not the fill of `{:.<8}`.
bool has_precision(std::string_view format, const FormatField& f) {
  if (f.spec >= format.size() || format[f.spec] != ':') return false;
  std::string_view spec = format.substr(f.spec + 1, f.close - f.spec - 1);
  const auto align = [](char c) { return c == '<' || c == '>' || c == '^'; };
  if (spec.size() >= 2 && align(spec[1])) {
    spec.remove_prefix(2);
  } else if (!spec.empty() && align(spec[0])) {
    spec.remove_prefix(1);
  }
  return spec.find('.') != std::string_view::npos;
}

std::size_t encoded_size_at(const ArgInfo& info, const std::byte* p, const std::byte* end) {
  if (info.kind == ArgKind::string) {
    if (end - p < 4) return 0;
    std::uint32_t n;
    std::memcpy(&n, p, 4);
    return static_cast<std::size_t>(end - p - 4) < n ? 0 : 4 + std::size_t{n};
  }
  const std::size_t size =
      info.kind == ArgKind::custom ? info.custom_size : encoded_fixed_size(info.kind);
  return static_cast<std::size_t>(end - p) < size ? 0 : size;
}

void put_string(std::vector<std::byte>& out, std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  const std::size_t at = out.size();
  out.resize(at + 4 + s.size());
  std::memcpy(out.data() + at, &n, 4);
  if (!s.empty()) std::memcpy(out.data() + at + 4, s.data(), s.size());
}

bool is_wide_integer(ArgKind kind) { return kind == ArgKind::i64 || kind == ArgKind::u64; }

// Message argument index -> position among the site's ArgInfos (fields have
// no placeholder).
std::vector<std::uint32_t> message_positions(const CallSite& site) {
  std::vector<std::uint32_t> positions;
  for (std::uint32_t i = 0; i < site.arg_count; ++i) {
    if (site.args[i].field_name.empty()) positions.push_back(i);
  }
  return positions;
}

}  // namespace

RecordRedactor::RecordRedactor(const RedactionPolicy& policy, AtomicRedactionCounts& counts)
    : redactor_(policy), counts_(&counts) {}

RecordRedactor::~RecordRedactor() = default;

void RecordRedactor::count(RedactionKind kind) noexcept {
  ++pending_[static_cast<std::size_t>(kind)];
}

RecordRedactor::Plan RecordRedactor::make_plan(const CallSite& site) const {
  const RedactionPolicy& policy = redactor_.policy();
  Plan plan;
  plan.actions.assign(site.arg_count, Action::keep);
  plan.secret_kinds.assign(site.arg_count, RedactionKind::field);
  const bool scan = policy.scan_values || !policy.patterns.empty();
  std::vector<bool> by_position;
  if (policy.analyse_call_sites)
    by_position = sensitive_placeholders(site.format, redactor_.keys());
  std::size_t message_index = 0;
  for (std::uint32_t i = 0; i < site.arg_count; ++i) {
    const ArgInfo& info = site.args[i];
    const bool field = !info.field_name.empty();
    bool secret = false;
    if (field) {
      secret = redactor_.keys().is_sensitive(info.field_name);
      plan.secret_kinds[i] = RedactionKind::field;
    } else {
      secret = message_index < by_position.size() && by_position[message_index];
      plan.secret_kinds[i] = RedactionKind::argument;
      ++message_index;
    }
    Action action = Action::keep;
    if (secret) {
      action = Action::secret;
    } else if (info.kind == ArgKind::string && scan) {
      action = Action::scan;
    } else if (info.kind == ArgKind::custom && scan) {
      action = Action::scan_text;
    } else if (is_wide_integer(info.kind) && policy.scan_integers) {
      action = Action::card_int;
    }
    plan.actions[i] = action;
    plan.nothing = plan.nothing && action == Action::keep;
  }
  // Strings whose placeholder has a precision: replaced whole, they go
  // with the spec removed, or "[REDACTED]" would be cut to "[REDACTE".
  plan.cut_by_precision.assign(site.arg_count, false);
  const std::vector<std::uint32_t> positions = message_positions(site);
  for_each_field(
      site.format, [](std::string_view) {},
      [&](const FormatField& f) {
        if (f.index < positions.size() && site.args[positions[f.index]].kind == ArgKind::string &&
            has_precision(site.format, f)) {
          plan.cut_by_precision[positions[f.index]] = true;
        }
      });
  if (policy.analyse_call_sites) plan.keyed = keyed_arguments(site, plan, positions);
  if (!plan.keyed.empty()) plan.nothing = false;
  // Integers only, at offsets fixed by the kinds before them?
  plan.integers_only = !plan.nothing && plan.keyed.empty();
  std::size_t offset = 0;
  for (std::uint32_t i = 0; i < site.arg_count && plan.integers_only; ++i) {
    const ArgInfo& info = site.args[i];
    if (plan.actions[i] == Action::card_int) {
      plan.integer_offsets.push_back(static_cast<std::uint32_t>(offset));
    } else if (plan.actions[i] != Action::keep) {
      plan.integers_only = false;
    }
    if (info.kind == ArgKind::string || info.kind == ArgKind::custom) {
      // Later offsets depend on this record's bytes; nothing after it is
      // an integer to test, or the plan is not integers-only.
      for (std::uint32_t j = i + 1; j < site.arg_count; ++j) {
        if (plan.actions[j] != Action::keep) plan.integers_only = false;
      }
      break;
    }
    offset += encoded_fixed_size(info.kind);
  }
  return plan;
}

std::vector<RecordRedactor::KeyedArgument> RecordRedactor::keyed_arguments(
    const CallSite& site, const Plan& plan, const std::vector<std::uint32_t>& positions) {
  std::vector<KeyedArgument> keyed;
  for (KeyedPlaceholder& shape : keyed_placeholders(site.format)) {
    if (shape.key >= positions.size() || shape.value >= positions.size()) continue;
    const std::uint32_t key = positions[shape.key];
    const std::uint32_t value = positions[shape.value];
    // Only text can be a key; a value secret by its position needs no test.
    if (site.args[key].kind != ArgKind::string || plan.actions[value] == Action::secret) continue;
    keyed.push_back({key, value, std::move(shape)});
  }
  return keyed;
}

bool RecordRedactor::mark_keyed_secrets(const CallSite& site, const Plan& plan,
                                        std::span<const std::byte> args) {
  keyed_secret_.assign(site.arg_count, false);
  arg_bytes_.clear();
  const std::byte* p = args.data();
  const std::byte* const end = p + args.size();
  for (std::uint32_t i = 0; i < site.arg_count; ++i) {
    const std::size_t size = encoded_size_at(site.args[i], p, end);
    if (size == 0 && site.args[i].kind != ArgKind::custom) return false;  // corrupt
    arg_bytes_.emplace_back(p, size);
    p += size;
  }
  for (const KeyedArgument& keyed : plan.keyed) {
    const std::span<const std::byte> key = arg_bytes_[keyed.key];
    const std::string_view key_text(reinterpret_cast<const char*>(key.data() + 4), key.size() - 4);
    if (keyed_value_is_secret(keyed.shape, key_text, redactor_.keys(), keyed_scratch_)) {
      keyed_secret_[keyed.value] = true;
    }
  }
  return true;
}

const CallSite* RecordRedactor::text_site_for(const CallSite& site, Plan& plan) {
  // Retyped: the non-string arguments replaced in this record, and only
  // those: the others keep their type and their spec (`{:x}`). (And strings
  // replaced whole under a precision: same type, spec dropped.) A site whose
  // records replace many different sets would make a copy for each; past
  // kMaxTextSites, one copy retypes everything that may be replaced, and
  // its clean values are rendered as "{}" renders them.
  const auto find = [&]() -> const CallSite* {
    for (const auto& [retype, text_site] : plan.text_sites) {
      if (retype == retype_) return text_site;
    }
    return nullptr;
  };
  retype_.assign(site.arg_count, false);
  for (std::uint32_t i = 0; i < site.arg_count; ++i) {
    retype_[i] = replaced_[i] && (site.args[i].kind != ArgKind::string || uncut_[i]);
  }
  if (const CallSite* text_site = find()) return text_site;
  if (plan.text_sites.size() >= kMaxTextSites) {
    for (std::uint32_t i = 0; i < site.arg_count; ++i) {
      const bool keyed = std::any_of(plan.keyed.begin(), plan.keyed.end(),
                                     [i](const KeyedArgument& k) { return k.value == i; });
      retype_[i] =
          site.args[i].kind != ArgKind::string && (plan.actions[i] != Action::keep || keyed);
    }
    if (const CallSite* text_site = find()) return text_site;
  }
  std::lock_guard lock(g_text_sites_mutex);
  TextSite& text = text_sites().emplace_back();
  text.args.assign(site.args, site.args + site.arg_count);
  std::vector<bool> retyped;
  std::size_t message_index = 0;
  for (std::uint32_t i = 0; i < site.arg_count; ++i) {
    ArgInfo& info = text.args[i];
    const bool retype = retype_[i];
    if (info.field_name.empty()) {
      if (retyped.size() <= message_index) retyped.resize(message_index + 1, false);
      retyped[message_index++] = retype;
    }
    if (retype) info = ArgInfo{ArgKind::string, 0, info.field_name, nullptr};
  }
  text.format = strip_specs(site.format, retyped);
  text.site = CallSite{text.format,      site.file,      site.function,    site.line, site.level,
                       text.args.data(), site.arg_count, site.field_count, nullptr,   nullptr};
  plan.text_sites.emplace_back(retype_, &text.site);
  return &text.site;
}

RecordRedactor::Plan& RecordRedactor::plan_for(const CallSite& site) {
  CacheEntry& entry = cache_[cache_index(site)];
  if (entry.site == &site) return *entry.plan;
  auto& owned = plans_[&site];
  if (!owned) owned = std::make_unique<Plan>(make_plan(site));
  Plan& plan = *owned;
  entry = CacheEntry{&site, &plan, Mode::other, 0, {}};
  if (plan.nothing) {
    entry.mode = Mode::nothing;
  } else if (plan.integers_only && plan.integer_offsets.size() <= kInlineOffsets &&
             std::all_of(plan.integer_offsets.begin(), plan.integer_offsets.end(),
                         [](std::uint32_t o) { return o + 8 <= 0xFFFF; })) {
    entry.mode = plan.integer_offsets.size() <= 2 ? Mode::two_integers : Mode::integers;
    for (std::size_t k = 0; k < plan.integer_offsets.size(); ++k) {
      entry.offsets[k] = static_cast<std::uint16_t>(plan.integer_offsets[k]);
      entry.bytes_needed = std::max<std::uint16_t>(
          entry.bytes_needed, static_cast<std::uint16_t>(plan.integer_offsets[k] + 8));
    }
    // Unused slots repeat the first offset, so that the inline test reads
    // all kInlineOffsets slots without a count (a site has at least one).
    for (std::size_t k = plan.integer_offsets.size(); k < kInlineOffsets; ++k) {
      entry.offsets[k] = entry.offsets[0];
    }
  }
  return plan;
}

RecordRedactor::Result RecordRedactor::redact_slow(const CallSite& site,
                                                   std::span<const std::byte> args) {
  Plan& plan = plan_for(site);
  if (unchanged(cache_[cache_index(site)], args)) return {&site, args, 0};

  // One argument's text into text_, as "{}" renders it.
  const auto value_text = [this](const ArgInfo& info, const std::byte* at, std::size_t size) {
    text_.clear();
    if (info.kind == ArgKind::custom) {
      append_custom_text(info, at, text_);
      return;
    }
    std::string custom;
    decode_args({&info, 1}, {at, size}, values_, fields_, custom);
    append_value(values_.empty() ? fields_.front().value : values_.front(), text_);
  };
  const std::size_t arg_count = site.arg_count;
  const bool keyed = !plan.keyed.empty();
  if (keyed && !mark_keyed_secrets(site, plan, args)) return {&site, args, 0};
  if (replacements_.size() < arg_count) replacements_.resize(arg_count);
  replaced_.assign(arg_count, false);
  uncut_.assign(arg_count, false);
  KindMask kinds = 0;
  bool to_text = false;
  const std::byte* p = args.data();
  const std::byte* const end = p + args.size();
  for (std::size_t i = 0; i < arg_count; ++i) {
    const ArgInfo& info = site.args[i];
    const std::size_t size = encoded_size_at(info, p, end);
    if (size == 0 && info.kind != ArgKind::custom) return {&site, args, 0};  // corrupt: leave it
    const Action action = keyed && keyed_secret_[i] ? Action::secret : plan.actions[i];
    std::string& replacement = replacements_[i];
    switch (action) {
      case Action::keep:
        break;
      case Action::scan: {
        const std::string_view text(reinterpret_cast<const char*>(p + 4), size - 4);
        const KindMask found = redactor_.redact_text(text, replacement, &pending_);
        if (found != 0) {
          kinds |= found;
          replaced_[i] = true;
        }
        break;
      }
      case Action::scan_text: {
        text_.clear();
        const bool formatted = append_custom_text(info, p, text_);
        const KindMask found = redactor_.redact_text(text_, replacement, &pending_);
        if (found != 0 || !formatted) {
          // A failed value goes as its error's text: formatting it again
          // for the sinks would throw the unscanned text there.
          if (found == 0) replacement = text_;
          kinds |= found;
          replaced_[i] = true;
          to_text = true;
        }
        break;
      }
      case Action::secret: {
        replacement.clear();
        const RedactionKind kind = plan.secret_kinds[i];
        if (info.kind == ArgKind::string) {
          redactor_.replace(std::string_view(reinterpret_cast<const char*>(p + 4), size - 4), kind,
                            replacement);
          if (plan.cut_by_precision[i]) {
            uncut_[i] = true;
            to_text = true;
          }
        } else {
          // The value's text, for the hmac style (the others ignore it).
          value_text(info, p, size);
          redactor_.replace(text_, kind, replacement);
          to_text = true;
        }
        count(kind);
        kinds |= kind_bit(kind);
        replaced_[i] = true;
        break;
      }
      case Action::card_int: {
        std::uint64_t u;
        std::memcpy(&u, p, 8);
        if (info.kind == ArgKind::i64) {
          std::int64_t v;
          std::memcpy(&v, p, 8);
          if (v < 0) break;
        }
        if (u < kSmallestCard) break;  // fewer than 13 digits: the common case
        char digits[24];
        int n = 0;
        for (std::uint64_t v = u; v != 0; v /= 10) digits[n++] = static_cast<char>('0' + v % 10);
        std::reverse(digits, digits + n);
        const std::string_view number(digits, static_cast<std::size_t>(n));
        if (!card_number_valid(number)) break;
        replacement.clear();
        redactor_.replace(number, RedactionKind::card, replacement);
        count(RedactionKind::card);
        kinds |= kind_bit(RedactionKind::card);
        replaced_[i] = true;
        to_text = true;
        break;
      }
    }
    p += size;
  }
  if (kinds == 0) return {&site, args, 0};

  for (std::size_t k = 0; k < pending_.size(); ++k) {
    if (pending_[k] != 0) {
      (*counts_)[k].fetch_add(pending_[k], std::memory_order_relaxed);
      pending_[k] = 0;
    }
  }
  const CallSite* out_site = to_text ? text_site_for(site, plan) : &site;
  buffer_.clear();
  p = args.data();
  for (std::size_t i = 0; i < arg_count; ++i) {
    const ArgInfo& info = site.args[i];
    const std::size_t size = encoded_size_at(info, p, end);
    if (replaced_[i]) {
      put_string(buffer_, replacements_[i]);
    } else if (out_site != &site && out_site->args[i].kind != info.kind) {
      // Retyped but clean in this record: its text, as "{}" renders it.
      value_text(info, p, size);
      put_string(buffer_, text_);
    } else {
      buffer_.insert(buffer_.end(), p, p + size);
    }
    p += size;
  }
  return {out_site, {buffer_.data(), buffer_.size()}, kinds};
}

}  // namespace sluice::detail
