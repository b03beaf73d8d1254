/* number.c: the grammar of a decimal number is checked while its digits are
 * gathered, then the value is rounded correctly without strtod in nearly
 * every case: Clinger's fast path when the digits and the power of ten are
 * both exact doubles, else the Eisel-Lemire algorithm (Lemire, "Number
 * Parsing at a Gigabyte per Second", 2021; Mushtak and Lemire, "Fast Number
 * Parsing Without Fallback", 2023).  strtod, which glibc rounds correctly,
 * takes what is left: more than 19 significant digits.  rmsetab never calls
 * setlocale, so strtod runs in the "C" locale whatever the environment. */
#include "number.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pow5.h"

typedef unsigned __int128 u128;

static const double exact_pow10[] = {
	1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,	1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* x / 2^16 rounded down, negative x too, without shifting a negative. */
static inline int64_t
floor_div_65536(int64_t x)
{
	return x >= 0 ? x / 65536 : -((-x + 65535) / 65536);
}

/* Rounds W * 10^Q (W != 0, Q within the table) into the bits of a positive
 * double.  Returns false in the one case the 128-bit product cannot
 * decide. */
static bool
eisel_lemire(uint64_t w, int64_t q, uint64_t *bits)
{
	const uint64_t *pow5 = pow5_128[q - POW5_MIN_Q];
	int lz = __builtin_clzll(w);
	u128 first, second;
	uint64_t hi, lo, mantissa;
	int upper, shift;
	int64_t power2;

	w <<= lz;
	first = (u128)w * pow5[0];
	hi = (uint64_t)(first >> 64);
	lo = (uint64_t)first;
	/* 55 bits are needed; the low 9 of the top word being all ones means
	 * the truncated part of 5^q might carry into them. */
	if ((hi & 0x1ff) == 0x1ff) {
		second = (u128)w * pow5[1];
		lo += (uint64_t)(second >> 64);
		if ((uint64_t)(second >> 64) > lo)
			hi++;
	}
	if (lo == UINT64_MAX && (q < -27 || q > 55))
		return false;
	upper = (int)(hi >> 63);
	shift = upper + 64 - 52 - 3;
	mantissa = hi >> shift;
	power2 = floor_div_65536((152170 + 65536) * q) + 63 + upper - lz + 1023;
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

static enum number_status
slow_path(const char *text, size_t len, double *out)
{
	char small[128], *buf = small;
	double v;

	if (len >= sizeof small && (buf = malloc(len + 1)) == NULL)
		return NUMBER_INVALID;
	memcpy(buf, text, len);
	buf[len] = '\0';
	v = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	if (isinf(v))
		return NUMBER_RANGE;
	*out = v;
	return NUMBER_OK;
}

/* Whether the 8 bytes in V (as loaded from memory, little-endian) are all
 * ASCII digits, and their value: the SWAR tricks of fast_float. */
static inline bool
eight_digits(uint64_t v)
{
	return ((v & UINT64_C(0xF0F0F0F0F0F0F0F0)) |
		(((v + UINT64_C(0x0606060606060606)) &
		  UINT64_C(0xF0F0F0F0F0F0F0F0)) >>
		 4)) == UINT64_C(0x3333333333333333);
}

static inline uint64_t
eight_digits_value(uint64_t v)
{
	const uint64_t mask = 0x000000FF000000FF;
	const uint64_t mul1 = 0x000F424000000064; /* 100 + (1000000 << 32) */
	const uint64_t mul2 = 0x0000271000000001; /* 1 + (10000 << 32) */

	v -= UINT64_C(0x3030303030303030);
	v = (v * 10) + (v >> 8);
	return (((v & mask) * mul1) + (((v >> 16) & mask) * mul2)) >> 32;
}

static inline bool
is_digit(char c)
{
	return (unsigned)(c - '0') < 10;
}

enum number_status
number_parse(const char *text, size_t len, double *out)
{
	const char *p = text, *end = text + len, *first;
	bool neg = false, little_endian = true;
	uint64_t w = 0, bits;
	int64_t q = 0, e = 0, ndigits;
	double v;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	little_endian = false;
#endif
	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	first = p;
	/* Gather every digit into w, which may wrap: it is only used when
	 * there are at most 19 of them, leading zeros aside. */
	for (; p < end && is_digit(*p); p++)
		w = 10 * w + (uint64_t)(*p - '0');
	ndigits = p - first;
	if (p < end && *p == '.') {
		const char *frac = ++p;
		uint64_t chunk;

		while (little_endian && end - p >= 8 &&
		       (memcpy(&chunk, p, 8), eight_digits(chunk))) {
			w = w * 100000000 + eight_digits_value(chunk);
			p += 8;
		}
		for (; p < end && is_digit(*p); p++)
			w = 10 * w + (uint64_t)(*p - '0');
		q = frac - p;
		ndigits += p - frac;
	}
	if (ndigits == 0)
		return NUMBER_INVALID;
	if (p < end && (*p == 'e' || *p == 'E')) {
		bool eneg = false;
		const char *exp_digits;

		if (++p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		exp_digits = p;
		for (; p < end && is_digit(*p); p++)
			if (e < 1000000)
				e = 10 * e + (*p - '0');
		if (p == exp_digits)
			return NUMBER_INVALID;
		q += eneg ? -e : e;
	}
	if (p != end)
		return NUMBER_INVALID;
	if (ndigits > 19) {
		/* Leading zeros do not count; past 19 significant digits w has
		 * lost some, and strtod rounds the whole text. */
		for (const char *z = first; z < end && (*z == '0' || *z == '.');
		     z++)
			ndigits -= *z == '0';
		if (ndigits > 19)
			return slow_path(text, len, out);
	}

	if (w == 0) {
		v = 0.0;
	} else if (q >= -22 && q <= 22 && w <= UINT64_C(1) << 53) {
		/* Both factors exact, so one rounding: the right one. */
		v = (double)w;
		v = q < 0 ? v / exact_pow10[-q] : v * exact_pow10[q];
	} else if (q < POW5_MIN_Q) {
		v = 0.0; /* below half the smallest subnormal */
	} else if (q > POW5_MAX_Q) {
		return NUMBER_RANGE;
	} else if (eisel_lemire(w, q, &bits)) {
		if (bits >= UINT64_C(0x7ff) << 52)
			return NUMBER_RANGE;
		memcpy(&v, &bits, sizeof v);
	} else {
		return slow_path(text, len, out);
	}
	*out = neg ? -v : v;
	return NUMBER_OK;
}
