#pragma once
// Counts heap allocations, for programs that check or measure that a loop
// allocates nothing (tests/allocations, benchmarks/bench_ppo): malloc and its
// siblings forward to glibc's own, counting each call (glibc manual,
// "Replacing malloc": the four are replaced together), and operator new and
// delete go through them, as Eigen's aligned allocator does. This header
// defines those functions: include it in one translation unit of a program of
// its own.

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace ac::test {
/// Every malloc, calloc and realloc of the program so far.
inline std::atomic<long> heap_allocations{0};
}  // namespace ac::test

// The replacements pair operator new with malloc and operator delete with
// free, which is correct; GCC's -Wmismatched-new-delete cannot see through
// the replacement and flags every inlined delete.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
void* malloc(std::size_t size) {
  ac::test::heap_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
  ac::test::heap_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(count, size);
}
void* realloc(void* p, std::size_t size) {
  ac::test::heap_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, size);
}
void free(void* p) { __libc_free(p); }
}

void* operator new(std::size_t size) {
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;  // counted by malloc
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
