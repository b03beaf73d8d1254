/* number.h: strict, locale-independent parsing of decimal numbers. */
#ifndef RMSETAB_NUMBER_H
#define RMSETAB_NUMBER_H

#include <stddef.h>

enum number_status {
	NUMBER_OK,	/* a finite number, correctly rounded to binary64 */
	NUMBER_INVALID, /* not a decimal number (empty, text, inf, nan, hex...)
			 */
	NUMBER_RANGE	/* a decimal number too large for binary64 */
};

/* Parses the LEN bytes at TEXT (no NUL byte needed after them).
 * Accepts [+-]digits[.[digits]][(e|E)[+-]digits] and [+-].digits[...]:
 * no spaces, no hexadecimal, no infinities or NaNs.  Reads no byte outside
 * the LEN. */
enum number_status number_parse(const char *text, size_t len, double *out);

/* Parses the field that starts at P without being told where it ends, so
 * that a caller need not split a row before parsing it: takes the run of
 * bytes that can be part of a number (digits, points, signs, e and E)
 * from P up to END or the first DELIM, sets *STOP to the byte after it and
 * returns what number_parse says of the run.  The field is that number if
 * *STOP is END or a byte that ends a field (DELIM, a line end); otherwise
 * it is not a number, whatever the status.  Reads no byte outside
 * [P, END), so the caller needs no padding after its text. */
enum number_status number_scan(const char *p, const char *end,
			       unsigned char delim, double *out,
			       const char **stop);

#endif
