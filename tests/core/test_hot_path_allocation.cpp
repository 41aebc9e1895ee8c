// A log call allocates nothing once its thread has a queue: every operator
// new of this program is counted while the calls run. So does the escaping a
// user's formatter reads, once its buffers are warm. A binary of its own,
// since it replaces the global allocation functions.

#include <catch2/catch.hpp>
#include <sluice/formatter.hpp>

#include <cstddef>
#include <cstdlib>
#include <new>
#include <string>
#include <string_view>

#include "capture_fixture.hpp"
#include "record_fixture.hpp"
#include "user_types.hpp"

namespace {

thread_local bool counting = false;
thread_local std::size_t allocations = 0;

void* allocate(std::size_t size, std::size_t alignment) {
  if (counting) ++allocations;
  if (size == 0) size = 1;
  void* p = alignment <= alignof(std::max_align_t)
                ? std::malloc(size)
                : std::aligned_alloc(alignment, (size + alignment - 1) / alignment * alignment);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t size) { return allocate(size, alignof(std::max_align_t)); }
void* operator new[](std::size_t size) { return allocate(size, alignof(std::max_align_t)); }
void* operator new(std::size_t size, std::align_val_t alignment) {
  return allocate(size, static_cast<std::size_t>(alignment));
}
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return allocate(size, static_cast<std::size_t>(alignment));
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

TEST_CASE("a log call allocates nothing once its thread has a queue") {
  sluice::testing::CaptureFixture fx;
  sluice::Logger& log = sluice::get_logger("alloc");
  SLUICE_INFO(log, "first call creates the queue");
  const std::string owned(100, 's');  // too long for the small-string buffer
  const std::string_view view = owned;
  const char* c_string = "c string";
  int target = 5;

  counting = true;
  for (int i = 0; i < 1000; ++i) {
    SLUICE_INFO(log, "ints {} {} double {}", i, -i, i * 0.5);
    SLUICE_WARNING(log, "strings {} {} {} {}", owned, view, c_string, "literal");
    SLUICE_ERROR(log, "pointer {} bool {} char {}", static_cast<const void*>(&target), true, 'x');
    SLUICE_INFO(log, "user {} shade {}", sluice::testing::Point{i, -i},
                sluice::testing::Shade::light);
    SLUICE_INFO(log, "fields", sluice::kv<"user_id">(i), sluice::kv<"name">(owned));
  }
  counting = false;
  const std::size_t counted = allocations;

  sluice::flush();
  CHECK(counted == 0);
  REQUIRE(fx.capture->size() == 1 + 5 * 1000);
  CHECK(fx.capture->records().back().message == "fields");
}

namespace {

// A formatter of the user's own that reads every argument's and field's
// escaped text.
class ArgsAndFieldsFormatter final : public sluice::Formatter {
 public:
  void format(const sluice::RecordView& record, std::string& out) const override {
    for (std::size_t i = 0; i < record.arg_count(); ++i) {
      out += record.arg(i).text;
      out += '|';
    }
    for (std::size_t i = 0; i < record.field_count(); ++i) {
      out += record.field(i).name;
      out += '=';
      out += record.field(i).value.text;
      out += '|';
    }
  }
};

constexpr sluice::detail::SourceLocation kEscapeSite{"user {} said {}", "src/app/chat.cpp", "say",
                                                     7, sluice::Level::info};

}  // namespace

TEST_CASE("escaping a record's arguments for a user's formatter allocates nothing once warm") {
  // The escapes' bookkeeping was a vector of the call's own: one allocation
  // per record with an argument or field to escape.
  const ArgsAndFieldsFormatter formatter;
  sluice::testing::RecordFixture record;
  const auto build = [&record] {
    return &record.build<kEscapeSite>(sluice::testing::RecordMeta{}, "bob", "hi\x1b[2J",
                                      sluice::kv<"note">("a\x07"
                                                         "b"));
  };
  CHECK(build()->formatted(formatter) == "bob|hi\\x1b[2J|note=a\\x07b|");  // warms the buffers

  const sluice::RecordView* view = build();
  const std::size_t before = allocations;
  counting = true;
  const std::string_view text = view->formatted(formatter);
  counting = false;
  CHECK(allocations - before == 0);
  CHECK(text == "bob|hi\\x1b[2J|note=a\\x07b|");
}
