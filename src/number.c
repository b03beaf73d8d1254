/* number.c: the grammar of a decimal number is checked here, then strtod
 * converts it.  rmsetab never calls setlocale, so strtod works in the "C"
 * locale whatever the environment says, and glibc's strtod rounds correctly. */
#include "number.h"

#include <math.h>
#include <stdlib.h>

static size_t
digits(const char *s, size_t i, size_t len)
{
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

enum number_status
number_parse(const char *text, size_t len, double *out)
{
	size_t i = 0, start;
	int mantissa_digits;
	char *end;
	double v;

	if (i < len && (text[i] == '+' || text[i] == '-'))
		i++;
	start = i;
	i = digits(text, i, len);
	mantissa_digits = i > start;
	if (i < len && text[i] == '.') {
		size_t frac = ++i;

		i = digits(text, i, len);
		mantissa_digits |= i > frac;
	}
	if (!mantissa_digits)
		return NUMBER_INVALID;
	if (i < len && (text[i] == 'e' || text[i] == 'E')) {
		size_t exp;

		i++;
		if (i < len && (text[i] == '+' || text[i] == '-'))
			i++;
		exp = i;
		i = digits(text, i, len);
		if (i == exp)
			return NUMBER_INVALID;
	}
	if (i != len)
		return NUMBER_INVALID;

	v = strtod(text, &end);
	if (end != text + len)
		return NUMBER_INVALID;
	if (isinf(v))
		return NUMBER_RANGE;
	*out = v;
	return NUMBER_OK;
}
