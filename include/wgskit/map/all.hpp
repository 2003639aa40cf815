// The paired-end short-read mapper (wgskit::map).
#pragma once

#include <wgskit/map/alignment.hpp>
#include <wgskit/map/bam_output.hpp>
#include <wgskit/map/mapper.hpp>
