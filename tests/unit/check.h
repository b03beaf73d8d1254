/* check.h: the assertion macros the unit tests share; no framework.  A
 * failed check prints one line with file:line and the values, and the run
 * goes on, so that one broken case does not hide the others. */
#ifndef RMSETAB_CHECK_H
#define RMSETAB_CHECK_H

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A loop over random cases could print thousands of lines for one bug:
 * after this many, failures are still counted but no longer printed. */
#ifndef CHECK_MAX_PRINTED
#define CHECK_MAX_PRINTED 25
#endif

static long check_count, check_failed;

static inline void
check_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	check_failed++;
	if (check_failed > CHECK_MAX_PRINTED)
		return;
	va_start(ap, fmt);
	printf("%s:%d: ", file, line);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

static inline int
check_true_at(const char *file, int line, int ok, const char *expr)
{
	check_count++;
	if (!ok)
		check_fail(file, line, "check failed: %s", expr);
	return ok;
}

static inline int
check_int_at(const char *file, int line, long long got, long long want,
	     const char *expr)
{
	check_count++;
	if (got != want)
		check_fail(file, line, "%s is %lld, expected %lld", expr, got,
			   want);
	return got == want;
}

static inline int
check_u64_at(const char *file, int line, uint64_t got, uint64_t want,
	     const char *expr)
{
	check_count++;
	if (got != want)
		check_fail(file, line, "%s is %" PRIu64 ", expected %" PRIu64,
			   expr, got, want);
	return got == want;
}

/* Bit-identical, so that -0.0 differs from 0.0 and a result one unit in
 * the last place off is caught; any NaN matches any NaN, since no caller
 * promises a payload. */
static inline int
check_double_at(const char *file, int line, double got, double want,
		const char *expr)
{
	int ok = (isnan(got) && isnan(want)) ||
		 (!isnan(got) && !isnan(want) &&
		  memcmp(&got, &want, sizeof got) == 0);

	check_count++;
	if (!ok)
		check_fail(file, line, "%s is %.17g (%a), expected %.17g (%a)",
			   expr, got, got, want, want);
	return ok;
}

static inline int
check_str_at(const char *file, int line, const char *got, const char *want,
	     const char *expr)
{
	int ok = got != NULL && strcmp(got, want) == 0;

	check_count++;
	if (!ok)
		check_fail(file, line, "%s is \"%s\", expected \"%s\"", expr,
			   got ? got : "(null)", want);
	return ok;
}

/* HAY holds NEEDLE: for messages whose exact wording no document fixes. */
static inline int
check_contains_at(const char *file, int line, const char *hay,
		  const char *needle, const char *expr)
{
	int ok = hay != NULL && strstr(hay, needle) != NULL;

	check_count++;
	if (!ok)
		check_fail(file, line,
			   "%s is \"%s\", expected it to contain "
			   "\"%s\"",
			   expr, hay ? hay : "(null)", needle);
	return ok;
}

/* Prints the summary line and returns the exit status. */
static inline int
check_finish(const char *name)
{
	if (check_failed > CHECK_MAX_PRINTED)
		printf("%s: %ld more failures not shown\n", name,
		       check_failed - CHECK_MAX_PRINTED);
	printf("%s: %ld checks, %ld failed\n", name, check_count, check_failed);
	return check_failed ? 1 : 0;
}

#define CHECK(c)	     check_true_at(__FILE__, __LINE__, !!(c), #c)
#define CHECK_INT(g, w)	     check_int_at(__FILE__, __LINE__, (g), (w), #g)
#define CHECK_U64(g, w)	     check_u64_at(__FILE__, __LINE__, (g), (w), #g)
#define CHECK_DOUBLE(g, w)   check_double_at(__FILE__, __LINE__, (g), (w), #g)
#define CHECK_STR(g, w)	     check_str_at(__FILE__, __LINE__, (g), (w), #g)
#define CHECK_CONTAINS(g, w) check_contains_at(__FILE__, __LINE__, (g), (w), #g)

/* A seeded generator (splitmix64), so that a failure is the same on every
 * run; each test sets rng_state first. */
static uint64_t rng_state;

static inline uint64_t
rng(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static inline unsigned
rng_below(unsigned n)
{
	return (unsigned)(rng() % n);
}

#endif
