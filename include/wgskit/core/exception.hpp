// The exceptions wgskit throws at its public boundary. Kernels never throw; the wrappers validate first.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wgskit
{

//! A precondition of a public function was violated by its caller.
class invalid_argument : public std::invalid_argument
{
public:
    using std::invalid_argument::invalid_argument;
};

//! An operating-system level failure (open, read, write, rename), with the file it concerns.
class io_error : public std::runtime_error
{
public:
    io_error(std::string_view file, std::string_view reason) :
        std::runtime_error{std::string{file} + ": " + std::string{reason}}
    {}
};

//! Input that does not follow its format. The message names the file, the record (1-based; 0 when the
//! problem is not tied to one record, e.g. a bad header or a truncated compressed stream) and the reason.
class parse_error : public std::runtime_error
{
public:
    parse_error(std::string_view file, std::uint64_t record, std::string_view reason) :
        std::runtime_error{format(file, record, reason)},
        file_{file},
        record_{record},
        reason_{reason}
    {}

    std::string const & file() const noexcept { return file_; }
    std::uint64_t record() const noexcept { return record_; }
    std::string const & reason() const noexcept { return reason_; }

private:
    static std::string format(std::string_view file, std::uint64_t record, std::string_view reason)
    {
        std::string msg{file};
        if (record != 0)
            msg += ": record " + std::to_string(record);
        msg += ": ";
        msg += reason;
        return msg;
    }

    std::string file_;
    std::uint64_t record_;
    std::string reason_;
};

//! A SIMD architecture was requested (WGSKIT_SIMD) that is not compiled in or that this CPU lacks.
class unsupported_architecture : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace wgskit
