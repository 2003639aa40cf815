// Whole workflows composed from the blocks (wgskit::workflow).
#pragma once

#include <wgskit/workflow/progress.hpp>
#include <wgskit/workflow/state.hpp>
#include <wgskit/workflow/wgs.hpp>
