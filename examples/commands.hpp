// The wgskit subcommands. Each cmd_*.cpp defines one register_* function that adds its subcommand to the app
// and sets the callback that runs it; all real work is done by library calls.
#pragma once

#include <CLI/CLI.hpp>

namespace wgskit::cli
{

void register_call(CLI::App & app);
void register_compress(CLI::App & app);
void register_count(CLI::App & app);
void register_crypt(CLI::App & app); // keygen, encrypt, decrypt
void register_decompress(CLI::App & app);
void register_faidx(CLI::App & app);
void register_index(CLI::App & app);
void register_map(CLI::App & app);
void register_sort(CLI::App & app);
void register_stats(CLI::App & app);
void register_wgs(CLI::App & app);

} // namespace wgskit::cli
