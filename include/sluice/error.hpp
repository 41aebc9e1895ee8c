#pragma once
// The error type thrown by configuration calls.

#include <stdexcept>
#include <string>

namespace sluice {

/// Thrown by configuration calls (bad pattern, unwritable file, bad options).
/// The logging hot path never throws; failures there go to the error handler
/// (see set_error_handler in runtime.hpp).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

}  // namespace sluice
