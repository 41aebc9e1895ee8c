#pragma once
// Named structured fields: sluice::kv<"user_id">(42).
//
// The key is a template argument so that it lives in the call site's static
// metadata: a record carries only the value, never the key's bytes.

#include <cstddef>
#include <string_view>
#include <type_traits>

namespace sluice {

/// A compile-time string usable as a template argument ("user_id").
template <std::size_t N>
struct FieldName {
  char chars[N]{};
  constexpr FieldName(const char (&text)[N]) noexcept {  // NOLINT: implicit by design
    for (std::size_t i = 0; i < N; ++i) chars[i] = text[i];
  }
  constexpr std::string_view view() const noexcept { return {chars, N - 1}; }
};

/// A field as passed to a log macro. Scalars are held by value; anything else
/// by reference, which is safe because the macro encodes it before the end of
/// the full expression. Do not store a Field.
template <FieldName Name, class T>
struct Field {
  // An empty name is what marks a message argument (ArgInfo::field_name, and
  // the binary log's call-site definition): a field named "" would be taken
  // for one, and its record would not format.
  static_assert(Name.view().size() != 0, "sluice: a field needs a non-empty name");
  using value_type = T;
  static constexpr std::string_view name = Name.view();
  std::conditional_t<std::is_scalar_v<T>, T, const T&> value;
};

/// kv<"user_id">(42): a structured field. Formatters emit it as a JSON key or
/// as `user_id=42`; it does not take part in the message's placeholders.
template <FieldName Name, class T>
constexpr Field<Name, T> kv(const T& value) noexcept {
  return Field<Name, T>{value};
}

}  // namespace sluice
