/* read_scan.h: the structural scan of a block of CSV text: where its
 * delimiters and line ends are, as bit masks, how many records it holds,
 * and whether it holds a quote, 64 bytes at a time. */
#ifndef RMSETAB_READ_SCAN_H
#define RMSETAB_READ_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the scan found besides the masks. */
struct read_scan {
	/* Records: lines that hold anything, as read_csv_split counts them
	 * (CR, LF and CRLF end one; blank lines hold none), the last one
	 * counted even without its line end. */
	uint64_t records;
	bool quote; /* a quote anywhere: the text is libcsv's */
};

/* The words of mask a scan of LEN bytes writes. */
static inline size_t
read_scan_words(size_t len)
{
	return (len + 63) / 64;
}

/* Scans the LEN bytes at TEXT, which start a line: bit i % 64 of
 * MASK[i / 64] is set where byte i is DELIM, CR or LF, for every byte
 * (read_scan_words(LEN) words).  AVX2 where the processor has it, SSE2
 * (or a byte at a time off x86-64) elsewhere: read_scan_avx2 and
 * read_scan_portable are the two, each the same in what it writes. */
void read_scan(const char *text, size_t len, unsigned char delim,
	       uint64_t *mask, struct read_scan *r);
void read_scan_portable(const char *text, size_t len, unsigned char delim,
			uint64_t *mask, struct read_scan *r);
void read_scan_avx2(const char *text, size_t len, unsigned char delim,
		    uint64_t *mask, struct read_scan *r);

/* Whether this processor runs the AVX2 code (with FMA, BMI1 and BMI2,
 * which the fast conversion of read_fused.c takes with it); where it does
 * not, read_scan_avx2 is not to be called. */
bool read_scan_has_avx2(void);

#endif
