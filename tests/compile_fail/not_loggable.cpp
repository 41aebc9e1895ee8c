// A user type is loggable only after opting in with sluice::copy_loggable
// (and it needs an fmt::formatter); otherwise sluice's static_assert fires.
// expect-error: sluice: this type is not loggable
#include <sluice/sluice.hpp>

#include <type_traits>

struct OrderId {
  int value;
};

#ifdef SLUICE_FIXED
template <>
struct fmt::formatter<OrderId> : fmt::formatter<int> {
  auto format(const OrderId& id, fmt::format_context& ctx) const {
    return fmt::formatter<int>::format(id.value, ctx);
  }
};
template <>
struct sluice::copy_loggable<OrderId> : std::true_type {};
#endif

void log_order(const sluice::Logger& log) { SLUICE_INFO(log, "order {}", OrderId{7}); }
