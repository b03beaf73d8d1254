/* read_scan.c: the structural scan, as simdjson and simdcsv do it: each 64
 * bytes of text become three 64-bit masks (the delimiter, line ends,
 * quotes) by vector compares, and what the reader needs to know is read
 * off the masks with a few integer operations a word, never a byte at a
 * time.  The masks of delimiters and line ends are kept for the
 * conversion (read_fused.c), which finds each field's end in them.
 *
 * Two builds of the same loop: AVX2 (two 32-byte compares a word) where the
 * processor has it, chosen once at run time, and SSE2 (four of 16 bytes),
 * which every x86-64 has; elsewhere, plain C. */
#include "read_scan.h"

#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define READ_SCAN_X86 1
#endif

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* Where the masks of one word go: the running count of records and
 * whether the line end of the word before is at its last byte. */
struct words {
	uint64_t records;
	uint64_t prev_end; /* 1: the byte before this word ends a line */
};

/* Takes the masks of one word: E, its line ends (CR, LF); S, its
 * separators (E and the delimiter).  A record ends at a line end that
 * does not follow one: the LF of a CRLF follows its CR, and the line end
 * of a blank line follows the one before it. */
static ALWAYS_INLINE void
take_word(struct words *w, uint64_t e, uint64_t s, uint64_t *mask)
{
	*mask = s;
	w->records +=
		(uint64_t)__builtin_popcountll(e & ~(e << 1 | w->prev_end));
	w->prev_end = e >> 63;
}

/* The last LEN % 64 bytes: as a word of their own, with zeros after
 * them, which compare as none of the bytes looked for (the delimiter is
 * never NUL: the command line cannot pass one) but are then masked off
 * all the same. */
static ALWAYS_INLINE size_t
last_word(const char *text, size_t len, char *buf)
{
	size_t rest = len % 64;

	memset(buf, 0, 64);
	memcpy(buf, text + len - rest, rest);
	return rest;
}

static ALWAYS_INLINE uint64_t
below(size_t rest)
{
	return rest == 0 ? ~UINT64_C(0) : (UINT64_C(1) << rest) - 1;
}

/* The record the text ends with when no line end ends it. */
static ALWAYS_INLINE void
finish(struct words *w, const char *text, size_t len, bool quote,
       struct read_scan *r)
{
	r->records = w->records;
	if (len > 0 && text[len - 1] != '\n' && text[len - 1] != '\r')
		r->records++;
	r->quote = quote;
}

#ifdef READ_SCAN_X86
/* The masks of the 64 bytes at P: line ends, separators, quotes. */
static ALWAYS_INLINE void
masks_sse2(const char *p, unsigned char delim, uint64_t *e, uint64_t *s,
	   uint64_t *q)
{
	const __m128i d = _mm_set1_epi8((char)delim), cr = _mm_set1_epi8('\r'),
		      lf = _mm_set1_epi8('\n'), qu = _mm_set1_epi8('"');

	*e = *s = *q = 0;
	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
		__m128i end = _mm_or_si128(_mm_cmpeq_epi8(v, cr),
					   _mm_cmpeq_epi8(v, lf));
		uint64_t me = (uint64_t)(unsigned)_mm_movemask_epi8(end);
		uint64_t md = (uint64_t)(unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(v, d));
		uint64_t mq = (uint64_t)(unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(v, qu));

		*e |= me << (16 * k);
		*s |= (me | md) << (16 * k);
		*q |= mq << (16 * k);
	}
}

__attribute__((target("avx2,bmi,bmi2,popcnt"))) static ALWAYS_INLINE void
masks_avx2(const char *p, unsigned char delim, uint64_t *e, uint64_t *s,
	   uint64_t *q)
{
	const __m256i d = _mm256_set1_epi8((char)delim),
		      cr = _mm256_set1_epi8('\r'), lf = _mm256_set1_epi8('\n'),
		      qu = _mm256_set1_epi8('"');
	__m256i a = _mm256_loadu_si256((const __m256i *)p);
	__m256i b = _mm256_loadu_si256((const __m256i *)(p + 32));
	__m256i ea = _mm256_or_si256(_mm256_cmpeq_epi8(a, cr),
				     _mm256_cmpeq_epi8(a, lf));
	__m256i eb = _mm256_or_si256(_mm256_cmpeq_epi8(b, cr),
				     _mm256_cmpeq_epi8(b, lf));
	uint64_t me = (uint64_t)(uint32_t)_mm256_movemask_epi8(ea) |
		      (uint64_t)(uint32_t)_mm256_movemask_epi8(eb) << 32;
	uint64_t md = (uint64_t)(uint32_t)_mm256_movemask_epi8(
			      _mm256_cmpeq_epi8(a, d)) |
		      (uint64_t)(uint32_t)_mm256_movemask_epi8(
			      _mm256_cmpeq_epi8(b, d))
			      << 32;

	*e = me;
	*s = me | md;
	*q = (uint64_t)(uint32_t)_mm256_movemask_epi8(
		     _mm256_cmpeq_epi8(a, qu)) |
	     (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(b, qu))
		     << 32;
}
#endif

#ifndef READ_SCAN_X86
/* The masks of the 64 bytes at P, a byte at a time. */
static ALWAYS_INLINE void
masks_bytes(const char *p, unsigned char delim, uint64_t *e, uint64_t *s,
	    uint64_t *q)
{
	*e = *s = *q = 0;
	for (int i = 0; i < 64; i++) {
		unsigned char c = (unsigned char)p[i];
		uint64_t bit = UINT64_C(1) << i;

		if (c == '\n' || c == '\r')
			*e |= bit;
		if (c == '\n' || c == '\r' || c == delim)
			*s |= bit;
		if (c == '"')
			*q |= bit;
	}
}
#endif

typedef void masks_fn(const char *p, unsigned char delim, uint64_t *e,
		      uint64_t *s, uint64_t *q);

/* The loop of every build, each with its MASKS (inlined: a constant). */
static ALWAYS_INLINE void
scan_loop(const char *text, size_t len, unsigned char delim, uint64_t *mask,
	  struct read_scan *r, masks_fn *masks)
{
	struct words w = {0, 1};
	uint64_t e, s, q, quotes = 0;
	size_t i = 0, n = 0, rest;
	char buf[64];

	for (; i + 64 <= len; i += 64, n++) {
		masks(text + i, delim, &e, &s, &q);
		quotes |= q;
		take_word(&w, e, s, &mask[n]);
	}
	if ((rest = last_word(text, len, buf)) > 0) {
		masks(buf, delim, &e, &s, &q);
		quotes |= q & below(rest);
		take_word(&w, e & below(rest), s & below(rest), &mask[n]);
	}
	finish(&w, text, len, quotes != 0, r);
}

void
read_scan_portable(const char *text, size_t len, unsigned char delim,
		   uint64_t *mask, struct read_scan *r)
{
#ifdef READ_SCAN_X86
	scan_loop(text, len, delim, mask, r, masks_sse2);
#else
	scan_loop(text, len, delim, mask, r, masks_bytes);
#endif
}

#ifdef READ_SCAN_X86
__attribute__((target("avx2,bmi,bmi2,popcnt"))) void
read_scan_avx2(const char *text, size_t len, unsigned char delim,
	       uint64_t *mask, struct read_scan *r)
{
	scan_loop(text, len, delim, mask, r, masks_avx2);
}

/* Asked once a block, from any thread: no cache, which the threads
 * would share unlocked; each test reads a word the C library set. */
bool
read_scan_has_avx2(void)
{
	return __builtin_cpu_supports("avx2") &&
	       __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
	       __builtin_cpu_supports("bmi2") &&
	       __builtin_cpu_supports("popcnt");
}
#else
void
read_scan_avx2(const char *text, size_t len, unsigned char delim,
	       uint64_t *mask, struct read_scan *r)
{
	read_scan_portable(text, len, delim, mask, r);
}

bool
read_scan_has_avx2(void)
{
	return false;
}
#endif

void
read_scan(const char *text, size_t len, unsigned char delim, uint64_t *mask,
	  struct read_scan *r)
{
	if (read_scan_has_avx2())
		read_scan_avx2(text, len, delim, mask, r);
	else
		read_scan_portable(text, len, delim, mask, r);
}
