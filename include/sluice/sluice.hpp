#pragma once
// Everything a program needs to log; sinks have their own headers in sinks/.

#include "sluice/error.hpp"
#include "sluice/formatter.hpp"
#include "sluice/kv.hpp"
#include "sluice/level.hpp"
#include "sluice/log.hpp"
#include "sluice/logger.hpp"
#include "sluice/record.hpp"
#include "sluice/runtime.hpp"
#include "sluice/sink.hpp"
