// sluice-redact as an operator runs it: the real binary, through sh, on
// files in a scratch directory (its behaviour is main's: exit codes, error
// messages, bytes on stdout).

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Scratch {
  fs::path dir;
  Scratch() {
    dir = fs::temp_directory_path() /
          ("sluice-redact-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    fs::create_directories(dir);
  }
  ~Scratch() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // Runs `sluice-redact ARGS` in the directory, stdin from `in`, stdout to
  // "out", stderr to "err"; the exit status.
  int run(const std::string& args, const std::string& in = "") const {
    write("in", in);
    const std::string command =
        "cd '" + dir.string() + "' && '" SLUICE_REDACT_PATH "' " + args + " < in > out 2> err";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
};

}  // namespace

TEST_CASE("sluice-redact: a full disk is an error, named, exit 1") {
  const Scratch s;
  s.write("a.log", "password=hunter2\n");
  s.write("run.sh", "'" SLUICE_REDACT_PATH "' a.log > /dev/full 2> err; echo $? > rc\n");
  REQUIRE(std::system(("cd '" + s.dir.string() + "' && sh run.sh").c_str()) == 0);
  CHECK(s.read("rc") == "1\n");
  CHECK(s.read("err") == "sluice-redact: cannot write output: No space left on device\n");
}

TEST_CASE("sluice-redact: a closed pipe with SIGPIPE ignored stops it, exit 1") {
  const Scratch s;
  // Endless input: before the fix it never stopped (timeout's 124).
  s.write("run.sh",
          "(trap '' PIPE; yes 'password=hunter2' 2> /dev/null | timeout 20 '" SLUICE_REDACT_PATH
          "' 2> err; echo $? > rc) | head -1 > out\n");
  REQUIRE(std::system(("cd '" + s.dir.string() + "' && sh run.sh").c_str()) == 0);
  CHECK(s.read("out") == "password=[REDACTED]\n");
  CHECK(s.read("rc") == "1\n");
  CHECK(s.read("err") == "sluice-redact: cannot write output: Broken pipe\n");
}

TEST_CASE("sluice-redact: a PEM block cut off at the end of one file ends there") {
  const Scratch s;
  s.write("key.pem", "-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\n");
  s.write("app.log", "user=bob status=ok\n");
  CHECK(s.run("key.pem app.log") == 0);
  CHECK(s.read("out") == "-----BEGIN RSA PRIVATE KEY-----\n[REDACTED]\nuser=bob status=ok\n");
}

TEST_CASE("sluice-redact: a last line without a newline is kept without one") {
  const Scratch s;
  CHECK(s.run("", "a\npassword=hunter2") == 0);
  CHECK(s.read("out") == "a\npassword=[REDACTED]");
  CHECK(s.run("", "") == 0);
  CHECK(s.read("out").empty());
  CHECK(s.run("", "a\r\nb\r\n") == 0);
  CHECK(s.read("out") == "a\r\nb\r\n");
}

TEST_CASE("sluice-redact: an input that opens but cannot be read is named, the others still run") {
  const Scratch s;
  s.write("a.log", "a\n");
  CHECK(s.run(". a.log") == 1);  // a directory opens, its read fails (EISDIR)
  CHECK(s.read("out") == "a\n");
  CHECK(s.read("err") == "sluice-redact: cannot read .: Is a directory\n");
  s.write("run.sh", "'" SLUICE_REDACT_PATH "' - a.log < . > out 2> err; echo $? > rc\n");
  REQUIRE(std::system(("cd '" + s.dir.string() + "' && sh run.sh").c_str()) == 0);
  CHECK(s.read("rc") == "1\n");
  CHECK(s.read("out") == "a\n");
  CHECK(s.read("err") == "sluice-redact: cannot read -: Is a directory\n");
  CHECK(s.run("missing a.log") == 1);
  CHECK(s.read("out") == "a\n");
  CHECK(s.read("err") == "sluice-redact: cannot read missing: No such file or directory\n");
}

TEST_CASE("sluice-redact: -- ends the options, and --config without a FILE says so") {
  const Scratch s;
  s.write("-x.log", "password=hunter2\n");
  CHECK(s.run("-- -x.log") == 0);
  CHECK(s.read("out") == "password=[REDACTED]\n");
  CHECK(s.run("--stats -- -", "a\n") == 0);
  CHECK(s.read("out") == "a\n");
  CHECK(s.run("--config") == 2);
  CHECK(s.read("err") == "sluice-redact: --config needs a FILE\n");
}

TEST_CASE("sluice-redact: --config given twice applies both, in order") {
  const Scratch s;
  s.write("keys.conf", "key = employee_id\n");
  s.write("styles.conf", "style.key_value = mask\nno-key = session\n");
  const std::string in = "employee_id=E123 session=abc\n";
  CHECK(s.run("--config keys.conf --config styles.conf", in) == 0);
  CHECK(s.read("err").empty());
  CHECK(s.read("out") == "employee_id=*** session=abc\n");
}

TEST_CASE("sluice-redact: an hmac style without a key names the settings, exit 2") {
  const Scratch s;
  s.write("site.conf", "style.card = mask\nstyle.email = hmac\n");
  CHECK(s.run("--config site.conf", "a\n") == 2);
  CHECK(s.read("out").empty());
  CHECK(s.read("err") == "sluice-redact: style.email = hmac needs hmac-key or hmac-key-file\n");
  // The key may come from a later file.
  s.write("key.conf", "hmac-key = k\n");
  CHECK(s.run("--config site.conf --config key.conf", "bob@example.com\n") == 0);
  CHECK(s.read("out") == "hmac:73662dcee4acad8d@example.com\n");
}
