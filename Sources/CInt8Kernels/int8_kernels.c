// int8 × int16 matrix products with AVX2 or AVX-512 VNNI, chosen at run time.
//
// Why C: Swift on Linux compiles for baseline x86-64, and per-function target attributes are
// not available to it, so its kernels can use only SSE2's 128-bit pmaddwd. Here each kernel
// carries its own target attribute and the caller picks one after purr_int8_detect(), so the
// binary still runs on any x86-64.
//
// Shape of the work: a decode step multiplies each weight row by a handful of activation
// vectors (one per stream). A tile of R weight rows × B inputs keeps R·B accumulators in
// registers; each 32 weights are loaded and widened once and used B times, each activation
// chunk is loaded once and used R times.

#include "int8_kernels.h"

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

static uint64_t read_xcr0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

purr_int8_isa purr_int8_detect(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return PURR_INT8_NONE;
    const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx) return PURR_INT8_NONE;
    const uint64_t xcr0 = read_xcr0();
    if ((xcr0 & 0x6) != 0x6) return PURR_INT8_NONE; // the OS saves XMM and YMM state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return PURR_INT8_NONE;
    const int avx2 = (b >> 5) & 1, avx512f = (b >> 16) & 1, avx512bw = (b >> 30) & 1;
    const int avx512vl = (b >> 31) & 1, vnni = (c >> 11) & 1;
    // opmask, upper ZMM halves and ZMM16-31 state saved as well
    if (avx512f && avx512bw && avx512vl && vnni && (xcr0 & 0xE6) == 0xE6) return PURR_INT8_AVX512VNNI;
    if (avx2) return PURR_INT8_AVX2;
    return PURR_INT8_NONE;
}

#define ALWAYS_INLINE static inline __attribute__((always_inline))
#define AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni")))
#define AVX2 __attribute__((target("avx2,fma")))
#define MAX_R 4
#define MAX_B 8

// MARK: AVX-512 VNNI

// Four 128-bit vectors of int32 → their four horizontal sums.
AVX512 ALWAYS_INLINE __m128i hsum4_128(__m128i a, __m128i b, __m128i c, __m128i d) {
    return _mm_hadd_epi32(_mm_hadd_epi32(a, b), _mm_hadd_epi32(c, d));
}

AVX512 ALWAYS_INLINE __m128i fold512(__m512i v) {
    __m256i h = _mm256_add_epi32(_mm512_castsi512_si256(v), _mm512_extracti64x4_epi64(v, 1));
    return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

// One tile: rows w[0..R) (each `wstride` bytes apart) × inputs x[0..B) (xpitch apart).
AVX512 ALWAYS_INLINE void tile512(const int R, const int B,
                                   const uint8_t *w, size_t wstride, const float *wscale,
                                   const int16_t *x, size_t xpitch, const float *xscale,
                                   const int32_t *xsums, size_t sumpitch, size_t block_cols,
                                   float *y, size_t ldy, int accumulate) {
    float total[MAX_R][MAX_B] = {{0}};
    for (size_t begin = 0, k = 0; begin < wstride; begin += block_cols, k++) {
        const size_t end = begin + block_cols < wstride ? begin + block_cols : wstride;
        __m512i acc[MAX_R][MAX_B];
        for (int r = 0; r < R; r++)
            for (int b = 0; b < B; b++) acc[r][b] = _mm512_setzero_si512();
        size_t col = begin;
        for (; col + 32 <= end; col += 32) {
            __m512i wv[MAX_R];
            for (int r = 0; r < R; r++)
                wv[r] = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(w + r * wstride + col)));
            for (int b = 0; b < B; b++) {
                const __m512i xv = _mm512_loadu_si512((const void *)(x + b * xpitch + col));
                for (int r = 0; r < R; r++) acc[r][b] = _mm512_dpwssd_epi32(acc[r][b], wv[r], xv);
            }
        }
        if (col < end) { // 16 columns left (strides are multiples of 16)
            __m512i wv[MAX_R];
            for (int r = 0; r < R; r++)
                wv[r] = _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(0xFFFF, w + r * wstride + col));
            for (int b = 0; b < B; b++) {
                const __m512i xv = _mm512_maskz_loadu_epi16(0xFFFF, x + b * xpitch + col);
                for (int r = 0; r < R; r++) acc[r][b] = _mm512_dpwssd_epi32(acc[r][b], wv[r], xv);
            }
        }
        for (int r = 0; r < R; r++) {
            int32_t dots[MAX_B + 3];
            for (int b = 0; b < B; b += 4) {
                __m128i s[4];
                for (int i = 0; i < 4; i++) s[i] = b + i < B ? fold512(acc[r][b + i]) : _mm_setzero_si128();
                _mm_storeu_si128((__m128i *)(dots + b), hsum4_128(s[0], s[1], s[2], s[3]));
            }
            for (int b = 0; b < B; b++) {
                const int32_t unbiased = (int32_t)((uint32_t)dots[b] - 128u * (uint32_t)xsums[b * sumpitch + k]);
                total[r][b] += (float)unbiased;
            }
        }
    }
    for (int r = 0; r < R; r++)
        for (int b = 0; b < B; b++) {
            const float v = total[r][b] * wscale[r] * xscale[b];
            float *p = y + b * ldy + r;
            *p = accumulate ? *p + v : v;
        }
}

#define TILE512(R, B) tile512(R, B, w, wstride, wscale, x, xpitch, xscale, xsums, sumpitch, block_cols, y, ldy, accumulate)

AVX512 static void tile512_dispatch(int R, int B, const uint8_t *w, size_t wstride, const float *wscale,
                                    const int16_t *x, size_t xpitch, const float *xscale,
                                    const int32_t *xsums, size_t sumpitch, size_t block_cols,
                                    float *y, size_t ldy, int accumulate) {
    switch (R * 16 + B) {
    case 4 * 16 + 1: TILE512(4, 1); break;
    case 2 * 16 + 1: TILE512(2, 1); break;
    case 2 * 16 + 2: TILE512(2, 2); break;
    case 2 * 16 + 3: TILE512(2, 3); break;
    case 2 * 16 + 4: TILE512(2, 4); break;
    case 2 * 16 + 5: TILE512(2, 5); break;
    case 2 * 16 + 6: TILE512(2, 6); break;
    case 2 * 16 + 7: TILE512(2, 7); break;
    case 2 * 16 + 8: TILE512(2, 8); break;
    case 1 * 16 + 1: TILE512(1, 1); break;
    case 1 * 16 + 2: TILE512(1, 2); break;
    case 1 * 16 + 3: TILE512(1, 3); break;
    case 1 * 16 + 4: TILE512(1, 4); break;
    case 1 * 16 + 5: TILE512(1, 5); break;
    case 1 * 16 + 6: TILE512(1, 6); break;
    case 1 * 16 + 7: TILE512(1, 7); break;
    case 1 * 16 + 8: TILE512(1, 8); break;
    default: break;
    }
}

// MARK: AVX2

AVX2 ALWAYS_INLINE __m128i fold256(__m256i v) {
    return _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
}

AVX2 ALWAYS_INLINE void tile256(const int R, const int B,
                                 const uint8_t *w, size_t wstride, const float *wscale,
                                 const int16_t *x, size_t xpitch, const float *xscale,
                                 const int32_t *xsums, size_t sumpitch, size_t block_cols,
                                 float *y, size_t ldy, int accumulate) {
    float total[MAX_R][MAX_B] = {{0}};
    for (size_t begin = 0, k = 0; begin < wstride; begin += block_cols, k++) {
        const size_t end = begin + block_cols < wstride ? begin + block_cols : wstride;
        __m256i acc[MAX_R][MAX_B];
        for (int r = 0; r < R; r++)
            for (int b = 0; b < B; b++) acc[r][b] = _mm256_setzero_si256();
        for (size_t col = begin; col < end; col += 16) {
            __m256i wv[MAX_R];
            for (int r = 0; r < R; r++)
                wv[r] = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(w + r * wstride + col)));
            for (int b = 0; b < B; b++) {
                const __m256i xv = _mm256_loadu_si256((const __m256i *)(x + b * xpitch + col));
                for (int r = 0; r < R; r++) acc[r][b] = _mm256_add_epi32(acc[r][b], _mm256_madd_epi16(wv[r], xv));
            }
        }
        for (int r = 0; r < R; r++) {
            int32_t dots[MAX_B + 3];
            for (int b = 0; b < B; b += 4) {
                __m128i s[4];
                for (int i = 0; i < 4; i++) s[i] = b + i < B ? fold256(acc[r][b + i]) : _mm_setzero_si128();
                _mm_storeu_si128((__m128i *)(dots + b),
                                 _mm_hadd_epi32(_mm_hadd_epi32(s[0], s[1]), _mm_hadd_epi32(s[2], s[3])));
            }
            for (int b = 0; b < B; b++) {
                const int32_t unbiased = (int32_t)((uint32_t)dots[b] - 128u * (uint32_t)xsums[b * sumpitch + k]);
                total[r][b] += (float)unbiased;
            }
        }
    }
    for (int r = 0; r < R; r++)
        for (int b = 0; b < B; b++) {
            const float v = total[r][b] * wscale[r] * xscale[b];
            float *p = y + b * ldy + r;
            *p = accumulate ? *p + v : v;
        }
}

#define TILE256(R, B) tile256(R, B, w, wstride, wscale, x, xpitch, xscale, xsums, sumpitch, block_cols, y, ldy, accumulate)

AVX2 static void tile256_dispatch(int R, int B, const uint8_t *w, size_t wstride, const float *wscale,
                                  const int16_t *x, size_t xpitch, const float *xscale,
                                  const int32_t *xsums, size_t sumpitch, size_t block_cols,
                                  float *y, size_t ldy, int accumulate) {
    // 16 YMM registers: R·B accumulators plus R widened weight vectors and one input.
    switch (R * 16 + B) {
    case 4 * 16 + 1: TILE256(4, 1); break;
    case 1 * 16 + 1: TILE256(1, 1); break;
    case 1 * 16 + 2: TILE256(1, 2); break;
    case 1 * 16 + 3: TILE256(1, 3); break;
    case 1 * 16 + 4: TILE256(1, 4); break;
    case 1 * 16 + 5: TILE256(1, 5); break;
    case 1 * 16 + 6: TILE256(1, 6); break;
    case 1 * 16 + 7: TILE256(1, 7); break;
    case 1 * 16 + 8: TILE256(1, 8); break;
    default: break;
    }
}

void purr_int8_matmul(purr_int8_isa isa,
                      const uint8_t *w, size_t wstride, const float *wscale,
                      const int16_t *x, size_t xpitch, const float *xscale,
                      const int32_t *xsums, size_t sumpitch, size_t block_cols,
                      size_t batch, size_t row_begin, size_t row_end,
                      float *y, size_t ldy, int accumulate) {
    if (isa == PURR_INT8_NONE || row_begin >= row_end || batch == 0) return;
    // One input: four rows share each activation load. Several: AVX-512 takes two rows at a
    // time (16 accumulators of its 32 registers), AVX2 one.
    const size_t rows_per_tile = batch == 1 ? 4 : (isa == PURR_INT8_AVX512VNNI ? 2 : 1);
    size_t r = row_begin;
    while (r < row_end) {
        const size_t left = row_end - r;
        const int R = left >= rows_per_tile ? (int)rows_per_tile : 1;
        for (size_t b = 0; b < batch; b += MAX_B) {
            const int B = batch - b < MAX_B ? (int)(batch - b) : MAX_B;
            const uint8_t *wr = w + r * wstride;
            const int16_t *xb = x + b * xpitch;
            float *yb = y + b * ldy + r;
            if (isa == PURR_INT8_AVX512VNNI)
                tile512_dispatch(R, B, wr, wstride, wscale + r, xb, xpitch, xscale + b, xsums + b * sumpitch, sumpitch,
                                 block_cols, yb, ldy, accumulate);
            else
                tile256_dispatch(R, B, wr, wstride, wscale + r, xb, xpitch, xscale + b, xsums + b * sumpitch, sumpitch,
                                 block_cols, yb, ldy, accumulate);
        }
        r += (size_t)R;
    }
}

#else

purr_int8_isa purr_int8_detect(void) { return PURR_INT8_NONE; }

void purr_int8_matmul(purr_int8_isa isa, const uint8_t *w, size_t wstride, const float *wscale,
                      const int16_t *x, size_t xpitch, const float *xscale,
                      const int32_t *xsums, size_t sumpitch, size_t block_cols,
                      size_t batch, size_t row_begin, size_t row_end,
                      float *y, size_t ldy, int accumulate) {
    (void)isa; (void)w; (void)wstride; (void)wscale; (void)x; (void)xpitch; (void)xscale; (void)xsums;
    (void)sumpitch; (void)block_cols; (void)batch; (void)row_begin; (void)row_end; (void)y; (void)ldy; (void)accumulate;
}

#endif
