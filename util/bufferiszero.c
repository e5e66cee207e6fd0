/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Zero-buffer detection with SSE2/AVX2 vector code chosen at run time. */
#include "qemu/osdep.h"
#include "qemu/bufferiszero.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define BUFZERO_X86 1
#endif

typedef bool BufferIsZeroFn(const void *buf, size_t len);

static inline uint64_t load_u64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

/* Portable: 8 bytes at a time, overlapping loads for the ragged ends. */
static bool buffer_zero_scalar(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    const uint8_t *end = p + len;
    uint64_t acc;

    if (len < 8) {
        for (; p < end; p++) {
            if (*p) {
                return false;
            }
        }
        return true;
    }
    acc = load_u64(p) | load_u64(end - 8);
    if (acc) {
        return false;
    }
    for (p += 8; p + 32 <= end - 8; p += 32) {
        acc = load_u64(p) | load_u64(p + 8) | load_u64(p + 16) |
              load_u64(p + 24);
        if (acc) {
            return false;
        }
    }
    for (; p < end - 8; p += 8) {
        if (load_u64(p)) {
            return false;
        }
    }
    return true;
}

#ifdef BUFZERO_X86
/*
 * len >= 64.  The first and last 16 bytes are checked unaligned; the
 * aligned middle is ORed 64 bytes per step with an early exit.
 */
static bool __attribute__((target("sse2")))
buffer_zero_sse2(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    const uint8_t *end = p + len;
    const __m128i *v, *vend;
    __m128i acc, zero = _mm_setzero_si128();

    acc = _mm_or_si128(_mm_loadu_si128((const __m128i *)p),
                       _mm_loadu_si128((const __m128i *)(end - 16)));
    if (_mm_movemask_epi8(_mm_cmpeq_epi8(acc, zero)) != 0xffff) {
        return false;
    }
    v = (const __m128i *)(((uintptr_t)p + 16) & ~(uintptr_t)15);
    vend = (const __m128i *)((uintptr_t)(end - 1) & ~(uintptr_t)15);
    for (; v + 4 <= vend; v += 4) {
        acc = _mm_or_si128(_mm_or_si128(v[0], v[1]),
                           _mm_or_si128(v[2], v[3]));
        if (_mm_movemask_epi8(_mm_cmpeq_epi8(acc, zero)) != 0xffff) {
            return false;
        }
    }
    acc = zero;
    for (; v < vend; v++) {
        acc = _mm_or_si128(acc, *v);
    }
    return _mm_movemask_epi8(_mm_cmpeq_epi8(acc, zero)) == 0xffff;
}

/* len >= 128.  Same shape as the SSE2 version with 32-byte vectors. */
static bool __attribute__((target("avx2")))
buffer_zero_avx2(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    const uint8_t *end = p + len;
    const __m256i *v, *vend;
    __m256i acc;

    acc = _mm256_or_si256(_mm256_loadu_si256((const __m256i *)p),
                          _mm256_loadu_si256((const __m256i *)(end - 32)));
    if (!_mm256_testz_si256(acc, acc)) {
        return false;
    }
    v = (const __m256i *)(((uintptr_t)p + 32) & ~(uintptr_t)31);
    vend = (const __m256i *)((uintptr_t)(end - 1) & ~(uintptr_t)31);
    for (; v + 4 <= vend; v += 4) {
        acc = _mm256_or_si256(_mm256_or_si256(v[0], v[1]),
                              _mm256_or_si256(v[2], v[3]));
        if (!_mm256_testz_si256(acc, acc)) {
            return false;
        }
    }
    acc = _mm256_setzero_si256();
    for (; v < vend; v++) {
        acc = _mm256_or_si256(acc, *v);
    }
    return _mm256_testz_si256(acc, acc);
}
#endif

typedef struct BufferZeroAccel {
    const char *name;
    BufferIsZeroFn *fn;
    size_t min_len;           /* below this, use the scalar loop */
} BufferZeroAccel;

static const BufferZeroAccel accels[] = {
#ifdef BUFZERO_X86
    { "avx2", buffer_zero_avx2, 128 },
    { "sse2", buffer_zero_sse2, 64 },
#endif
    { "scalar", buffer_zero_scalar, 0 },
};

/* Index into accels[]; -1 until first use.  Races are benign: every
 * thread computes the same answer. */
static int accel_index = -1;

static bool accel_usable(const BufferZeroAccel *a)
{
#ifdef BUFZERO_X86
    if (a->fn == buffer_zero_avx2) {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2");
    }
    if (a->fn == buffer_zero_sse2) {
        __builtin_cpu_init();
        return __builtin_cpu_supports("sse2");
    }
#endif
    return true;
}

static int select_accel(int from)
{
    for (int i = from; i < (int)ARRAY_SIZE(accels); i++) {
        if (accel_usable(&accels[i])) {
            return i;
        }
    }
    return ARRAY_SIZE(accels) - 1;
}

static const BufferZeroAccel *current_accel_zero(void)
{
    int i = __atomic_load_n(&accel_index, __ATOMIC_RELAXED);

    if (i < 0) {
        i = select_accel(0);
        __atomic_store_n(&accel_index, i, __ATOMIC_RELAXED);
    }
    return &accels[i];
}

bool buffer_is_zero(const void *buf, size_t len)
{
    const BufferZeroAccel *a = current_accel_zero();

    if (len < a->min_len || len < 64) {
        return buffer_zero_scalar(buf, len);
    }
    return a->fn(buf, len);
}

const char *buffer_is_zero_accel_name(void)
{
    return current_accel_zero()->name;
}

bool test_buffer_is_zero_next_accel(void)
{
    int i = current_accel_zero() - accels;

    if (i + 1 >= (int)ARRAY_SIZE(accels)) {
        return false;
    }
    __atomic_store_n(&accel_index, select_accel(i + 1), __ATOMIC_RELAXED);
    return true;
}
