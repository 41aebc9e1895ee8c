#pragma once
// Small helpers shared by the bench programs: CPU pinning, TSC calibration,
// percentiles, command-line flags and file checks. Not part of sluice.

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#if !defined(__x86_64__)
#error "the sluice benchmarks time with rdtsc and need x86-64"
#endif
#include <x86intrin.h>

namespace sluice_bench {

/// Pins the calling thread to `cpu`; warns (once per call) and goes on if the
/// CPU does not exist or pinning is not allowed.
inline bool pin_this_thread(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
    std::fprintf(stderr, "warning: could not pin a thread to CPU %d\n", cpu);
    return false;
  }
  return true;
}

/// Nanoseconds per TSC tick, measured against steady_clock over `span`.
/// The TSC is invariant on every machine these benchmarks are meant for; the
/// steady_clock reads are bracketed by TSC reads so that a preemption between
/// them shows up as a wide bracket and the sample is retried.
inline double calibrate_ns_per_tick(std::chrono::milliseconds span = std::chrono::milliseconds{200}) {
  const auto sample = [](std::uint64_t& ticks, std::chrono::steady_clock::time_point& t) {
    std::uint64_t best = ~std::uint64_t{0};
    for (int i = 0; i < 10; ++i) {
      const std::uint64_t before = __rdtsc();
      const auto now = std::chrono::steady_clock::now();
      const std::uint64_t after = __rdtsc();
      if (after - before < best) {
        best = after - before;
        ticks = before + (after - before) / 2;
        t = now;
      }
    }
  };
  std::uint64_t t0 = 0, t1 = 0;
  std::chrono::steady_clock::time_point c0, c1;
  sample(t0, c0);
  std::this_thread::sleep_for(span);
  sample(t1, c1);
  const double ns = std::chrono::duration<double, std::nano>(c1 - c0).count();
  return ns / static_cast<double>(t1 - t0);
}

/// Nearest-rank percentile (q in [0, 1]) of an already sorted sample.
inline double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return 0.0;
  const double rank = std::ceil(q * static_cast<double>(sorted.size()));
  const std::size_t index = rank < 1.0 ? 0 : static_cast<std::size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

/// `--name value` and `--name=value` flags. Unknown flags are an error, so
/// that a typo does not silently run the default (and take minutes).
class Flags {
 public:
  Flags(int argc, char** argv, std::map<std::string, std::string> defaults, std::string usage)
      : values_(std::move(defaults)), usage_(std::move(usage)) {
    for (int i = 1; i < argc; ++i) {
      std::string_view arg = argv[i];
      if (arg == "-h" || arg == "--help") {
        std::printf("%s", usage_.c_str());
        std::exit(0);
      }
      if (arg.substr(0, 2) != "--") fail("unexpected argument: " + std::string(arg));
      arg.remove_prefix(2);
      std::string name, value;
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        name = arg.substr(0, eq);
        value = arg.substr(eq + 1);
      } else {
        name = arg;
        if (i + 1 >= argc) fail("--" + name + " needs a value");
        value = argv[++i];
      }
      if (values_.find(name) == values_.end()) fail("unknown flag --" + name);
      values_[name] = value;
    }
  }

  const std::string& str(const std::string& name) const { return values_.at(name); }
  long long integer(const std::string& name) const {
    const std::string& v = values_.at(name);
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end != '\0' || n < 0) fail("--" + name + " wants a non-negative integer");
    return n;
  }
  /// A comma-separated list; each item must be one of `allowed`.
  std::vector<std::string> list(const std::string& name,
                                const std::vector<std::string>& allowed) const {
    std::vector<std::string> items;
    std::string_view rest = values_.at(name);
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      std::string item(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (item.empty()) continue;
      if (std::find(allowed.begin(), allowed.end(), item) == allowed.end()) {
        fail("--" + name + ": unknown item '" + item + "'");
      }
      items.push_back(std::move(item));
    }
    return items;
  }

  [[noreturn]] void fail(const std::string& message) const {
    std::fprintf(stderr, "error: %s\n\n%s", message.c_str(), usage_.c_str());
    std::exit(2);
  }

 private:
  std::map<std::string, std::string> values_;
  std::string usage_;
};

/// How busy the machine's other processes kept its CPUs over an interval:
/// the CPU time of everything (/proc/stat) minus this process's own
/// (/proc/self/stat), as a fraction of all CPUs' time. The benchmarks print
/// it, because on a shared machine a figure means little without it.
class ForeignLoad {
 public:
  ForeignLoad() { sample(total_, self_, wall_); }
  /// Fraction (0..1) of all CPUs' time used by other processes since
  /// construction or the last call; negative if /proc cannot be read.
  double take() {
    std::uint64_t total = 0, self = 0;
    std::chrono::steady_clock::time_point wall;
    if (!sample(total, self, wall) || total_ == 0) return -1.0;
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double cpus = static_cast<double>(std::max(1u, std::thread::hardware_concurrency()));
    const double seconds = std::chrono::duration<double>(wall - wall_).count();
    const double foreign =
        static_cast<double>((total - total_) - std::min(total - total_, self - self_)) / ticks;
    total_ = total;
    self_ = self;
    wall_ = wall;
    return seconds > 0 ? std::clamp(foreign / (seconds * cpus), 0.0, 1.0) : -1.0;
  }

 private:
  static bool sample(std::uint64_t& total, std::uint64_t& self,
                     std::chrono::steady_clock::time_point& wall) {
    wall = std::chrono::steady_clock::now();
    std::ifstream stat("/proc/stat");
    std::string cpu;
    std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                  steal = 0;
    if (!(stat >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal)) {
      return false;
    }
    total = user + nice + system + irq + softirq + steal;
    std::ifstream me("/proc/self/stat");
    std::string line;
    if (!std::getline(me, line)) return false;
    // Fields after the command name (which may hold spaces) in parentheses;
    // utime and stime are fields 14 and 15.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string field;
    std::uint64_t utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
      if (i == 14) utime = std::stoull(field);
      if (i == 15) stime = std::stoull(field);
    }
    self = utime + stime;
    return true;
  }

  std::uint64_t total_ = 0;
  std::uint64_t self_ = 0;
  std::chrono::steady_clock::time_point wall_;
};

/// `dir/stem.<pid>.log`: two benchmark processes (say, someone's smoke run
/// and a measurement) must never append to the same file.
inline std::string log_path(const std::string& dir, const std::string& stem) {
  return dir + "/" + stem + "." + std::to_string(::getpid()) + ".log";
}

/// Newlines in a file and its size in bytes.
struct FileCount {
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
};

inline FileCount count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  FileCount count;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    count.bytes += n;
    count.lines += static_cast<std::uint64_t>(std::count(buffer.data(), buffer.data() + n, '\n'));
  }
  return count;
}

}  // namespace sluice_bench
