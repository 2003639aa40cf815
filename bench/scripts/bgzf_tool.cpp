// A minimal bgzip-like command over wgskit::codec::bgzf, for whole-command timings beside bgzip
// (bgzf_vs_bgzip.sh builds it; it is not part of the CMake build).
//   bgzf_tool -c LEVEL THREADS IN OUT     compress IN to OUT (BGZF)
//   bgzf_tool -d THREADS IN OUT           decompress IN to OUT
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include <wgskit/codec/bgzf/all.hpp>

int main(int argc, char ** argv)
{
    namespace bgzf = wgskit::codec::bgzf;
    try
    {
        std::string const mode = argc > 1 ? argv[1] : "";
        std::string buf(1 << 20, '\0');
        if (mode == "-c" && argc == 6)
        {
            std::FILE * in = std::fopen(argv[4], "rb");
            if (!in)
                throw std::runtime_error{std::string{"cannot open "} + argv[4]};
            bgzf::writer w{argv[5], {std::atoi(argv[2]), static_cast<std::size_t>(std::atoi(argv[3]))}};
            while (std::size_t n = std::fread(buf.data(), 1, buf.size(), in))
                w.write({buf.data(), n});
            std::fclose(in);
            w.close();
            return 0;
        }
        if (mode == "-d" && argc == 5)
        {
            bgzf::reader r{argv[3], {static_cast<std::size_t>(std::atoi(argv[2]))}};
            std::FILE * out = std::fopen(argv[4], "wb");
            if (!out)
                throw std::runtime_error{std::string{"cannot create "} + argv[4]};
            while (std::size_t n = r.read(buf.data(), buf.size()))
                std::fwrite(buf.data(), 1, n, out);
            return std::fclose(out) == 0 ? 0 : 1;
        }
        std::fprintf(stderr, "usage: bgzf_tool -c LEVEL THREADS IN OUT | -d THREADS IN OUT\n");
        return 2;
    }
    catch (std::exception const & e)
    {
        std::fprintf(stderr, "bgzf_tool: %s\n", e.what());
        return 1;
    }
}
