// The FM-index block: FMD-index construction, exact search, locate, SMEM seeding, index files.
#pragma once

#include <wgskit/fm/fmd_index.hpp>
#include <wgskit/fm/smem.hpp>
