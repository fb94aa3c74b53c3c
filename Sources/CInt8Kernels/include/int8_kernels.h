#ifndef PURR_INT8_KERNELS_H
#define PURR_INT8_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Which vector kernel this processor and operating system can run.
typedef enum {
    PURR_INT8_NONE = 0,       ///< no AVX2: the caller keeps its portable kernel
    PURR_INT8_AVX2 = 1,       ///< vpmaddwd on 256-bit registers
    PURR_INT8_AVX512VNNI = 2, ///< vpdpwssd on 512-bit registers (AVX-512 BW + VNNI)
} purr_int8_isa;

/// The best kernel available here: checks CPUID and that the OS saves the wide registers.
purr_int8_isa purr_int8_detect(void);

/// y[b·ldy + r] (+)= wscale[r] · xscale[b] · Σ_c (w[r·wstride + c] − 128) · x[b·xpitch + c]
/// for inputs b in [0, batch) and output rows r in [row_begin, row_end).
///
/// w: biased int8 weights (q + 128), rows `wstride` bytes apart (a multiple of 16, zero weight
/// = 128 in the padding). x: int16 activations in natural order, rows `xpitch` elements apart,
/// padded with zeros to `wstride`. xsums[b·sumpitch + k]: Σ x over block k of `block_cols`
/// columns, so the bias comes out as 128·Σx. Each block's biased sum is formed in wrapping
/// int32 (its true value fits) and added to a float total, as the portable kernel does, so
/// both give bit-identical results.
void purr_int8_matmul(purr_int8_isa isa,
                      const uint8_t *w, size_t wstride, const float *wscale,
                      const int16_t *x, size_t xpitch, const float *xscale,
                      const int32_t *xsums, size_t sumpitch, size_t block_cols,
                      size_t batch, size_t row_begin, size_t row_end,
                      float *y, size_t ldy, int accumulate);

#endif
