#pragma once
// STUB: replaced by the formatters work.
