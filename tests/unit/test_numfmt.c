/* test_numfmt: numfmt's fast %g against the C library's printf, byte for
 * byte, for every precision the table offers, on random doubles of every
 * magnitude and on the values where rounding carries into a new digit. */
#include "numfmt.h"

#include <stdlib.h>

#include "check.h"

/* "%#.Pg" as C11 7.21.6.1 defines it, without a decimal point that has no
 * digit after it, built from the digits and exponent of "%.(P-1)e": glibc's
 * own %#g drops zeros when rounding carries ("%#.2g" of 99.95 is "1.e+02"),
 * so it cannot be the yardstick. */
static void
want_digits(char *buf, double v, int prec)
{
	char e[NUMFMT_SIZE], d[24] = "";
	int x, nd = 0, o = 0;

	snprintf(e, sizeof e, "%.*e", prec - 1, v);
	x = atoi(strchr(e, 'e') + 1);
	for (const char *c = e; *c != 'e'; c++)
		if (*c >= '0' && *c <= '9')
			d[nd++] = *c;
	if (x < -4 || x >= prec) {
		buf[o++] = d[0];
		if (nd > 1)
			buf[o++] = '.';
		memcpy(buf + o, d + 1, (size_t)nd - 1);
		o += nd - 1;
		sprintf(buf + o, "e%c%02d", x < 0 ? '-' : '+', abs(x));
		return;
	}
	if (x < 0) {
		o += sprintf(buf, "0.%.*s", -x - 1, "0000");
		memcpy(buf + o, d, (size_t)nd);
		o += nd;
	} else {
		memcpy(buf, d, (size_t)x + 1);
		o = x + 1;
		if (nd > x + 1) {
			buf[o++] = '.';
			memcpy(buf + o, d + x + 1, (size_t)(nd - x - 1));
			o += nd - x - 1;
		}
	}
	buf[o] = '\0';
}

static void
check_value(double v)
{
	char got[NUMFMT_SIZE], want[NUMFMT_SIZE];

	for (int prec = 1; prec <= 17; prec++) {
		int len = numfmt_digits(got, v, prec);

		want_digits(want, v, prec);
		if (!CHECK_STR(got, want))
			printf("    value %a, precision %d\n", v, prec);
		CHECK_INT(len, (long long)strlen(want));
	}
	snprintf(want, sizeof want, "%.17g", v);
	CHECK_INT(numfmt_g17(got, v), (long long)strlen(want));
	CHECK_STR(got, want);
}

static uint64_t
next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int
main(void)
{
	static const double fixed[] = {0.0,
				       5.0,
				       0.1,
				       1.0 / 3,
				       14.0 / 3,
				       0.7,
				       9.5,
				       99.95,
				       0.99995,
				       9.99999999995,
				       1e-5,
				       1e100,
				       1e-100,
				       5e-324,
				       1.7976931348623157e308,
				       123456789012.0,
				       0.00012345,
				       2.5e-310,
				       999999999.5,
				       1.4132492562096122};
	uint64_t s = 88172645463325252ULL;
	char buf[NUMFMT_SIZE];

	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		check_value(fixed[i]);
	/* glibc's %#g gets these wrong; C11 and Python agree. */
	check_value(99.95);
	CHECK_INT(numfmt_digits(buf, 99.95, 2), 7);
	CHECK_STR(buf, "1.0e+02");
	CHECK_INT(numfmt_digits(buf, 999999999.5, 9), 14);
	CHECK_STR(buf, "1.00000000e+09");
	CHECK_INT(numfmt_digits(buf, 5e-324, 3), 9);
	CHECK_STR(buf, "4.94e-324");
	CHECK_INT(numfmt_digits(buf, 5.0, 1), 1);
	CHECK_STR(buf, "5");
	CHECK_INT(numfmt_digits(buf, 0.0, 4), 5);
	CHECK_STR(buf, "0.000");
	/* Every exponent, random mantissas. */
	for (int i = 0; i < 20000; i++) {
		uint64_t bits = next(&s) & ~(UINT64_C(1) << 63);
		double v;

		memcpy(&v, &bits, sizeof v);
		if (isfinite(v))
			check_value(v);
	}
	/* Values near 1, where the errors of a model usually are, and just
	 * below powers of ten, where rounding carries. */
	for (int i = 0; i < 20000; i++) {
		double v = (double)(next(&s) >> 11) / 9007199254740992.0 *
			   pow(10.0, (int)(next(&s) % 9) - 4);

		check_value(v);
		check_value(
			nextafter(pow(10.0, (int)(next(&s) % 30) - 15), 0.0));
	}
	return check_finish("test_numfmt");
}
