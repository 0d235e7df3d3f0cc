#pragma once
// Eigen's cache sizes, as its GEMM blocking sees them, set for one scope: the
// reproducibility tests run the same computation as if on CPUs with other caches.

#include <Eigen/Core>

#include <cstddef>

namespace ac::test {

class CacheSizes {
 public:
  CacheSizes(std::ptrdiff_t l1, std::ptrdiff_t l2, std::ptrdiff_t l3)
      : l1_(Eigen::l1CacheSize()), l2_(Eigen::l2CacheSize()), l3_(Eigen::l3CacheSize()) {
    Eigen::setCpuCacheSizes(l1, l2, l3);
  }
  ~CacheSizes() { Eigen::setCpuCacheSizes(l1_, l2_, l3_); }
  CacheSizes(const CacheSizes&) = delete;
  CacheSizes& operator=(const CacheSizes&) = delete;

 private:
  std::ptrdiff_t l1_, l2_, l3_;
};

}  // namespace ac::test
