#pragma once
// A GEMM of our own, for measurement only (bench_gemm_backends_own): the
// candidate "fused layer kernel" of issue 16, kept so that its figures in
// docs/building.md can be reproduced. The library does not use it.
//
//   C (m x n) = [C +] A · B,  A m x K column-major (leading dimension lda),
//   B read as B(k, c) = b[k·bk + c·bc] (column-major, or a transpose, without copying).
//
// Every coefficient is one multiply-add chain over k = 0, 1, …, K−1, fused
// where the instruction set has FMA: the result does not depend on tiling,
// vector width or cache sizes (AVX2 and AVX-512 builds agree bit for bit).
// A register tile holds R packets of rows by NR columns and reads A and B
// where they lie, with no packing (Eigen packs both). Rows that do not fill a
// packet (a policy's 1–2 outputs) run as scalar chains, four columns at a time.
// With a bias, the tile is written and then biased and tanh'ed while it is in
// L1: the fused layer kernel (bias + activation in the GEMM's pass over C).

#include <Eigen/Core>

#include <algorithm>
#include <cmath>

namespace ac::bench {

using Index = Eigen::Index;

template <class S>
inline S multiply_add(S a, S b, S c) {
#if defined(EIGEN_VECTORIZE_FMA)
  return std::fma(a, b, c);
#else
  return a * b + c;
#endif
}

template <class S>
struct SequentialGemm {
  using Packet = typename Eigen::internal::packet_traits<S>::type;
  static constexpr int kPacket = Eigen::internal::unpacket_traits<Packet>::size;
#if defined(EIGEN_VECTORIZE_AVX512)
  static constexpr int kColumns4 = 6, kColumns2 = 12, kColumns1 = 16;  // 24, 24, 16 accumulators of 32 registers
#else
  static constexpr int kColumns4 = 3, kColumns2 = 6, kColumns1 = 8;  // 12, 12, 8 accumulators of 16 registers
#endif

  template <int R, int NR>
  static void tile(Index K, const S* a, Index lda, const S* b, Index bk, Index bc, S* c, Index ldc, bool accumulate) {
    namespace ei = Eigen::internal;
    Packet acc[R][NR];
    for (int j = 0; j < NR; ++j) {
      for (int r = 0; r < R; ++r) {
        acc[r][j] = accumulate ? ei::ploadu<Packet>(c + j * ldc + r * kPacket) : ei::pset1<Packet>(S(0));
      }
    }
    for (Index k = 0; k < K; ++k) {
      Packet column[R];
      for (int r = 0; r < R; ++r) column[r] = ei::ploadu<Packet>(a + k * lda + r * kPacket);
      const S* row = b + k * bk;
      for (int j = 0; j < NR; ++j) {
        const Packet value = ei::pset1<Packet>(row[j * bc]);
        for (int r = 0; r < R; ++r) acc[r][j] = ei::pmadd(column[r], value, acc[r][j]);
      }
    }
    for (int j = 0; j < NR; ++j) {
      for (int r = 0; r < R; ++r) ei::pstoreu(c + j * ldc + r * kPacket, acc[r][j]);
    }
  }

  /// Rows [0, R·kPacket) of C, every column; with a bias, each tile biased and tanh'ed once written.
  template <int R, int NR>
  static void rows(Index n, Index K, const S* a, Index lda, const S* b, Index bk, Index bc, S* c, Index ldc,
                   bool accumulate, const S* bias) {
    Index j = 0;
    for (; j < n; j += NR) {
      const Index width = std::min<Index>(NR, n - j);
      if (width == NR) {
        tile<R, NR>(K, a, lda, b + j * bc, bk, bc, c + j * ldc, ldc, accumulate);
      } else {
        for (Index jj = 0; jj < width; ++jj) {
          tile<R, 1>(K, a, lda, b + (j + jj) * bc, bk, bc, c + (j + jj) * ldc, ldc, accumulate);
        }
      }
      if (bias != nullptr) bias_tanh(R * kPacket, width, bias, c + j * ldc, ldc);
    }
  }

  static void bias_tanh(Index m, Index n, const S* bias, S* c, Index ldc) {
    using Map = Eigen::Map<Eigen::Array<S, Eigen::Dynamic, 1>>;
    const Eigen::Map<const Eigen::Array<S, Eigen::Dynamic, 1>> b(bias, m);
    for (Index j = 0; j < n; ++j) {
      Map column(c + j * ldc, m);
      column = (column + b).tanh();
    }
  }

  /// C = [C +] A · B; with `bias` (m values, not with `accumulate`), C = tanh(A · B + bias).
  static void run(Index m, Index n, Index K, const S* a, Index lda, const S* b, Index bk, Index bc, S* c, Index ldc,
                  bool accumulate, const S* bias = nullptr) {
    Index i = 0;
    for (; i + 4 * kPacket <= m; i += 4 * kPacket) {
      rows<4, kColumns4>(n, K, a + i, lda, b, bk, bc, c + i, ldc, accumulate, bias ? bias + i : nullptr);
    }
    if (i + 2 * kPacket <= m) {
      rows<2, kColumns2>(n, K, a + i, lda, b, bk, bc, c + i, ldc, accumulate, bias ? bias + i : nullptr);
      i += 2 * kPacket;
    }
    for (; i + kPacket <= m; i += kPacket) {
      rows<1, kColumns1>(n, K, a + i, lda, b, bk, bc, c + i, ldc, accumulate, bias ? bias + i : nullptr);
    }
    if (i == m) return;
    // The last m − i rows, scalar chains four columns at a time (independent chains for the pipeline).
    for (Index r = i; r < m; ++r) {
      Index j = 0;
      for (; j + 4 <= n; j += 4) {
        S s[4];
        for (int q = 0; q < 4; ++q) s[q] = accumulate ? c[r + (j + q) * ldc] : S(0);
        for (Index k = 0; k < K; ++k) {
          const S w = a[r + k * lda];
          for (int q = 0; q < 4; ++q) s[q] = multiply_add(w, b[k * bk + (j + q) * bc], s[q]);
        }
        for (int q = 0; q < 4; ++q) c[r + (j + q) * ldc] = s[q];
      }
      for (; j < n; ++j) {
        S s = accumulate ? c[r + j * ldc] : S(0);
        for (Index k = 0; k < K; ++k) s = multiply_add(a[r + k * lda], b[k * bk + j * bc], s);
        c[r + j * ldc] = s;
      }
    }
    if (bias != nullptr) bias_tanh(m - i, n, bias + i, c + i, ldc);
  }
};

}  // namespace ac::bench
