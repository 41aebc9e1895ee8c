#include "escaped_site_names.hpp"

#include "same_text.hpp"
#include "text_util.hpp"

namespace sluice::detail {

EscapedSiteNames::EscapedSiteNames() = default;
EscapedSiteNames::~EscapedSiteNames() = default;

const SiteNames& EscapedSiteNames::of_new_static(const CallSite& site) {
  const auto [at, inserted] = static_sites_.try_emplace(&site);
  try {
    return escape(at->second, site.format, site.file, site.function);
  } catch (...) {
    static_sites_.erase(at);  // no half-escaped entry for the next lookup
    throw;
  }
}

const SiteNames& EscapedSiteNames::of_runtime(const CallSite& site) {
  if (!runtime_sites_) runtime_sites_ = std::make_unique<std::array<RuntimeEntry, kRuntimeSlots>>();
  const auto bits = reinterpret_cast<std::uintptr_t>(&site);
  RuntimeEntry& slot = (*runtime_sites_)[(bits >> 4 ^ bits >> 10) % kRuntimeSlots];
  if (slot.site == &site && same_text(slot.format, site.format) &&
      same_text(slot.file, site.file) && same_text(slot.function, site.function)) {
    return slot.entry.names;
  }
  slot.site = nullptr;  // until it is whole again
  slot.format.assign(site.format);
  slot.file.assign(site.file);
  slot.function.assign(site.function);
  // Views of the copies, not of the site's text: a site redefined in place
  // with the same names may hold them at other addresses.
  const SiteNames& names = escape(slot.entry, slot.format, slot.file, slot.function);
  slot.site = &site;
  return names;
}

const SiteNames& EscapedSiteNames::escape(Entry& entry, std::string_view format,
                                          std::string_view file, std::string_view function) {
  const auto escaped = [](std::string_view text, std::string& storage) -> std::string_view {
    return escape_log_text_unless_as_is(text, storage) ? text : std::string_view(storage);
  };
  SiteNames& names = entry.names;
  names.file = escaped(file, entry.storage[0]);
  names.function = escaped(function, entry.storage[1]);
  names.module = escaped(module_of(file), entry.storage[2]);
  names.format = escaped(format, entry.storage[3]);
  return names;
}

}  // namespace sluice::detail
