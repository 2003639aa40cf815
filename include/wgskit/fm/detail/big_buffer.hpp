// A zero-initialised array in its own anonymous memory mapping. Index construction allocates and frees buffers
// of hundreds of MB in sequence; through malloc, a freed one can stay resident (glibc raises its mmap threshold
// after each large free and serves the next from the heap), which would add up to the peak memory.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

#include <sys/mman.h>

namespace wgskit::fm::detail
{

template <typename T>
class big_buffer
{
    static_assert(std::is_trivially_copyable_v<T>);

public:
    big_buffer() = default;
    explicit big_buffer(std::size_t n) : size_{n}
    {
        if (n == 0)
            return;
        void * p = ::mmap(nullptr, bytes(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            throw std::bad_alloc{};
        data_ = static_cast<T *>(p);
    }
    big_buffer(big_buffer && o) noexcept : data_{std::exchange(o.data_, nullptr)}, size_{std::exchange(o.size_, 0)} {}
    big_buffer & operator=(big_buffer && o) noexcept
    {
        if (this != &o)
        {
            reset();
            data_ = std::exchange(o.data_, nullptr);
            size_ = std::exchange(o.size_, 0);
        }
        return *this;
    }
    big_buffer(big_buffer const &) = delete;
    big_buffer & operator=(big_buffer const &) = delete;
    ~big_buffer() { reset(); }

    //! Returns the memory to the system now.
    void reset() noexcept
    {
        if (data_ != nullptr)
            ::munmap(data_, bytes());
        data_ = nullptr;
        size_ = 0;
    }

    T * data() noexcept { return data_; }
    T const * data() const noexcept { return data_; }
    std::size_t size() const noexcept { return size_; }
    T & operator[](std::size_t i) noexcept { return data_[i]; }
    T const & operator[](std::size_t i) const noexcept { return data_[i]; }

private:
    std::size_t bytes() const noexcept { return size_ * sizeof(T); }

    T * data_ = nullptr;
    std::size_t size_ = 0;
};

} // namespace wgskit::fm::detail
