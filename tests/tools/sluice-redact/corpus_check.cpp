// Scores sluice-redact on a labelled corpus (tests/data/redaction/*.jsonl,
// one {"text", "secrets", "kind"} a line; its README says what passing
// means): runs the real binary over all the texts at once and checks every
// output line. Prints each failure; exits 1 if there is any.
//
//   corpus_check SLUICE_REDACT CORPUS.jsonl WORK_DIR

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

namespace {

struct Case {
  std::string text;
  std::vector<std::string> secrets;
  std::string kind;
};

void append_utf8(unsigned cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A JSON string starting at s[i] == '"'; i ends after the closing quote.
bool parse_string(std::string_view s, std::size_t& i, std::string& out) {
  if (i >= s.size() || s[i] != '"') return false;
  ++i;
  while (i < s.size() && s[i] != '"') {
    if (s[i] != '\\') {
      out += s[i++];
      continue;
    }
    if (++i >= s.size()) return false;
    const char e = s[i++];
    switch (e) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        if (i + 4 > s.size()) return false;
        unsigned cp = std::stoul(std::string(s.substr(i, 4)), nullptr, 16);
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && i + 6 <= s.size() && s[i] == '\\' && s[i + 1] == 'u') {
          const unsigned low = std::stoul(std::string(s.substr(i + 2, 4)), nullptr, 16);
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        append_utf8(cp, out);
        break;
      }
      default:
        out += e;
    }
  }
  if (i >= s.size()) return false;
  ++i;
  return true;
}

void skip_space(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

// The corpus's flat objects only: string values and arrays of strings.
bool parse_case(std::string_view line, Case& c) {
  std::size_t i = 0;
  skip_space(line, i);
  if (i >= line.size() || line[i++] != '{') return false;
  for (;;) {
    skip_space(line, i);
    std::string key;
    if (!parse_string(line, i, key)) return false;
    skip_space(line, i);
    if (i >= line.size() || line[i++] != ':') return false;
    skip_space(line, i);
    if (i < line.size() && line[i] == '[') {
      ++i;
      skip_space(line, i);
      while (i < line.size() && line[i] != ']') {
        std::string value;
        if (!parse_string(line, i, value)) return false;
        if (key == "secrets") c.secrets.push_back(value);
        skip_space(line, i);
        if (i < line.size() && line[i] == ',') ++i;
        skip_space(line, i);
      }
      ++i;
    } else {
      std::string value;
      if (!parse_string(line, i, value)) return false;
      if (key == "text") c.text = value;
      if (key == "kind") c.kind = value;
    }
    skip_space(line, i);
    if (i < line.size() && line[i] == ',') {
      ++i;
      continue;
    }
    return i < line.size() && line[i] == '}';
  }
}

// What passing means (the corpus README): no secret left; every byte
// outside the secrets' spans kept, in order; negatives byte-identical.
std::string check(const Case& c, const std::string& out) {
  if (c.kind == "negative" || c.secrets.empty()) {
    return out == c.text ? "" : "changed a negative case";
  }
  for (const std::string& secret : c.secrets) {
    if (out.find(secret) != std::string::npos) return "secret left: " + secret;
  }
  // The kept pieces: the text with every occurrence of every secret cut out.
  std::vector<bool> secret_byte(c.text.size(), false);
  for (const std::string& secret : c.secrets) {
    for (std::size_t at = c.text.find(secret); at != std::string::npos;
         at = c.text.find(secret, at + 1)) {
      for (std::size_t k = at; k < at + secret.size(); ++k) secret_byte[k] = true;
    }
  }
  std::size_t pos = 0;
  for (std::size_t i = 0; i < c.text.size();) {
    if (secret_byte[i]) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < c.text.size() && !secret_byte[j]) ++j;
    const std::string piece = c.text.substr(i, j - i);
    const std::size_t found = out.find(piece, pos);
    if (found == std::string::npos) return "lost or moved text: \"" + piece + "\"";
    pos = found + piece.size();
    i = j;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: corpus_check SLUICE_REDACT CORPUS.jsonl WORK_DIR\n");
    return 2;
  }
  const std::string tool = argv[1], corpus = argv[2], work = argv[3];
  std::ifstream in(corpus);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", corpus.c_str());
    return 2;
  }
  std::vector<Case> cases;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Case c;
    if (!parse_case(line, c)) {
      std::fprintf(stderr, "bad corpus line: %s\n", line.c_str());
      return 2;
    }
    if (c.text.find('\n') != std::string::npos) {
      std::fprintf(stderr, "skipped (multi-line text): %s\n", line.c_str());
      continue;
    }
    cases.push_back(std::move(c));
  }
  const std::string input = work + "/corpus_input.txt", output = work + "/corpus_output.txt";
  {
    std::ofstream texts(input, std::ios::binary);
    for (const Case& c : cases) texts << c.text << '\n';
  }
  const std::string command = "'" + tool + "' '" + input + "' > '" + output + "'";
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "failed: %s\n", command.c_str());
    return 1;
  }
  std::ifstream redacted(output, std::ios::binary);
  std::size_t failures = 0;
  for (const Case& c : cases) {
    std::string out;
    if (!std::getline(redacted, out)) {
      std::fprintf(stderr, "sluice-redact wrote fewer lines than it read\n");
      return 1;
    }
    const std::string why = check(c, out);
    if (!why.empty()) {
      ++failures;
      std::printf("FAIL [%s] %s\n  in:  %s\n  out: %s\n", c.kind.c_str(), why.c_str(),
                  c.text.c_str(), out.c_str());
    }
  }
  std::printf("%zu of %zu cases pass\n", cases.size() - failures, cases.size());
  return failures == 0 ? 0 : 1;
}
