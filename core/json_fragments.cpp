#include "json_fragments.hpp"

#include "text_util.hpp"

namespace sluice::detail {

std::string_view JsonFragments::render(SiteEntry& entry, const CallSite& site) {
  entry.site = &site;
  entry.file.assign(site.file);
  entry.function.assign(site.function);
  entry.line = site.line;
  entry.text.clear();
  TextBuffer out(entry.text);
  out.append(",\"module\":");
  append_json_string(module_of(site.file), out);
  out.append(",\"function\":");
  append_json_string(site.function, out);
  out.append(",\"line\":");
  append_decimal(site.line, out);
  out.flush();
  return entry.text;
}

std::string_view JsonFragments::render(LoggerEntry& entry, std::string_view name) {
  entry.used = true;
  entry.name.assign(name);
  entry.text.clear();
  append_json_string(name, entry.text);
  return entry.text;
}

std::string_view JsonFragments::render(ThreadEntry& entry, std::uint32_t process_id,
                                       std::uint64_t thread_id, std::string_view name) {
  entry.used = true;
  entry.thread_id = thread_id;
  entry.process_id = process_id;
  entry.name.assign(name);
  entry.text.clear();
  TextBuffer out(entry.text);
  out.append(",\"process\":");
  append_decimal(process_id, out);
  out.append(",\"thread\":");
  append_decimal(thread_id, out);
  out.append(",\"thread_name\":");
  append_json_string(name, out);
  out.flush();
  return entry.text;
}

JsonFragments& json_fragments() {
  thread_local JsonFragments fragments;
  return fragments;
}

}  // namespace sluice::detail
