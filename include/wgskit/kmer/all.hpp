// k-mer counting: canonical k-mers, minimizers, the counter, its database, the genome profile.
#pragma once

#include <wgskit/kmer/counter.hpp>
#include <wgskit/kmer/database.hpp>
#include <wgskit/kmer/kmer.hpp>
#include <wgskit/kmer/minimizer.hpp>
#include <wgskit/kmer/profile.hpp>
