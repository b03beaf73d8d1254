/* number_fast.h: the commonest shape of number, parsed inline by a loop
 * that already knows where each field ends (read_fused.c), and the steps
 * number.c shares with it: the Eisel-Lemire rounding, the powers of ten,
 * and the vector steps that make a value of 16 digits.
 *
 * The shape is a '-' or nothing, then 17 to 32 bytes of digits with one
 * point among the first 16, at most 19 significant digits: what printf's
 * %.17g writes of numbers from 1e-4 to 1e15, the dumps of models and
 * tools that print every digit a double needs.  The field is read as two
 * vectors of 16 bytes, its first and its last, which lie inside it: no
 * search for the field's end, no byte read outside it, no branch on its
 * digits.  Anything else is left to number_parse, which takes every shape
 * and rounds the same: a number here is correctly rounded too. */
#ifndef RMSETAB_NUMBER_FAST_H
#define RMSETAB_NUMBER_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pow5.h"

/* NUMBER_NO_SSE2 builds the portable code alone, so that the tests can
 * check what machines without SSE2 run. */
#if defined(__SSE2__) && !defined(NUMBER_NO_SSE2)
#include <emmintrin.h>
#define NUMBER_SSE2 1
#endif

/* For the helpers of the common case: inlined whatever the compiler
 * thinks of their size, or the parser pays for calls and spills. */
#ifndef ALWAYS_INLINE
#define ALWAYS_INLINE inline __attribute__((always_inline))
#endif

static const double number_exact_pow10[] = {
	1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,	1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* clang-format off */
static const uint64_t number_pow10_u64[17] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000,
	1000000000, 10000000000, 100000000000, 1000000000000, 10000000000000,
	100000000000000, 1000000000000000, 10000000000000000};
/* clang-format on */

/* Rounds W * 10^Q (W != 0, Q within the table) into the bits of a positive
 * double, all ones in the exponent for an overflow.  Returns false in the
 * one case the 128-bit product cannot decide. */
static ALWAYS_INLINE bool
number_eisel_lemire(uint64_t w, int64_t q, uint64_t *bits)
{
	const uint64_t *pow5 = pow5_128[q - POW5_MIN_Q];
	int lz = __builtin_clzll(w);
	unsigned __int128 first, second;
	uint64_t hi, lo, mantissa;
	int upper, shift;
	int64_t power2;

	w <<= lz;
	first = (unsigned __int128)w * pow5[0];
	hi = (uint64_t)(first >> 64);
	lo = (uint64_t)first;
	/* 55 bits are needed; the low 9 of the top word being all ones means
	 * the truncated part of 5^q might carry into them. */
	if ((hi & 0x1ff) == 0x1ff) {
		second = (unsigned __int128)w * pow5[1];
		lo += (uint64_t)(second >> 64);
		if ((uint64_t)(second >> 64) > lo)
			hi++;
	}
	if (lo == UINT64_MAX && (q < -27 || q > 55))
		return false;
	upper = (int)(hi >> 63);
	shift = upper + 64 - 52 - 3;
	mantissa = hi >> shift;
	/* floor(q log2(10)) as floor(217706 q / 2^16), shifting only a
	 * non-negative number: 217706 * 32768 / 2^16 is 108853 exactly. */
	power2 = ((217706 * (q + 32768)) >> 16) - 108853 + 63 + upper - lz +
		 1023;
	if (power2 <= 0) { /* subnormal, or zero */
		if (-power2 + 1 >= 64) {
			*bits = 0;
			return true;
		}
		mantissa >>= -power2 + 1;
		mantissa += mantissa & 1;
		mantissa >>= 1;
		power2 = mantissa < (UINT64_C(1) << 52) ? 0 : 1;
		*bits = (uint64_t)power2 << 52 |
			(mantissa & ((UINT64_C(1) << 52) - 1));
		return true;
	}
	/* An exact tie rounds to even; only small powers can give one. */
	if (lo <= 1 && q >= -4 && q <= 23 && (mantissa & 3) == 1 &&
	    (mantissa << shift) == hi)
		mantissa &= ~UINT64_C(1);
	mantissa += mantissa & 1;
	mantissa >>= 1;
	if (mantissa >= (UINT64_C(2) << 52)) {
		mantissa = UINT64_C(1) << 52;
		power2++;
	}
	mantissa &= ~(UINT64_C(1) << 52);
	if (power2 >= 0x7ff)
		power2 = 0x7ff, mantissa = 0;
	*bits = (uint64_t)power2 << 52 | mantissa;
	return true;
}

#ifdef NUMBER_SSE2
/* 16 bytes of 0, 16 of all ones, 16 of 0: 16 bytes from offset 16 - I
 * are the bytes from I on, from offset 32 - I those below I. */
static const unsigned char number_window[48] = {
	[16] = 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
	0xFF,	     0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

static ALWAYS_INLINE __m128i
number_bytes_from(size_t i)
{
	return _mm_loadu_si128((const __m128i *)(number_window + 16 - i));
}

static ALWAYS_INLINE __m128i
number_bytes_below(size_t i)
{
	return _mm_loadu_si128((const __m128i *)(number_window + 32 - i));
}

/* A bit for each byte of the 16 at P that is an ASCII digit, and their
 * values (0 to 9 where they are digits) in *D. */
static ALWAYS_INLINE unsigned
number_digit_mask(const char *p, __m128i *d)
{
	__m128i nine = _mm_set1_epi8(9);

	*d = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)p),
			  _mm_set1_epi8('0'));
	return (unsigned)_mm_movemask_epi8(
		_mm_cmpeq_epi8(_mm_max_epu8(*d, nine), nine));
}

/* The values of the four 4-digit quarters of D (16 decimal digits, 0 to 9
 * a byte, the first in byte 0), in its 32-bit lanes.  Pairs: a 16-bit
 * lane d0 + 256 d1 times 2561 is d0 + 256 (10 d0 + d1) modulo 2^16, so
 * its high byte is the pair; then fours by a multiply-add. */
static ALWAYS_INLINE __m128i
number_fours_of(__m128i d)
{
	__m128i pairs =
		_mm_srli_epi16(_mm_mullo_epi16(d, _mm_set1_epi16(2561)), 8);

	return _mm_madd_epi16(pairs,
			      _mm_set_epi16(1, 100, 1, 100, 1, 100, 1, 100));
}

/* The eights of the fours A and B (from number_fours_of) in the four
 * 32-bit lanes: A's two, then B's. */
static ALWAYS_INLINE __m128i
number_eights_of(__m128i a, __m128i b)
{
	return _mm_madd_epi16(
		_mm_packs_epi32(a, b),
		_mm_set_epi16(1, 10000, 1, 10000, 1, 10000, 1, 10000));
}

/* The values of the 16 decimal digits in each of A and B (as
 * number_fours_of takes them): their four eights in one vector, then each
 * pair of eights joined by a 32 x 32-bit multiply. */
static ALWAYS_INLINE void
number_sixteen_digits_2(__m128i a, __m128i b, uint64_t *va, uint64_t *vb)
{
	__m128i eights =
		number_eights_of(number_fours_of(a), number_fours_of(b));
	__m128i both =
		_mm_add_epi64(_mm_mul_epu32(eights, _mm_set1_epi32(100000000)),
			      _mm_srli_epi64(eights, 32));

	*va = (uint64_t)_mm_cvtsi128_si64(both);
	*vb = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(both, both));
}

/* The LEN bytes at TEXT, if they have the shape above: true, with their
 * value in *OUT, the same bits number_parse gives.  False for any other
 * text, valid or not, and in the rare case Eisel-Lemire cannot decide:
 * the caller then asks number_parse. */
static ALWAYS_INLINE bool
number_fast(const char *text, size_t len, double *out)
{
	size_t neg, n;
	__m128i a, b;
	unsigned ma, mb, pa, k;
	uint64_t va, vb, w, bits;
	int64_t q;
	double v;

	if (len - 17 > 16) /* 17 to 33 bytes; below 17, wraps */
		return false;
	neg = *text == '-';
	text += neg;
	n = len - neg;
	if (n - 17 > 15)
		return false;
	/* The first 16 bytes and the last 16, which overlap unless N is 32:
	 * all digits but one point in the first, digits in the rest. */
	ma = number_digit_mask(text, &a);
	mb = number_digit_mask(text + n - 16, &b);
	pa = (unsigned)_mm_movemask_epi8(
		_mm_cmpeq_epi8(a, _mm_set1_epi8('.' - '0')));
	k = (unsigned)__builtin_ctz(pa | 0x10000);
	if ((ma | 1u << k) != 0xFFFF || (mb | 0xFFFFu >> (n - 16)) != 0xFFFF)
		return false;
	if (n > 20) {
		/* More than 19 digits: leading zeros do not count (those past
		 * the first 16 bytes do, which only turns a number away). */
		unsigned z = (unsigned)_mm_movemask_epi8(
				     _mm_cmpeq_epi8(a, _mm_setzero_si128())) |
			     pa;
		unsigned lead = (unsigned)__builtin_ctz(~z);

		if (n - 1 - (lead - (k < lead)) > 19)
			return false;
	}
	/* The point taken out of the first vector by moving the bytes before
	 * it up one; of the last, the bytes the first does not hold. */
	a = _mm_or_si128(
		_mm_slli_si128(_mm_and_si128(a, number_bytes_below(k)), 1),
		_mm_and_si128(a, number_bytes_from(k + 1)));
	b = _mm_and_si128(b, number_bytes_from(32 - n));
	number_sixteen_digits_2(a, b, &va, &vb);
	w = va * number_pow10_u64[n - 16] + vb;
	q = (int64_t)k + 1 - (int64_t)n; /* -31 to -1 */
	if (w <= UINT64_C(1) << 53 && q >= -22) {
		/* Clinger: both factors exact, so one rounding. */
		v = (double)(int64_t)w / number_exact_pow10[-q];
		memcpy(&bits, &v, sizeof bits);
	} else if (w == 0) {
		bits = 0;
	} else if (!number_eisel_lemire(w, q, &bits)) {
		return false;
	}
	/* 10^-31 <= |value| < 10^19: no overflow, no subnormal.  The sign
	 * goes on last, by its bit, so that -0 stays -0. */
	bits |= (uint64_t)neg << 63;
	memcpy(out, &bits, sizeof *out);
	return true;
}
#else
/* Without SSE2, number_parse takes every number. */
static ALWAYS_INLINE bool
number_fast(const char *text, size_t len, double *out)
{
	(void)text;
	(void)len;
	(void)out;
	return false;
}
#endif

#endif
