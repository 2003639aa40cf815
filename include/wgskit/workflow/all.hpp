// Whole workflows composed from the blocks (wgskit::workflow).
#pragma once

#include <wgskit/workflow/wgs.hpp>
