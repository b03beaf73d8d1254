/* test_number: number_parse accepts exactly the grammar number.h states and
 * converts like strtod in the "C" locale, bit for bit; number_scan finds
 * where a field's run of number bytes ends and says what number_parse says
 * of it.  The random parts are here so that a faster parser can replace
 * strtod without anyone trusting it on a handful of examples.  Every text
 * is parsed where it is, and (up to 64 bytes) again copied to the very end
 * and the very start of a page between two pages that cannot be read: the
 * parsers read 8 and 16 bytes at a time, and must not read one byte outside
 * the text.  number_fast (number_fast.h, the shape the fused loop parses
 * inline) gets every text too: it may turn one down, but what it takes it
 * must give as number_parse does, bit for bit. */
#include "number.h"
#include "number_fast.h"

#include <float.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

/* The name the summary line gives: test_number_swar builds this file
 * again, on the code without SSE2. */
#ifndef TEST_NAME
#define TEST_NAME "test_number"
#endif

struct parse_case {
	int line;
	const char *text;
	size_t len;
	enum number_status want;
	double value;
};

/* sizeof, not strlen, so that a case may hold a NUL byte. */
/* clang-format off */
#define OK(s, v) {__LINE__, s, sizeof s - 1, NUMBER_OK, v}
#define BAD(s)   {__LINE__, s, sizeof s - 1, NUMBER_INVALID, 0.0}
#define RANGE(s) {__LINE__, s, sizeof s - 1, NUMBER_RANGE, 0.0}
/* clang-format on */

/* The value halfway between DBL_MAX and 2^1024, 2^1024 - 2^970: a tie that
 * rounds to even, which is 2^1024, so out of range. */
#define DBL_MAX_HALFWAY                                                        \
	"17976931348623158079372897140530341507993413271003782693617377898044" \
	"49682927647509466490179775872070963302864166928879109465555478519404" \
	"02630657488671505820681908902000708383676273854845817711531764475730" \
	"27006985557136695962284291481986083493647529271907416844436551070434" \
	"2711559699508093042880177904174497792"
#define DBL_MAX_BELOW_HALFWAY                                                  \
	"17976931348623158079372897140530341507993413271003782693617377898044" \
	"49682927647509466490179775872070963302864166928879109465555478519404" \
	"02630657488671505820681908902000708383676273854845817711531764475730" \
	"27006985557136695962284291481986083493647529271907416844436551070434" \
	"2711559699508093042880177904174497791"

/* Expected values are C literals: the compiler rounds them correctly, so
 * they do not lean on the strtod that number_parse itself may call. */
static const struct parse_case cases[] = {
	/* The plain forms of the grammar. */
	OK("0", 0.0),
	OK("1", 1.0),
	OK("+1", 1.0),
	OK("-1", -1.0),
	OK("007", 7.0),
	OK("1.5", 1.5),
	OK("-2.25", -2.25),
	OK(".5", 0.5),
	OK("+.5", 0.5),
	OK("-.5", -0.5),
	OK("0.1", 0.1),
	OK("1e5", 1e5),
	OK("1E+05", 1e5),
	OK("1e-5", 1e-5),
	OK("1.5e3", 1500.0),
	OK(".5e1", 5.0),
	OK("-.5E-1", -0.05),
	OK("1e0", 1.0),
	OK("1e-0", 1.0),
	OK("1e+000000000000000000000000001", 10.0),
	OK("0.000", 0.0),
	OK("1e23", 1e23),
	OK("123456789012345678901234567890", 123456789012345678901234567890.0),
	/* Signed zeros keep their sign. */
	OK("+0", 0.0),
	OK("-0", -0.0),
	OK("-0.0", -0.0),
	OK("-.0e7", -0.0),
	OK("0e99999999999999999999", 0.0),
	/* Underflow is not an error: it rounds, to a subnormal or zero. */
	OK("1e-400", 0.0),
	OK("-1e-400", -0.0),
	OK("1e-99999999999999999999", 0.0),
	OK("4.9e-324", 0x1p-1074),
	OK("4.9406564584124654e-324", 0x1p-1074),
	OK("2.2250738585072014e-308", DBL_MIN),
	OK("2.2250738585072009e-308", 0x0.fffffffffffffp-1022),
	/* 2^-1075 is 2.47032822920623272088...e-324: below it rounds to 0,
	 * above it to 2^-1074. */
	OK("2.4703282292062327e-324", 0.0),
	OK("2.4703282292062328e-324", 0x1p-1074),
	/* Ties to even: 2^53 + 1 lies between 2^53 and 2^53 + 2. */
	OK("9007199254740993", 9007199254740992.0),
	OK("9007199254740993.0000000000000000000000000001", 9007199254740994.0),
	OK("9007199254740992.9999999999999999999999999999", 9007199254740992.0),
	OK("9007199254740995", 9007199254740996.0),
	OK("90071992547409930e-1", 9007199254740992.0),
	/* The top of the range. */
	OK("1.7976931348623157e308", DBL_MAX),
	OK("1.7976931348623158e308", DBL_MAX),
	OK("-1.7976931348623158e308", -DBL_MAX),
	OK(DBL_MAX_BELOW_HALFWAY, DBL_MAX),
	RANGE(DBL_MAX_HALFWAY),
	RANGE("1.7976931348623159e308"),
	RANGE("1e400"),
	RANGE("-1e400"),
	RANGE("1e309"),
	RANGE("1e99999999999999999999"),
	RANGE("-.1e311"),
	/* Not numbers at all. */
	BAD(""),
	BAD("+"),
	BAD("-"),
	BAD("."),
	BAD("+."),
	BAD("-.e1"),
	BAD("e5"),
	BAD("E"),
	BAD(".e5"),
	BAD("1e"),
	BAD("1e+"),
	BAD("1e-"),
	BAD("1E"),
	/* A point may end the digits, as strtod and most CSV readers allow,
	 * but a point alone is not a number. */
	OK("1.", 1.0),
	OK("-1.", -1.0),
	OK("1.e5", 1e5),
	BAD("."),
	BAD("-."),
	BAD(".e5"),
	/* Spaces are never trimmed. */
	BAD(" 1"),
	BAD("1 "),
	BAD("\t1"),
	BAD("1\n"),
	BAD("1\r"),
	BAD("+ 1"),
	BAD("1 e5"),
	/* No hexadecimal, infinities or NaNs, in any spelling strtod knows. */
	BAD("0x10"),
	BAD("0X10"),
	BAD("0x1p3"),
	BAD("0b1"),
	BAD("inf"),
	BAD("-inf"),
	BAD("INF"),
	BAD("infinity"),
	BAD("Infinity"),
	BAD("nan"),
	BAD("NaN"),
	BAD("-nan"),
	BAD("nan(1)"),
	/* Near misses. */
	BAD("1,5"),
	BAD("1..2"),
	BAD("1.2.3"),
	BAD("--1"),
	BAD("+-1"),
	BAD("-+1"),
	BAD("++1"),
	BAD("1-"),
	BAD("1e5.5"),
	BAD("1e5e5"),
	BAD("1e--5"),
	BAD("1e+-5"),
	BAD("1ee5"),
	BAD("1d5"),
	BAD("1f"),
	BAD("1_000"),
	BAD("1'000"),
	/* Digits are ASCII only: ARABIC-INDIC DIGIT ONE, FULLWIDTH DIGIT ONE,
	 * and a stray high byte after a real digit. */
	BAD("\xd9\xa1"),
	BAD("\xef\xbc\x91"),
	BAD("1\xd9\xa1"),
	BAD("1\xff"),
	/* Of the fast shape's lengths (17 to 33 bytes), each with one byte
	 * that is not allowed: number_fast must turn them down as well. */
	BAD("0x1234567890abcdef.5"),
	BAD("0X12345678901234.56"),
	BAD("-0x1.23456789abcdefp3"),
	BAD("infinity0000000000"),
	BAD("-nan(12345678901234)"),
	BAD("1234567890123456,5"),
	BAD("0,12345678901234567"),
	BAD("-0,12345678901234567"),
	BAD("0.1234567890123456,7"),
	BAD("0.12345678901234.567"),
	BAD("-0.1234567890123456-"),
	BAD("--0.12345678901234567"),
	BAD("+-0.12345678901234567"),
	BAD("0.123456789012345 67"),
	BAD(" 0.12345678901234567"),
	BAD("0.12345678901234567 "),
	BAD("0.1234567890123456\n"),
	BAD("0.12345678901\xd9\xa1"
	    "234"),
	BAD("1234567890.1234567\0"),
	BAD("0.1234567890123456e"),
	BAD("1.2345678901234567e+"),
	/* A NUL inside LEN ends no number: all of LEN must match. */
	BAD("\0"),
	BAD("1\0"),
	BAD("1\0002"),
	BAD("1e\0005"),
};

static uint64_t
bits_of(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof u);
	return u;
}

/* TEXT as C source would write it, so that a NUL or a high byte in a
 * failure message can be seen. */
static const char *
shown(const char *text, size_t len)
{
	static char buf[4 * 2048 + 1];
	size_t n = 0;

	for (size_t i = 0; i < len && n + 5 < sizeof buf; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			buf[n++] = (char)c;
		else
			n += (size_t)sprintf(buf + n, "\\x%02x", c);
	}
	buf[n] = '\0';
	return buf;
}

/* A result as a failure message shows it: the status, and the value
 * only where there is one. */
static const char *
result(char *buf, enum number_status st, double v)
{
	switch (st) {
	case NUMBER_OK: sprintf(buf, "NUMBER_OK %.17g (%a)", v, v); break;
	case NUMBER_INVALID: strcpy(buf, "NUMBER_INVALID"); break;
	case NUMBER_RANGE: strcpy(buf, "NUMBER_RANGE"); break;
	default: sprintf(buf, "status %d", (int)st); break;
	}
	return buf;
}

/* A page that can be read and written between two that cannot (set up by
 * main): a text copied to its end or its start is followed or preceded by
 * memory whose reading kills the test. */
static char *page;
static size_t page_size;

/* Texts up to this long are tried at the page's ends too: well past the
 * 32 bytes the vector code takes, while the long midpoint texts, which
 * only the byte scanner reads, do not cost three times over. */
enum { PAGE_TEXT_MAX = 64 };

/* One result against what was expected: WANT, and VALUE bit for bit when
 * WANT is NUMBER_OK.  WHERE says which call gave it. */
static void
check_result(int line, const char *where, const char *text, size_t len,
	     enum number_status st, double got, enum number_status want,
	     double value)
{
	char a[80], b[80];

	check_count++;
	if (st != want || (st == NUMBER_OK && bits_of(got) != bits_of(value)))
		check_fail(__FILE__, line, "%s(\"%s\", %zu) is %s, expected %s",
			   where, shown(text, len), len, result(a, st, got),
			   result(b, want, value));
}

/* The bytes number_scan takes into a number's run: those of the grammar,
 * written again here. */
static int
is_number_char(char c)
{
	return c != '\0' && strchr("0123456789+-.eE", c) != NULL;
}

/* number_scan on TEXT followed by a delimiter and a digit, and on TEXT at
 * the very end of the page with END there (up to PAGE_TEXT_MAX bytes):
 * *STOP must be the first byte that is not a number byte or is the
 * delimiter, and the status and value number_parse's of the bytes before
 * it.  The delimiter changes from call to call, and is sometimes one of
 * the number bytes. */
static void
check_scan(int line, const char *text, size_t len)
{
	static const char delims[] = ",\t;|.e-5E+0 ";
	static unsigned turn;
	char delim = delims[turn++ % (sizeof delims - 1)], buf[4096];
	const char *stop, *p;
	size_t n;
	double got = 42.0, want_v = 42.0;
	enum number_status st, want;

	if (len + 2 > sizeof buf)
		return;
	memcpy(buf, text, len);
	buf[len] = delim;
	buf[len + 1] = '7';
	for (n = 0; n < len && buf[n] != delim && is_number_char(buf[n]); n++)
		;
	want = number_parse(buf, n, &want_v);
	st = number_scan(buf, buf + len + 2, (unsigned char)delim, &got, &stop);
	check_result(line, "number_scan", text, len, st, got, want, want_v);
	check_count++;
	if (stop != buf + n)
		check_fail(__FILE__, line,
			   "number_scan(\"%s\", '%c') stops after %td bytes, "
			   "expected %zu",
			   shown(text, len), delim, stop - buf, n);

	if (len > PAGE_TEXT_MAX)
		return;
	p = page + page_size - len;
	memcpy((char *)p, text, len);
	got = 42.0;
	st = number_scan(p, p + len, (unsigned char)delim, &got, &stop);
	check_result(line, "number_scan at a page end", text, len, st, got,
		     want, want_v);
	check_count++;
	if (stop != p + n)
		check_fail(__FILE__, line,
			   "number_scan(\"%s\", '%c') at a page end stops "
			   "after %td bytes, expected %zu",
			   shown(text, len), delim, stop - p, n);
}

/* The texts number_fast took, of those it was given. */
static long fast_taken, fast_given;

/* number_fast on the LEN bytes at TEXT: it may turn them down, but if it
 * takes them, WANT must be NUMBER_OK and its value VALUE, bit for bit. */
static void
check_fast(int line, const char *where, const char *text, size_t len,
	   enum number_status want, double value)
{
	double got = 42.0;

	fast_given++;
	if (!number_fast(text, len, &got))
		return;
	fast_taken++;
	check_result(line, where, text, len, NUMBER_OK, got, want, value);
}

/* One check: number_parse on the LEN bytes at TEXT gives WANT, with VALUE
 * bit for bit when WANT is NUMBER_OK, where the text is, and at the end of
 * a page and at its start (up to PAGE_TEXT_MAX bytes); and number_scan
 * and number_fast agree. */
static void
check_parse(int line, const char *text, size_t len, enum number_status want,
	    double value)
{
	double got = 42.0;
	enum number_status st = number_parse(text, len, &got);

	check_result(line, "number_parse", text, len, st, got, want, value);
	check_fast(line, "number_fast", text, len, want, value);
	if (len <= PAGE_TEXT_MAX) {
		char *end = page + page_size - len;

		memcpy(end, text, len);
		got = 42.0;
		st = number_parse(end, len, &got);
		check_result(line, "number_parse at a page end", text, len, st,
			     got, want, value);
		check_fast(line, "number_fast at a page end", end, len, want,
			   value);
		memcpy(page, text, len);
		got = 42.0;
		st = number_parse(page, len, &got);
		check_result(line, "number_parse at a page start", text, len,
			     st, got, want, value);
		check_fast(line, "number_fast at a page start", page, len, want,
			   value);
	}
	check_scan(line, text, len);
}

static void
test_table(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_parse(cases[i].line, cases[i].text, cases[i].len,
			    cases[i].want, cases[i].value);
}

/* number_scan on fields as a row holds them, the delimiter and where the
 * scan must stop given by hand: a delimiter that is itself a number byte
 * ends the run; anything else that is not a number byte ends it too, and
 * the caller then sees that the field has more in it. */
struct scan_case {
	int line;
	const char *text;
	size_t len;
	char delim;
	size_t stop;
	enum number_status want;
	double value;
};

/* clang-format off */
#define SCAN(s, d, n, st, v) {__LINE__, s, sizeof s - 1, d, n, st, v}
/* clang-format on */

static const struct scan_case scan_cases[] = {
	SCAN("1.5,2", ',', 3, NUMBER_OK, 1.5),
	SCAN("-0.25\n3", ',', 5, NUMBER_OK, -0.25),
	SCAN("-0.25\r\n", ',', 5, NUMBER_OK, -0.25),
	SCAN("7\t8", '\t', 1, NUMBER_OK, 7.0),
	SCAN("1e5,", ',', 3, NUMBER_OK, 1e5),
	SCAN("1e5e5,", ',', 5, NUMBER_INVALID, 0.0),
	SCAN("1e400,", ',', 5, NUMBER_RANGE, 0.0),
	SCAN("1 ,", ',', 1, NUMBER_OK, 1.0),
	SCAN(" 1,", ',', 0, NUMBER_INVALID, 0.0),
	SCAN(",1", ',', 0, NUMBER_INVALID, 0.0),
	SCAN("", ',', 0, NUMBER_INVALID, 0.0),
	SCAN("nan,", ',', 0, NUMBER_INVALID, 0.0),
	SCAN("0x10,", ',', 1, NUMBER_OK, 0.0),
	SCAN("2.5", ',', 3, NUMBER_OK, 2.5),
	SCAN("12.5.3", '.', 2, NUMBER_OK, 12.0),
	SCAN("1e5", 'e', 1, NUMBER_OK, 1.0),
	SCAN("1E5", 'E', 1, NUMBER_OK, 1.0),
	SCAN("3-6", '-', 1, NUMBER_OK, 3.0),
	SCAN("-5-6", '-', 0, NUMBER_INVALID, 0.0),
	SCAN("+5+6", '+', 0, NUMBER_INVALID, 0.0),
	SCAN("15", '5', 1, NUMBER_OK, 1.0),
	SCAN("05", '0', 0, NUMBER_INVALID, 0.0),
	/* Past 16 bytes, where the scan goes on a vector at a time. */
	SCAN("1234567890123456789012345678901234567890,", ',', 40, NUMBER_OK,
	     1234567890123456789012345678901234567890.0),
	SCAN("1.0000000000000000000000000000001|", '|', 33, NUMBER_OK, 1.0),
	SCAN("0.000000000000000000000000000000000e5;", ';', 37, NUMBER_OK, 0.0),
	SCAN("-0.79250040217443507,-0.94124123526456438\n", ',', 20, NUMBER_OK,
	     -0.79250040217443507),
	SCAN("-0.79250040217443507.94124123526456438\n", '.', 2, NUMBER_OK,
	     -0.0),
};

static void
test_scan_table(void)
{
	for (size_t i = 0; i < sizeof scan_cases / sizeof scan_cases[0]; i++) {
		const struct scan_case *c = &scan_cases[i];
		const char *stop = NULL;
		double got = 42.0;
		enum number_status st =
			number_scan(c->text, c->text + c->len,
				    (unsigned char)c->delim, &got, &stop);

		check_result(c->line, "number_scan", c->text, c->len, st, got,
			     c->want, c->value);
		check_count++;
		if (stop != c->text + c->stop)
			check_fail(__FILE__, c->line,
				   "number_scan(\"%s\", '%c') stops after "
				   "%td bytes, expected %zu",
				   shown(c->text, c->len), c->delim,
				   stop - c->text, c->stop);
	}
}

/* The grammar of number.h, written again independently of number.c:
 * [+-] then digits[.[digits]] or .digits, then optionally (e|E)[+-]digits,
 * where digits is one or more of 0-9, and nothing else. */
static int
grammar_accepts(const char *s, size_t len)
{
	size_t i = 0, whole, frac = 0, exp;

	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	for (whole = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	whole = i - whole;
	if (i < len && s[i] == '.') {
		i++;
		for (frac = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		frac = i - frac;
	}
	if (whole == 0 && frac == 0)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		for (exp = i; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == exp)
			return 0;
	}
	return i == len;
}

/* What number_parse must say about a text the grammar accepts: strtod's
 * value, bit for bit, or NUMBER_RANGE where strtod overflows. */
static void
check_like_strtod(int line, const char *text, size_t len)
{
	double want = strtod(text, NULL);

	check_parse(line, text, len, isinf(want) ? NUMBER_RANGE : NUMBER_OK,
		    want);
}

static size_t
put_digits(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s[i] = (char)('0' + rng_below(10));
	return n;
}

/* Random texts in the grammar: signs, 1-40 digits with the point anywhere
 * (or nowhere), leading zeros, exponents -350..350 written with or without
 * a sign and leading zeros.  With 40 digits and exponents that far out,
 * both overflow and underflow to subnormals and zero come up often. */
static void
test_random_like_strtod(long count)
{
	char s[128];

	for (long k = 0; k < count; k++) {
		size_t n = 0, digits = 1 + rng_below(40);
		unsigned shape = rng_below(4);

		switch (rng_below(3)) {
		case 0: break;
		case 1: s[n++] = '+'; break;
		default: s[n++] = '-'; break;
		}
		if (rng_below(4) == 0)
			for (unsigned z = rng_below(6); z > 0; z--)
				s[n++] = '0';
		if (shape == 0) {
			n += put_digits(s + n, digits);
		} else {
			/* A point with at least one digit after it. */
			size_t before = shape == 1 ? 0 : rng_below(digits);

			n += put_digits(s + n, before);
			s[n++] = '.';
			n += put_digits(s + n, digits - before);
		}
		if (rng_below(3) != 0) {
			unsigned e = rng_below(351);

			s[n++] = rng_below(2) ? 'e' : 'E';
			switch (rng_below(3)) {
			case 0: break;
			case 1: s[n++] = '+'; break;
			default: s[n++] = '-'; break;
			}
			if (rng_below(8) == 0)
				s[n++] = '0';
			n += (size_t)sprintf(s + n, "%u", e);
		}
		s[n] = '\0';
		check_like_strtod(__LINE__, s, n);
	}
}

/* Exact decimal expansions of binary64 values, to write texts that sit
 * exactly on, just below and just above the midpoint between two
 * neighbouring doubles: the hardest inputs for a decimal parser.  A
 * number is the decimal digits in D[0..LEN) times 10^SCALE. */
struct decimal {
	char d[1200];
	size_t len;
	int scale;
};

/* Sets DEC to M * 2^E exactly, for 0 < M < 2^60 and -1100 < E < 1100. */
static void
decimal_exact(struct decimal *dec, uint64_t m, int e)
{
	/* Little-endian base 10^9 limbs; 5^1076 has 752 decimal digits. */
	uint32_t limb[100];
	size_t n = 0;
	int k;

	while (m > 0) {
		limb[n++] = (uint32_t)(m % 1000000000u);
		m /= 1000000000u;
	}
	/* M * 2^E is M times 2^E for E >= 0, else M times 5^-E over 10^-E:
	 * an integer times a small factor, again and again, 2^29 or 5^12
	 * at a time so that a limb product fits in 64 bits. */
	for (k = e >= 0 ? e : -e; k > 0;) {
		uint64_t f, carry = 0;

		if (e >= 0) {
			int step = k < 29 ? k : 29;

			f = (uint64_t)1 << step;
			k -= step;
		} else {
			int step = k < 12 ? k : 12;

			for (f = 1; step > 0; step--, k--)
				f *= 5;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t x = limb[i] * f + carry;

			limb[i] = (uint32_t)(x % 1000000000u);
			carry = x / 1000000000u;
		}
		while (carry > 0) {
			limb[n++] = (uint32_t)(carry % 1000000000u);
			carry /= 1000000000u;
		}
	}
	dec->len = (size_t)sprintf(dec->d, "%" PRIu32, limb[n - 1]);
	for (size_t i = n - 1; i-- > 0;)
		dec->len += (size_t)sprintf(dec->d + dec->len, "%09" PRIu32,
					    limb[i]);
	dec->scale = e >= 0 ? 0 : e;
}

/* Writes DEC to S, in one of the shapes the grammar allows. */
static size_t
decimal_text(char *s, const struct decimal *dec, int negative)
{
	size_t n = 0;
	long len = (long)dec->len, point = len + dec->scale;

	if (negative)
		s[n++] = '-';
	if (rng_below(2) == 0) {
		/* Scientific: d.ddd...e-X, no point for a single digit. */
		s[n++] = dec->d[0];
		if (len > 1) {
			s[n++] = '.';
			memcpy(s + n, dec->d + 1, (size_t)len - 1);
			n += (size_t)len - 1;
		}
		n += (size_t)sprintf(s + n, "%c%ld", rng_below(2) ? 'e' : 'E',
				     point - 1);
	} else if (point >= len) {
		memcpy(s + n, dec->d, (size_t)len);
		n += (size_t)len;
		for (long z = point - len; z > 0; z--)
			s[n++] = '0';
	} else if (point > 0) {
		memcpy(s + n, dec->d, (size_t)point);
		n += (size_t)point;
		s[n++] = '.';
		memcpy(s + n, dec->d + point, (size_t)(len - point));
		n += (size_t)(len - point);
	} else {
		if (rng_below(2))
			s[n++] = '0';
		s[n++] = '.';
		for (long z = -point; z > 0; z--)
			s[n++] = '0';
		memcpy(s + n, dec->d, (size_t)len);
		n += (size_t)len;
	}
	s[n] = '\0';
	return n;
}

/* A positive finite double, biased to where parsers go wrong: subnormals,
 * the normal/subnormal boundary, the top of the range, and around 2^53. */
static double
interesting_double(void)
{
	uint64_t frac = rng() & 0xfffffffffffffu, expo;
	double x;

	switch (rng_below(8)) {
	case 0: expo = 0; break;
	case 1: expo = 1; break;
	case 2: expo = 2046; break;
	case 3: expo = 1075 + rng_below(3) - 1; break;
	default: expo = rng_below(2047); break;
	}
	switch (rng_below(8)) {
	case 0: frac = 0; break;
	case 1: frac = 0xfffffffffffffu; break;
	case 2: frac = rng_below(4); break;
	default: break;
	}
	if (expo == 0 && frac == 0)
		frac = 1;
	expo = expo << 52 | frac;
	memcpy(&x, &expo, sizeof x);
	return x;
}

/* The status and value of correctly rounding DEC, known from how it was
 * built, checked against number_parse (and strtod, for the record). */
static void
check_decimal(int line, const struct decimal *dec, int negative,
	      enum number_status want, double value)
{
	char s[2048];
	size_t n = decimal_text(s, dec, negative);

	check_parse(line, s, n, want, negative ? -value : value);
	check_like_strtod(line, s, n);
}

static void
test_midpoints(long count)
{
	for (long k = 0; k < count; k++) {
		double x = k == 0 ? DBL_MAX : interesting_double(), next;
		int e, negative = rng_below(2) == 0;
		uint64_t m;
		struct decimal dec;
		enum number_status next_st = NUMBER_OK;
		size_t keep;

		/* x = M * 2^E with M the 53-bit (or subnormal) significand. */
		if (x < DBL_MIN) {
			e = -1074;
			m = (uint64_t)ldexp(x, 1074);
		} else {
			frexp(x, &e);
			e -= 53;
			m = (uint64_t)ldexp(x, -e);
		}
		next = nextafter(x, INFINITY);
		if (isinf(next))
			next_st = NUMBER_RANGE;

		/* x itself, exactly. */
		decimal_exact(&dec, m, e);
		check_decimal(__LINE__, &dec, negative, NUMBER_OK, x);

		/* The midpoint (2M + 1) * 2^(E-1): a tie, to the even one. */
		decimal_exact(&dec, 2 * m + 1, e - 1);
		if (m % 2 == 0)
			check_decimal(__LINE__, &dec, negative, NUMBER_OK, x);
		else
			check_decimal(__LINE__, &dec, negative, next_st, next);

		/* A hair above the midpoint, however far down the hair is:
		 * parsers that read only the first 19 or 768 digits miss it. */
		{
			struct decimal above = dec;
			size_t zeros = rng_below(4) == 0 ? rng_below(300) : 0;

			for (size_t z = 0; z < zeros; z++)
				above.d[above.len++] = '0';
			above.d[above.len++] = '1';
			above.scale -= (int)zeros + 1;
			check_decimal(__LINE__, &above, negative, next_st,
				      next);
		}

		/* The midpoint cut short, so at or below it (maybe below x
		 * too): no value known in advance, strtod decides. */
		keep = 1 + rng_below((unsigned)dec.len);
		if (keep < dec.len) {
			char s[2048];
			size_t n;

			dec.scale += (int)(dec.len - keep);
			dec.len = keep;
			n = decimal_text(s, &dec, negative);
			check_like_strtod(__LINE__, s, n);
		}
	}
}

/* Random short texts over the characters a number is made of, plus a few
 * it is not: whatever the grammar rejects must be NUMBER_INVALID, and
 * whatever it accepts must parse like strtod. */
static void
test_fuzz_grammar(long count)
{
	static const char alphabet[] = "0123456789012345+-..eE x,\0";
	char s[16];

	for (long k = 0; k < count; k++) {
		size_t len = rng_below(9);

		for (size_t i = 0; i < len; i++)
			s[i] = alphabet[rng_below(sizeof alphabet - 1)];
		s[len] = '\0';
		if (grammar_accepts(s, len))
			check_like_strtod(__LINE__, s, len);
		else
			check_parse(__LINE__, s, len, NUMBER_INVALID, 0.0);
	}
}

/* The text of a shape: SIGN, ZEROS leading zeros, N digits with the
 * point before digit POINT (after the last for POINT == N, nowhere for
 * POINT > N), then EXP.  The digits are random (DIGITS 0), all 9 (1), all
 * 0 (2), or a 1 and zeros (3). */
static size_t
shape_text(char *s, const char *sign, size_t zeros, size_t n, size_t point,
	   int digits, const char *exp)
{
	size_t len = (size_t)sprintf(s, "%s", sign);

	for (size_t z = 0; z < zeros; z++)
		s[len++] = '0';
	for (size_t i = 0; i < n; i++) {
		if (i == point)
			s[len++] = '.';
		switch (digits) {
		case 0: s[len++] = (char)('0' + rng_below(10)); break;
		case 1: s[len++] = '9'; break;
		case 2: s[len++] = '0'; break;
		default: s[len++] = i == 0 ? '1' : '0'; break;
		}
	}
	if (point == n)
		s[len++] = '.';
	return len + (size_t)sprintf(s + len, "%s", exp);
}

/* S with each of its LEN bytes in turn replaced by one not allowed there
 * or just outside the digits ('/' and ':', and high bytes): the fast
 * paths must turn down exactly what the grammar does. */
static void
check_corrupted(char *s, size_t len)
{
	static const char bad[] = "/:.+-eE x\0\x80\xb0";

	for (size_t j = 0; j < len; j++) {
		char c = s[j];

		s[j] = bad[rng_below(sizeof bad - 1)];
		if (grammar_accepts(s, len))
			check_like_strtod(__LINE__, s, len);
		else
			check_parse(__LINE__, s, len, NUMBER_INVALID, 0.0);
		s[j] = c;
	}
}

/* Every shape the word and vector paths tell apart, at every length they
 * take and around it: 1 to 25 digits, the point before each of them,
 * after the last or nowhere, each sign, 0 to 3 leading zeros, exponents of
 * 1 to 5 digits or none, the digits of each kind shape_text writes; and
 * the random ones corrupted. */
static void
test_shapes(void)
{
	static const char *const signs[] = {"", "+", "-"};
	static const char *const exps[] = {"",	    "e5",     "E-05", "e+300",
					   "e-320", "e22",    "e-22", "e23",
					   "e0307", "e-00342"};
	enum { EXPS = sizeof exps / sizeof exps[0] };

	for (size_t n = 1; n <= 25; n++)
		for (size_t point = 0; point <= n + 1; point++)
			for (size_t k = 0; k < 3 * 4 * EXPS * 4; k++) {
				size_t si = k % 3, zeros = k / 3 % 4,
				       ei = k / 12 % EXPS;
				int digits = (int)(k / 12 / EXPS);
				char s[64];
				size_t len =
					shape_text(s, signs[si], zeros, n,
						   point, digits, exps[ei]);

				check_like_strtod(__LINE__, s, len);
				if (digits == 0 && ei <= 1)
					check_corrupted(s, len);
			}
}

/* The shape number_fast says it takes (number_fast.h), written again:
 * '-' or nothing, 17 to 32 bytes of digits and one point among the first
 * 16, at most 19 digits after the leading zeros of the first 16 bytes. */
static int
fast_shape(const char *s, size_t len)
{
	size_t i = len > 0 && s[0] == '-', n = len - i, point = n, zeros = 0;
	int leading = 1;

	if (n < 17 || n > 32)
		return 0;
	for (size_t j = 0; j < n; j++) {
		char c = s[i + j];

		if (c == '.' && point == n) {
			point = j;
		} else if (c < '0' || c > '9') {
			return 0;
		} else if (c != '0') {
			leading = 0;
		} else if (leading && j < 16) {
			zeros++;
		}
	}
	return point < 16 && n - 1 - zeros <= 19;
}

/* The texts the fast path is for, and those around them, against strtod:
 * printf's %.15g to %.20g of doubles from 1e-7 to 1e17 of both signs (the
 * shape of gen.c's files), and texts of every length from 15 to 35 bytes
 * with the point at every place, leading zeros, signs, all nines, zeros,
 * a one and zeros.  With SSE2 number_fast must take every text of its
 * shape (fast_shape), else none. */
static void
test_fast(long count)
{
	static const char *const signs[] = {"", "+", "-"};
	long shaped = 0, taken = 0;
	char s[128];

	for (long k = 0; k < count; k++) {
		double x = ldexp((double)(rng() >> 11), -53) *
			   pow(10.0, (int)rng_below(25) - 7);
		int len = snprintf(s, sizeof s, "%.*g", 15 + (int)rng_below(6),
				   rng_below(2) ? -x : x);
		double got;

		check_like_strtod(__LINE__, s, (size_t)len);
		if (fast_shape(s, (size_t)len)) {
			shaped++;
			taken += number_fast(s, (size_t)len, &got);
		}
	}
	for (size_t n = 14; n <= 34; n++)
		for (size_t point = 0; point <= n + 1; point++)
			for (size_t k = 0; k < 3 * 6 * 4 * 3; k++) {
				size_t len = shape_text(s, signs[k % 3],
							k / 3 % 6, n, point,
							(int)(k / 18 % 4), "");
				double got;

				check_like_strtod(__LINE__, s, len);
				if (fast_shape(s, len)) {
					shaped++;
					taken += number_fast(s, len, &got);
				}
			}
#ifdef NUMBER_SSE2
	CHECK_INT(taken, shaped);
#else
	CHECK_INT(taken, 0);
#endif
	CHECK(shaped > count / 2);
}

int
main(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	char *pages;

	page_size = ps > 0 ? (size_t)ps : 4096;
	pages = mmap(NULL, 3 * page_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (pages == MAP_FAILED || mprotect(pages, page_size, PROT_NONE) != 0 ||
	    mprotect(pages + 2 * page_size, page_size, PROT_NONE) != 0) {
		perror("test_number: mmap");
		return 1;
	}
	page = pages + page_size;
	rng_state = 0x9e3779b97f4a7c15u;
	test_table();
	test_scan_table();
	test_random_like_strtod(3000000);
	test_midpoints(100000);
	test_fuzz_grammar(200000);
	test_shapes();
	test_fast(1000000);
#ifdef NUMBER_SSE2
	/* Not all turned down: the checks above saw it take texts. */
	CHECK(fast_taken > fast_given / 20);
#endif
	return check_finish(TEST_NAME);
}
