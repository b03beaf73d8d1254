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

#endif
