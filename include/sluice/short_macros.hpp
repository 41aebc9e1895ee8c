#pragma once
// Opt-in short macro names: LOG_INFO(logger, ...) for SLUICE_INFO(logger, ...).
// Not included by sluice.hpp, because LOG_* names collide with other libraries.

#include "sluice/log.hpp"

#define LOG_TRACE(...) SLUICE_TRACE(__VA_ARGS__)
#define LOG_DEBUG(...) SLUICE_DEBUG(__VA_ARGS__)
#define LOG_INFO(...) SLUICE_INFO(__VA_ARGS__)
#define LOG_WARNING(...) SLUICE_WARNING(__VA_ARGS__)
#define LOG_ERROR(...) SLUICE_ERROR(__VA_ARGS__)
#define LOG_CRITICAL(...) SLUICE_CRITICAL(__VA_ARGS__)
