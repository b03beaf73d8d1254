/* number.c: decimal text to the nearest double, strictly.  The common
 * shapes (digits, a point, digits; an exponent after them) are read a word
 * at a time with no branch per byte (SWAR: one 64-bit word says which of
 * its bytes are digits, three multiplies give the value of eight), and on
 * x86-64 16 bytes at a time with SSE2; anything else goes through a byte
 * by byte scanner.  The value is then rounded correctly without strtod in
 * nearly every case: Clinger's fast path when the digits and the power of
 * ten are both exact doubles, else the Eisel-Lemire algorithm (Lemire,
 * "Number Parsing at a Gigabyte per Second", 2021; Mushtak and Lemire,
 * "Fast Number Parsing Without Fallback", 2023), on the first 19
 * significant digits and that plus one where there are more, which
 * decides whenever both round alike.  strtod, which glibc rounds
 * correctly, takes what is left.  rmsetab never calls setlocale, so strtod
 * runs in the "C" locale whatever the environment.
 *
 * No function here reads a byte outside the text it is given: loads of 8
 * or 16 bytes are made only where that many are there. */
#include "number.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The one definition of the table of powers of 5 (pow5.h); the shared
 * steps (Eisel-Lemire, the vectors of digits) are in number_fast.h. */
#define POW5_TABLE 1
#include "number_fast.h"

/* The top N bytes of a word, N from 0 to 8. */
static const uint64_t top_bytes[9] = {
	0,
	UINT64_C(0xFF00000000000000),
	UINT64_C(0xFFFF000000000000),
	UINT64_C(0xFFFFFF0000000000),
	UINT64_C(0xFFFFFFFF00000000),
	UINT64_C(0xFFFFFFFFFF000000),
	UINT64_C(0xFFFFFFFFFFFF0000),
	UINT64_C(0xFFFFFFFFFFFFFF00),
	UINT64_C(0xFFFFFFFFFFFFFFFF),
};

#define ONES UINT64_C(0x0101010101010101)
/* Where the scanner stops adding up an exponent's digits: no text in
 * memory has digits enough to bring one this large back into range. */
#define MAX_EXPONENT INT64_C(100000000000000000)

static inline bool
is_digit(char c)
{
	return (unsigned)(c - '0') < 10;
}

/* strtod on a NUL-terminated copy of the LEN bytes at TEXT, which the
 * grammar accepts as a whole, so that strtod reads them all. */
static enum number_status
by_strtod(const char *text, size_t len, double *out)
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

/* BITS, a positive double or all ones in the exponent, negated with NEG. */
static ALWAYS_INLINE enum number_status
from_bits(uint64_t bits, bool neg, double *out)
{
	if (bits >= UINT64_C(0x7ff) << 52)
		return NUMBER_RANGE;
	bits |= (uint64_t)neg << 63;
	memcpy(out, &bits, sizeof *out);
	return NUMBER_OK;
}

/* W * 10^Q, negated with NEG, rounded into *OUT; TEXT and LEN are the
 * number's text, for strtod in the rare case that needs it.  W has at most
 * 19 digits. */
static ALWAYS_INLINE enum number_status
to_double(uint64_t w, int64_t q, bool neg, const char *text, size_t len,
	  double *out)
{
	uint64_t bits;
	double v;

	if (q >= -22 && q <= 22 && w <= UINT64_C(1) << 53) {
		/* Both factors exact, so one rounding: the right one.  The
		 * sign goes on last, by its bit, so that -0 stays -0. */
		v = (double)(int64_t)w;
		v = q < 0 ? v / number_exact_pow10[-q]
			  : v * number_exact_pow10[q];
		memcpy(&bits, &v, sizeof bits);
	} else if (w == 0 || q < POW5_MIN_Q) {
		bits = 0; /* below half the smallest subnormal */
	} else if (q > POW5_MAX_Q) {
		return NUMBER_RANGE;
	} else if (!number_eisel_lemire(w, q, &bits)) {
		return by_strtod(text, len, out);
	}
	return from_bits(bits, neg, out);
}

/* Memory as little-endian words, whatever the machine: byte 0 of the text
 * is the low byte. */
static ALWAYS_INLINE uint64_t
load64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static ALWAYS_INLINE uint64_t
load32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static ALWAYS_INLINE uint64_t
load16(const char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof v);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	return v;
}

/* The N <= 8 bytes at P, as a word with zeros above them. */
static ALWAYS_INLINE uint64_t
load_short(const char *p, size_t n)
{
	if (n >= 4)
		return load32(p) | load32(p + n - 4) << (8 * (n - 4));
	if (n >= 2)
		return load16(p) | load16(p + n - 2) << (8 * (n - 2));
	return n ? (unsigned char)*p : 0;
}

/* The bytes of V that are not ASCII digits: not 0 there, 0 elsewhere.  A
 * carry crosses into the next byte only from a byte >= 0xfa, itself not a
 * digit, so a run of digits from the low byte up is always told right, and
 * signs, points and digits carry into nothing. */
static ALWAYS_INLINE uint64_t
non_digits(uint64_t v)
{
	const uint64_t high = UINT64_C(0xF0F0F0F0F0F0F0F0);

	return ((v & high) | (((v + 6 * ONES) & high) >> 4)) ^ (0x33 * ONES);
}

/* The value of the 8 decimal digits in D, one a byte (0 to 9, not ASCII),
 * the first in the low byte: the multiply-shift steps of fast_float's
 * parse_eight_digits_unrolled. */
static ALWAYS_INLINE uint64_t
eight_digits(uint64_t d)
{
	const uint64_t mask = 0x000000FF000000FF;
	const uint64_t mul1 = 0x000F424000000064; /* 100 + (1000000 << 32) */
	const uint64_t mul2 = 0x0000271000000001; /* 1 + (10000 << 32) */

	d = d * 10 + (d >> 8);
	return ((d & mask) * mul1 + ((d >> 16) & mask) * mul2) >> 32;
}

#ifdef NUMBER_SSE2

/* plain_decimal for 9 to 16 bytes with the point among the first 8, or
 * none: the first and the last 8 bytes as the halves of one vector, the
 * point taken out of the first; each half's value is one of the eights. */
static ALWAYS_INLINE bool
plain_decimal_8x2(const char *text, size_t len, uint64_t *w, int64_t *q)
{
	__m128i nine = _mm_set1_epi8(9);
	__m128i d = _mm_sub_epi8(
		_mm_unpacklo_epi64(
			_mm_loadl_epi64((const __m128i *)text),
			_mm_loadl_epi64((const __m128i *)(text + len - 8))),
		_mm_set1_epi8('0'));
	unsigned m = (unsigned)_mm_movemask_epi8(
		_mm_cmpeq_epi8(_mm_max_epu8(d, nine), nine));
	unsigned k = (unsigned)__builtin_ctz(
		((unsigned)_mm_movemask_epi8(
			 _mm_cmpeq_epi8(d, _mm_set1_epi8('.' - '0'))) &
		 0xFF) |
		0x100);
	unsigned all = (1u << len) - 1;
	unsigned digits = ((m & 0xFF) | (m >> 8) << (len - 8)) & all;
	__m128i keep;
	uint64_t both;

	/* All digits but the point, if there is one (k < 8). */
	if (digits != (all & ~((1u << k) & 0xFF)))
		return false;
	if (k == 8) {
		d = _mm_and_si128(d, _mm_or_si128(number_bytes_below(8),
						  number_bytes_from(24 - len)));
		*q = 0;
	} else {
		keep = _mm_or_si128(_mm_and_si128(number_bytes_from(k + 1),
						  number_bytes_below(8)),
				    number_bytes_from(24 - len));
		d = _mm_or_si128(
			_mm_slli_si128(_mm_and_si128(d, number_bytes_below(k)),
				       1),
			_mm_and_si128(d, keep));
		*q = (int64_t)k + 1 - (int64_t)len;
	}
	d = number_fours_of(d);
	both = (uint64_t)_mm_cvtsi128_si64(number_eights_of(d, d));
	*w = (both & 0xFFFFFFFF) * number_pow10_u64[len - 8] + (both >> 32);
	return true;
}

/* plain_decimal for 17 to 32 bytes with the point among the first 16:
 * the first and the last 16 bytes as vectors, the point taken out of the
 * first by moving the bytes before it up one. */
static ALWAYS_INLINE bool
plain_decimal_16(const char *text, size_t len, uint64_t *w, int64_t *q)
{
	__m128i da, db;
	unsigned ma = number_digit_mask(text, &da),
		 mb = number_digit_mask(text + len - 16, &db);
	unsigned k = (unsigned)__builtin_ctz(
		(unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(da, _mm_set1_epi8('.' - '0'))) |
		0x10000);
	uint64_t all = ~UINT64_C(0) >> (64 - len);
	uint64_t digits = (ma | (uint64_t)mb << (len - 16)) & all;
	uint64_t va, vb;

	if (k == 16 || digits != (all & ~(UINT64_C(1) << k)))
		return false;
	da = _mm_or_si128(
		_mm_slli_si128(_mm_and_si128(da, number_bytes_below(k)), 1),
		_mm_and_si128(da, number_bytes_from(k + 1)));
	db = _mm_and_si128(db, number_bytes_from(32 - len));
	number_sixteen_digits_2(da, db, &va, &vb);
	*w = va * number_pow10_u64[len - 16] + vb;
	*q = (int64_t)k + 1 - (int64_t)len;
	return true;
}
#endif

/* The digits, with at most one point, in the low N bytes (1 to 8) of T,
 * the first in the low byte: their value in *W, and where the point was,
 * 8 for none.  False if any other byte is not a digit. */
static ALWAYS_INLINE bool
short_decimal(uint64_t t, size_t n, uint64_t *w, unsigned *point)
{
	uint64_t x = non_digits(t) & ~UINT64_C(0) >> (64 - 8 * n);
	uint64_t vals = t & (0x0F * ONES), below;

	*point = x ? (unsigned)__builtin_ctzll(x) / 8 : 8;
	if (x) {
		if (((t >> (8 * *point)) & 0xFF) != '.' ||
		    (x & ~(UINT64_C(0xFF) << (8 * *point))))
			return false;
		below = (UINT64_C(1) << (8 * *point)) - 1;
		vals = (vals & below) << 8 | (vals & ~below << 8);
	}
	/* Moved to the top, the digits above N out. */
	*w = eight_digits(vals << (8 * (8 - n)));
	return true;
}

/* The significant digits and the power of ten of the LEN bytes at TEXT,
 * which has no sign, if they have one of the shapes read a word or a
 * vector at a time: digits, at most 19 significant ones, and at most one
 * point, which may be anywhere in up to 8 bytes; in 9 to 16 bytes, among
 * the first 8 or nowhere (with SSE2); in 17 to 32, among the first 16
 * (with SSE2); else among the first 8.  False for anything else, valid or
 * not: the caller then scans the text byte by byte. */
static ALWAYS_INLINE bool
plain_decimal(const char *text, size_t len, uint64_t *w, int64_t *q)
{
	const char *end = text + len, *f;
	uint64_t t, x, vals, below, bad;
	size_t rest;
	unsigned k;
	int64_t nd;

	if (len <= 8) {
		if (len == 0 ||
		    !short_decimal(load_short(text, len), len, w, &k) ||
		    (len == 1 && k == 0))
			return false;
		*q = k < 8 ? (int64_t)k + 1 - (int64_t)len : 0;
		return true;
	}
#ifdef NUMBER_SSE2
	if (len <= 16)
		return plain_decimal_8x2(text, len, w, q);
	if (len <= 32) {
		if (!plain_decimal_16(text, len, w, q))
			return false;
		goto count;
	}
#endif
	/* The first word, with the point taken out: a zero, the digits
	 * before the point, those after it. */
	t = load64(text);
	x = non_digits(t);
	k = x ? (unsigned)__builtin_ctzll(x) / 8 : 8;
	if (k == 8 || ((t >> (8 * k)) & 0xFF) != '.')
		return false;
	below = (UINT64_C(1) << (8 * k)) - 1;
	vals = t & (0x0F * ONES);
	*w = eight_digits((vals & below) << 8 | (vals & ~below << 8));
	bad = x & ~below << 8;

	/* Then whole words to the end of the text, and its last word, with
	 * the bytes before those not yet read masked off.  W wraps past 19
	 * digits, which the count below catches. */
	for (f = text + 8; end - f > 8; f += 8) {
		t = load64(f);
		bad |= non_digits(t);
		*w = *w * 100000000 + eight_digits(t & (0x0F * ONES));
	}
	rest = (size_t)(end - f);
	t = load64(end - 8);
	bad |= non_digits(t) & top_bytes[rest];
	*w = *w * number_pow10_u64[rest] +
	     eight_digits(t & (0x0F * ONES) & top_bytes[rest]);
	if (bad)
		return false;
	*q = (int64_t)k + 1 - (int64_t)len;
#ifdef NUMBER_SSE2
count:
#endif
	nd = (int64_t)len - 1; /* one of the bytes is the point */
	if (nd > 19) {
		/* Leading zeros do not count. */
		for (const char *z = text; z < end && (*z == '0' || *z == '.');
		     z++)
			nd -= *z == '0';
	}
	return nd <= 19;
}

/* An exponent that ends the LEN bytes at TEXT: (e|E)[+-]digits, with 1 to
 * 4 digits.  Sets *MLEN to the length of the text before it and *E to its
 * value. */
static inline bool
exponent_at_end(const char *text, size_t len, size_t *mlen, int64_t *e)
{
	size_t i = len;
	int64_t x = 0, scale = 1;

	while (i > 0 && len - i < 5 && is_digit(text[i - 1])) {
		x += scale * (text[--i] - '0');
		scale *= 10;
	}
	if (i == len || len - i > 4)
		return false;
	if (i > 0 && (text[i - 1] == '-' || text[i - 1] == '+')) {
		if (text[--i] == '-')
			x = -x;
	}
	if (i == 0 || (text[i - 1] | 0x20) != 'e')
		return false;
	*mlen = i - 1;
	*e = x;
	return true;
}

/* Appends the run of digits at *P to *W (which wraps past 19 digits: the
 * caller counts them), moves *P past them, and returns the byte after
 * them, 0 at END. */
static inline unsigned
digit_run(const char **pp, const char *end, uint64_t *w)
{
	const char *p = *pp;

	for (; end - p >= 8; p += 8) {
		uint64_t t = load64(p), x = non_digits(t);

		if (x) {
			unsigned n = (unsigned)__builtin_ctzll(x) / 8;

			/* The first n digits, as the last of 8 after zeros. */
			*w = *w * number_pow10_u64[n] +
			     eight_digits((t & (0x0F * ONES))
					  << 8 << (56 - 8 * n));
			*pp = p + n;
			return (unsigned)(t >> (8 * n)) & 0xFF;
		}
		*w = *w * 100000000 + eight_digits(t & (0x0F * ONES));
	}
	for (; p < end && is_digit(*p); p++)
		*w = *w * 10 + (uint64_t)(*p - '0');
	*pp = p;
	return p < end ? (unsigned char)*p : 0;
}

/* The number with the N significant digits (N > 19) whose first digit or
 * leading zero is at DIGITS, times 10^Q: between its first 19 digits and
 * that plus one, times 10^(Q + N - 19), so their roundings decide it
 * where they agree. */
static bool
long_digits(const char *digits, int64_t n, int64_t q, uint64_t *bits)
{
	uint64_t w = 0, lo_bits, hi_bits;
	const char *p = digits;
	int taken = 0;

	while (*p == '0' || *p == '.')
		p++;
	for (; taken < 19; p++)
		if (*p != '.')
			w = 10 * w + (uint64_t)(*p - '0'), taken++;
	q += n - 19;
	if (q < POW5_MIN_Q) { /* below 10^-324: rounds to zero */
		*bits = 0;
		return true;
	}
	if (q > POW5_MAX_Q) { /* above 10^326 */
		*bits = UINT64_C(0x7ff) << 52;
		return true;
	}
	if (!number_eisel_lemire(w, q, &lo_bits) ||
	    !number_eisel_lemire(w + 1, q, &hi_bits))
		return false;
	*bits = lo_bits;
	return lo_bits == hi_bits;
}

/* The longest run of bytes from TEXT before END that the grammar accepts,
 * and its value, read byte by byte where words do not fit: what
 * plain_decimal leaves. */
static enum number_status
scan(const char *text, const char *end, double *out, const char **stop)
{
	const char *p = text, *digits, *point, *mantissa_end;
	unsigned c = p < end ? (unsigned char)*p : 0;
	bool neg = c == '-';
	uint64_t w = 0, bits;
	int64_t q = 0, nd;

	p += c == '-' || c == '+';
	digits = p;
	c = digit_run(&p, end, &w);
	nd = p - digits;
	if (c == '.') {
		point = ++p;
		c = digit_run(&p, end, &w);
		q = point - p;
		nd += p - point;
	}
	if (nd == 0) {
		*stop = text;
		return NUMBER_INVALID;
	}
	mantissa_end = p;
	if ((c | 0x20) == 'e') {
		/* An exponent needs a digit; without one, the number ends
		 * before the e. */
		const char *e = p + 1;
		bool eneg = false;
		int64_t x = 0;

		if (e < end && (*e == '+' || *e == '-'))
			eneg = *e++ == '-';
		if (e < end && is_digit(*e)) {
			for (; e < end && is_digit(*e); e++)
				if (x < MAX_EXPONENT)
					x = 10 * x + (*e - '0');
			q += eneg ? -x : x;
			p = e;
		}
	}
	*stop = p;
	if (nd > 19) {
		/* Leading zeros do not count; past 19 significant digits w has
		 * lost some. */
		for (const char *z = digits;
		     z < mantissa_end && (*z == '0' || *z == '.'); z++)
			nd -= *z == '0';
		if (nd > 19) {
			if (!long_digits(digits, nd, q, &bits))
				return by_strtod(text, (size_t)(p - text), out);
			return from_bits(bits, neg, out);
		}
	}
	return to_double(w, q, neg, text, (size_t)(p - text), out);
}

/* What number_parse's word-at-a-time shapes leave: an exponent after one
 * of them, and the rest byte by byte.  Apart, so that the common case
 * does not pay for its registers. */
static enum number_status
parse_rest(const char *text, size_t len, size_t s, double *out)
{
	size_t mlen;
	uint64_t w;
	int64_t q, e;
	const char *stop;
	double v;
	enum number_status st;

	/* mlen >= s: a sign comes before the e. */
	if (exponent_at_end(text, len, &mlen, &e) &&
	    plain_decimal(text + s, mlen - s, &w, &q))
		return to_double(w, q + e, *text == '-', text, len, out);
	st = scan(text, text + len, &v, &stop);
	if (stop != text + len)
		return NUMBER_INVALID;
	if (st == NUMBER_OK)
		*out = v;
	return st;
}

enum number_status
number_parse(const char *text, size_t len, double *out)
{
	unsigned c = len ? (unsigned char)*text : 0;
	size_t s = c == '-' || c == '+';
	uint64_t w;
	int64_t q;

	if (plain_decimal(text + s, len - s, &w, &q))
		return to_double(w, q, c == '-', text, len, out);
	return parse_rest(text, len, s, out);
}
static inline bool
is_number_byte(unsigned char c)
{
	return is_digit((char)c) || c == '.' || c == '+' || c == '-' ||
	       (c | 0x20) == 'e';
}

/* The run is found 16 bytes at a time with SSE2, else a byte at a time;
 * then number_parse reads it again, from the cache. */
enum number_status
number_scan(const char *p, const char *end, unsigned char delim, double *out,
	    const char **stop)
{
	const char *q = p;

#ifdef NUMBER_SSE2
	for (; end - q >= 16; q += 16) {
		__m128i b = _mm_loadu_si128((const __m128i *)q);
		__m128i d = _mm_sub_epi8(b, _mm_set1_epi8('0'));
		__m128i nine = _mm_set1_epi8(9);
		__m128i yes = _mm_cmpeq_epi8(_mm_max_epu8(d, nine), nine);
		unsigned no;

		yes = _mm_or_si128(yes, _mm_cmpeq_epi8(b, _mm_set1_epi8('.')));
		yes = _mm_or_si128(yes, _mm_cmpeq_epi8(b, _mm_set1_epi8('+')));
		yes = _mm_or_si128(yes, _mm_cmpeq_epi8(b, _mm_set1_epi8('-')));
		yes = _mm_or_si128(
			yes,
			_mm_cmpeq_epi8(_mm_or_si128(b, _mm_set1_epi8(0x20)),
				       _mm_set1_epi8('e')));
		yes = _mm_andnot_si128(
			_mm_cmpeq_epi8(b, _mm_set1_epi8((char)delim)), yes);
		no = (unsigned)_mm_movemask_epi8(yes) ^ 0xFFFF;
		if (no) {
			q += __builtin_ctz(no);
			goto found;
		}
	}
#endif
	while (q < end && *q != (char)delim &&
	       is_number_byte((unsigned char)*q))
		q++;
#ifdef NUMBER_SSE2
found:
#endif
	*stop = q;
	return number_parse(p, (size_t)(q - p), out);
}
