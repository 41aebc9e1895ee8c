// The finders for secrets with a recognisable shape: e-mail addresses, JWTs,
// AWS access key ids, HTTP credentials and PEM private keys.

#include <array>
#include <cstring>
#include <span>

#include "finders.hpp"
#include "scan_chars.hpp"

namespace sluice::detail {

namespace {

Match make_match(std::size_t begin, std::size_t end, RedactionKind kind) noexcept {
  return Match{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end), kind};
}

// Local-part characters. Not RFC 5322's full set: `=`, `/`, `:` and the
// like end it, so that `user=alice@example.com` keeps `user=`. Non-ASCII
// bytes belong to it (internationalised addresses).
constexpr bool local_part_char(char c) noexcept {
  return scan::alnum(c) || scan::non_ascii(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
         c == '-' || c == '\'';
}
constexpr std::size_t kMaxLocalPart = 64;  // RFC 5321

// Decodes standard base64 (padding optional) and reports whether the result
// contains ':' (what a Basic credential, base64 of `user:password`, holds).
bool base64_holds_colon(std::string_view s) noexcept {
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : s) {
    unsigned v;
    if (scan::upper(c)) {
      v = static_cast<unsigned>(c - 'A');
    } else if (scan::lower(c)) {
      v = static_cast<unsigned>(c - 'a' + 26);
    } else if (scan::digit(c)) {
      v = static_cast<unsigned>(c - '0' + 52);
    } else if (c == '+') {
      v = 62;
    } else if (c == '/') {
      v = 63;
    } else if (c == '=') {
      break;
    } else {
      return false;
    }
    buffer = (buffer << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (((buffer >> bits) & 0xFFu) == ':') return true;
    }
  }
  return false;
}

// Google API keys: "AIza" and 35 base64url characters.
std::size_t find_google_key(std::string_view text, std::size_t at, std::vector<Match>& out) {
  constexpr std::size_t kLength = 39;
  if (text.size() - at < kLength) return at + 1;
  for (std::size_t i = at + 4; i < at + kLength; ++i) {
    if (!scan::base64url(text[i])) return at + 1;
  }
  if (at + kLength < text.size() && scan::base64url(text[at + kLength])) return at + 1;
  out.push_back(make_match(at, at + kLength, RedactionKind::vendor_token));
  return at + kLength;
}

// Prefixes vendors put on their secret tokens so that scanners like this one
// can find them, by the separator that ends the prefix.
struct VendorPrefix {
  std::string_view word;  // what precedes the separator
  std::string_view rest;  // what must follow the separator before the body
  std::size_t min_body;   // body characters required after `rest`
  bool dashes;            // the body may hold '-' (and '_')
};
constexpr std::array<VendorPrefix, 9> kUnderscorePrefixes{{
    {"ghp", "", 30, false},  // GitHub personal access token
    {"gho", "", 30, false},  // GitHub OAuth
    {"ghu", "", 30, false},  // GitHub user-to-server
    {"ghs", "", 30, false},  // GitHub server-to-server
    {"ghr", "", 30, false},  // GitHub refresh
    {"github", "pat_", 30, true},
    {"npm", "", 30, false},
    {"sk", "live_", 16, false},  // Stripe secret key
    {"rk", "live_", 16, false},  // Stripe restricted key
}};
constexpr std::array<VendorPrefix, 8> kDashPrefixes{{
    {"xoxb", "", 10, true},  // Slack bot
    {"xoxp", "", 10, true},  // Slack user
    {"xoxa", "", 10, true},
    {"xoxr", "", 10, true},
    {"xoxs", "", 10, true},
    {"xoxe", "", 10, true},
    {"glpat", "", 20, true},  // GitLab personal access token
    {"sk", "", 32, true},     // OpenAI-style secret key
}};

}  // namespace

std::size_t find_vendor_token(std::string_view text, std::size_t at, std::vector<Match>& out) {
  // The two letters before the separator rule out nearly every '_' and '-'
  // (snake_case keys, `eu-west-1`) before any word is compared.
  if (!vendor_prefix_may_end(text, at)) return at + 1;
  // The word before the separator, bounded on the left.
  std::size_t begin = at;
  while (begin > 0 && at - begin < 6 && scan::alnum(text[begin - 1])) --begin;
  if (begin == at || (begin > 0 && scan::word(text[begin - 1]))) return at + 1;
  const std::string_view word = text.substr(begin, at - begin);
  const auto& prefixes = text[at] == '_' ? std::span<const VendorPrefix>(kUnderscorePrefixes)
                                         : std::span<const VendorPrefix>(kDashPrefixes);
  for (const VendorPrefix& prefix : prefixes) {
    if (word != prefix.word) continue;
    std::size_t i = at + 1;
    if (text.compare(i, prefix.rest.size(), prefix.rest) != 0) {
      // Stripe's test keys are as secret as live ones.
      if (prefix.rest != "live_" || text.compare(i, 5, "test_") != 0) continue;
    }
    i += prefix.rest.size();
    const std::size_t body = i;
    bool digit = false, alpha = false;
    while (i < text.size() &&
           (scan::alnum(text[i]) || (prefix.dashes && (text[i] == '-' || text[i] == '_')))) {
      digit |= scan::digit(text[i]);
      alpha |= scan::alpha(text[i]);
      ++i;
    }
    if (i - body < prefix.min_body || !digit || !alpha) return at + 1;
    out.push_back(make_match(begin, i, RedactionKind::vendor_token));
    return i;
  }
  return at + 1;
}

std::size_t find_email(std::string_view text, std::size_t at, std::vector<Match>& out) {
  std::size_t begin = at;
  while (begin > 0 && at - begin <= kMaxLocalPart && local_part_char(text[begin - 1])) --begin;
  if (at - begin > kMaxLocalPart) return at + 1;  // a long run of something else
  // Quotes and dots before the address are punctuation: `'bob@x.org'`.
  while (begin < at && (text[begin] == '.' || text[begin] == '\'' || text[begin] == '-')) ++begin;
  if (begin == at) return at + 1;

  // The domain: labels of letters, digits and inner hyphens, at least two,
  // the last one letters only (a TLD): `example.co.uk`, not `1.2.3.4`.
  const std::size_t n = text.size();
  std::size_t i = at + 1, labels = 0, last_label = i;
  bool last_alpha = false;
  for (;;) {
    const std::size_t label = i;
    bool alpha = true;
    while (i < n && (scan::alnum(text[i]) || text[i] == '-' || scan::non_ascii(text[i]))) {
      alpha &= scan::alpha(text[i]) || scan::non_ascii(text[i]);
      ++i;
    }
    if (i == label || text[label] == '-' || text[i - 1] == '-') {
      i = label > at + 1 ? label - 1 : label;  // drop the empty label and its dot
      break;
    }
    ++labels;
    last_label = label;
    last_alpha = alpha;
    if (i + 1 < n && text[i] == '.' && scan::alnum(text[i + 1])) {
      ++i;
      continue;
    }
    break;
  }
  if (labels < 2 || !last_alpha || i - last_label < 2) return at + 1;
  out.push_back(make_match(begin, at, RedactionKind::email));
  return i;
}

std::size_t find_jwt(std::string_view text, std::size_t at, std::vector<Match>& out) {
  if (at < 2 || text[at - 2] != 'e' || text[at - 1] != 'y') return at + 1;
  const std::size_t begin = at - 2;
  if (begin > 0 && (scan::base64url(text[begin - 1]) || text[begin - 1] == '.')) return at + 1;
  const std::size_t n = text.size();
  std::array<std::size_t, 3> sizes{};
  std::size_t i = begin;
  for (std::size_t segment = 0; segment < 3; ++segment) {
    const std::size_t start = i;
    while (i < n && scan::base64url(text[i])) ++i;
    sizes[segment] = i - start;
    if (segment < 2) {
      if (i >= n || text[i] != '.') return at + 1;
      ++i;
    }
  }
  // A header and a payload of real size; the signature may be empty
  // (alg "none"). Shorter dotted words are not tokens.
  if (sizes[0] < 10 || sizes[1] < 10) return at + 1;
  out.push_back(make_match(begin, i, RedactionKind::jwt));
  return i;
}

std::size_t find_aws_key(std::string_view text, std::size_t at, std::vector<Match>& out) {
  constexpr std::size_t kLength = 20;
  if (text.size() - at < kLength || (at > 0 && scan::alnum(text[at - 1]))) return at + 1;
  static constexpr std::array<std::string_view, 10> kPrefixes{
      "AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "ABIA", "ACCA"};
  const std::string_view prefix = text.substr(at, 4);
  if (prefix == "AIza") return find_google_key(text, at, out);
  bool known = false;
  for (const std::string_view p : kPrefixes) known |= p == prefix;
  if (!known) return at + 1;
  for (std::size_t i = at + 4; i < at + kLength; ++i) {
    if (!scan::upper(text[i]) && !scan::digit(text[i])) return at + 1;
  }
  if (at + kLength < text.size() && scan::alnum(text[at + kLength])) return at + 1;
  out.push_back(make_match(at, at + kLength, RedactionKind::aws_key));
  return at + kLength;
}

bool find_scheme_credential(std::string_view text, std::size_t at, bool require_secret_look,
                            std::vector<Match>& out, std::size_t& end) {
  // After a sensitive key (`Authorization:`) any common scheme counts; in
  // free text only the two that are not everyday words.
  static constexpr std::array<std::string_view, 5> kKeyedSchemes{"token", "negotiate", "ntlm",
                                                                 "apikey", "jwt"};
  bool basic = false;
  std::size_t i;
  if (scan::has_word_at(text, at, "bearer")) {
    i = at + 6;
  } else if (scan::has_word_at(text, at, "basic")) {
    basic = true;
    i = at + 5;
  } else {
    i = at;
    if (!require_secret_look) {
      for (const std::string_view scheme : kKeyedSchemes) {
        if (scan::has_word_at(text, at, scheme)) i = at + scheme.size();
      }
    }
    if (i == at) return false;
  }
  const std::size_t n = text.size();
  if (i >= n || (text[i] != ' ' && text[i] != '\t')) return false;
  while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
  const std::size_t begin = i;
  while (i < n && scan::token68(text[i])) ++i;
  while (i < n && text[i] == '=') ++i;
  if (i < n && scan::word(text[i])) return false;
  const std::string_view credential = text.substr(begin, i - begin);
  if (credential.empty()) return false;
  // A free-text Basic must decode to user:password; after a key, trust it.
  if (basic ? require_secret_look && !base64_holds_colon(credential)
            : require_secret_look && !scan::looks_like_secret(credential)) {
    return false;
  }
  out.push_back(make_match(begin, i, RedactionKind::auth_credential));
  end = i;
  return true;
}

std::size_t find_auth_credential(std::string_view text, std::size_t at, std::vector<Match>& out) {
  if (at > 0 && scan::word(text[at - 1])) return at + 1;
  std::size_t end = at + 1;
  find_scheme_credential(text, at, true, out, end);
  return end;
}

std::size_t find_url_password(std::string_view text, std::size_t at, std::vector<Match>& out) {
  // The authority ends at a '/', '?' or '#' (or a blank or quote, in
  // text); its user info at the last '@' in it, as URL parsers take it (a
  // password with a raw '@' is common). Only the part after the user
  // info's first ':' is the password; the user name stays.
  constexpr std::size_t kMaxAuthority = 256;
  const std::size_t start = at + 3;
  if (at == 0 || !scan::alnum(text[at - 1])) return start;  // no scheme
  constexpr std::size_t npos = std::string_view::npos;
  std::size_t colon = npos, last_at = npos;
  const std::size_t n = text.size();
  for (std::size_t i = start; i < n && i - start <= kMaxAuthority; ++i) {
    const char c = text[i];
    if (c == '/' || c == '?' || c == '#' || scan::space(c) || c == '"' || c == '\'' || c == '<' ||
        c == '>' || c == '\\') {
      break;
    }
    if (c == '@') last_at = i;
    if (c == ':' && colon == npos && last_at == npos) colon = i;
  }
  if (last_at != npos && colon != npos && colon + 1 < last_at) {
    out.push_back(make_match(colon + 1, last_at, RedactionKind::auth_credential));
  }
  // The user info is scanned too (the user name may hold something else).
  return start;
}

std::size_t find_private_key(std::string_view text, std::size_t at, std::vector<Match>& out) {
  constexpr std::string_view kBegin = "-----BEGIN ";
  constexpr std::string_view kDashes = "-----";
  if (at + 1 >= text.size() || text[at + 1] != '-' || text.compare(at, kBegin.size(), kBegin) != 0)
    return find_vendor_token(text, at, out);
  const std::size_t label = at + kBegin.size();
  const std::size_t label_end = text.find(kDashes, label);
  // "RSA PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", ...
  if (label_end == std::string_view::npos || label_end - label > 40 ||
      !text.substr(label, label_end - label).ends_with("PRIVATE KEY")) {
    return at + 1;
  }
  const std::size_t body = label_end + kDashes.size();
  std::size_t body_end = text.find("-----END ", body);
  std::size_t next = text.size();
  if (body_end == std::string_view::npos) {
    body_end = text.size();  // cut off: everything after BEGIN is key
  } else {
    const std::size_t close = text.find(kDashes, body_end + 9);
    next = close == std::string_view::npos ? text.size() : close + kDashes.size();
  }
  if (body_end > body) out.push_back(make_match(body, body_end, RedactionKind::private_key));
  return next;
}

}  // namespace sluice::detail
