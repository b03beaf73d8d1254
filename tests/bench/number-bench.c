/* number-bench: how fast number_parse turns text into doubles, and
 * number_scan fields of a row buffer into doubles, in ns per number and
 * MB/s of text, on the numbers of CSV files (those of gen.c:
 * %.17g of normal values) and on generated sets of other common forms.
 * Not a test: `make bench-number` builds and runs it.
 * usage: number-bench [-G] [-r REPS] [FILE.csv...]
 * -G leaves out the generated sets. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "number.h"

/* A set of numbers: their text, each followed by a comma or a newline (a
 * delimiter, as in a CSV file), and where each starts and how long it is. */
struct set {
	const char *name;
	char *text, *end; /* the whole buffer */
	size_t bytes;
	const char **field;
	size_t *len;
	size_t n, cap;
};

static void
set_add(struct set *s, const char *p, size_t len)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->field = realloc(s->field, s->cap * sizeof *s->field);
		s->len = realloc(s->len, s->cap * sizeof *s->len);
		if (s->field == NULL || s->len == NULL) {
			perror("number-bench");
			exit(2);
		}
	}
	s->field[s->n] = p;
	s->len[s->n++] = len;
}

/* Every field of FILE after its first line, split at commas and line
 * ends (gen.c writes no quotes). */
static int
set_from_file(struct set *s, const char *path)
{
	FILE *f = fopen(path, "rb");
	long size;
	char *p, *end, *start;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 ||
	    (s->text = malloc((size_t)size + 1)) == NULL ||
	    fread(s->text, 1, (size_t)size, f) != (size_t)size) {
		perror(path);
		return -1;
	}
	fclose(f);
	s->name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	s->bytes = (size_t)size;
	end = s->text + size;
	*end = '\n';
	s->end = end + 1;
	p = memchr(s->text, '\n', (size_t)size);
	p = p ? p + 1 : end;
	s->bytes = (size_t)(end - p);
	for (start = p; p < end; p++)
		if (*p == ',' || *p == '\n') {
			set_add(s, start, (size_t)(p - start));
			start = p + 1;
		}
	return 0;
}

static uint64_t seed = 0x9e3779b97f4a7c15u;

static uint64_t
rnd(void) /* splitmix64 */
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

enum form {
	FORM_SHORT,   /* -12.375: 1-3 digits, a point, 1-4 digits */
	FORM_FLOAT32, /* %.9g of a float32 near 1 */
	FORM_INT,     /* 1-9 digits */
	FORM_SCI,     /* %.17e */
	FORM_LONG     /* 25 significant digits: beyond the fast paths */
};

/* COUNT numbers of one FORM, each followed by a comma. */
static void
set_generated(struct set *s, const char *name, enum form form, size_t count)
{
	size_t cap = count * 40, n = 0;

	s->name = name;
	if ((s->text = malloc(cap)) == NULL) {
		perror("number-bench");
		exit(2);
	}
	for (size_t k = 0; k < count; k++) {
		char *p = s->text + n;
		const char *sign = rnd() % 2 ? "-" : "";
		double u = (double)(rnd() >> 11) * 0x1p-53;
		int len = 0;

		switch (form) {
		case FORM_SHORT: {
			int digits = (int)(1 + rnd() % 4);
			unsigned frac = (unsigned)(rnd() % 10000);

			for (int d = digits; d < 4; d++)
				frac /= 10;
			len = sprintf(p, "%s%u.%0*u", sign,
				      (unsigned)(rnd() % 1000), digits, frac);
			break;
		}
		case FORM_FLOAT32:
			len = sprintf(p, "%s%.9g", sign,
				      (double)(float)(u * 4));
			break;
		case FORM_INT:
			len = sprintf(p, "%s%u", sign,
				      (unsigned)(rnd() % 1000000000u) >>
					      (rnd() % 30));
			break;
		case FORM_SCI:
			len = sprintf(p, "%s%.17e", sign,
				      u * pow(10.0, (double)(rnd() % 41) - 20));
			break;
		case FORM_LONG:
			len = sprintf(
				p, "%s%u.%012llu%012llu", sign,
				(unsigned)(rnd() % 10),
				(unsigned long long)(rnd() % 1000000000000),
				(unsigned long long)(rnd() % 1000000000000));
			break;
		}
		p[len] = ',';
		set_add(s, p, (size_t)len);
		n += (size_t)len + 1;
	}
	s->bytes = n;
	s->end = s->text + n;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Parses every number of S, REPS times, by number_parse or with SCAN by
 * number_scan; prints the best and the median time per number.  Every
 * number must parse (and a scan stop at its delimiter): a set that does
 * not is not measuring the parser. */
static int
bench(const struct set *s, int reps, int scan)
{
	double t[64] = {0}, sum = 0.0; /* the last run's, to keep it all */

	for (int r = 0; r < reps; r++) {
		double t0 = now(), acc = 0.0;

		for (size_t i = 0; i < s->n; i++) {
			const char *stop = s->field[i] + s->len[i];
			double v;
			enum number_status st =
				scan ? number_scan(s->field[i], s->end, ',', &v,
						   &stop)
				     : number_parse(s->field[i], s->len[i], &v);

			if (st != NUMBER_OK ||
			    stop != s->field[i] + s->len[i]) {
				fprintf(stderr,
					"number-bench: %s: '%.*s' does "
					"not parse\n",
					s->name, (int)s->len[i], s->field[i]);
				return -1;
			}
			acc += v;
		}
		t[r] = now() - t0;
		sum = acc;
	}
	qsort(t, (size_t)reps, sizeof t[0], cmp_double);
	printf("%-28s %-6s %9zu %7.2f %7.2f %8.0f %8.0f  (%g)\n", s->name,
	       scan ? "scan" : "parse", s->n, 1e9 * t[0] / (double)s->n,
	       1e9 * t[reps / 2] / (double)s->n, (double)s->bytes / t[0] / 1e6,
	       (double)s->bytes / t[reps / 2] / 1e6, sum);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum form form;
	} forms[] = {
		{"short -12.375", FORM_SHORT}, {"float32 %.9g", FORM_FLOAT32},
		{"integers", FORM_INT},	       {"%.17e", FORM_SCI},
		{"25 digits", FORM_LONG},
	};
	int reps = 11, opt, status = 0, generated = 1;

	while ((opt = getopt(argc, argv, "Gr:")) != -1) {
		if (opt == 'G')
			generated = 0;
		else if (opt != 'r' || (reps = atoi(optarg)) < 1 || reps > 64) {
			fputs("usage: number-bench [-G] [-r REPS (1-64)] "
			      "[FILE.csv...]\n",
			      stderr);
			return 2;
		}
	}
	printf("%-28s %-6s %9s %7s %7s %8s %8s\n", "numbers", "call", "count",
	       "ns min", "ns med", "MB/s max", "MB/s med");
	for (int i = optind; i < argc; i++) {
		struct set s = {0};

		if (set_from_file(&s, argv[i]) != 0 ||
		    bench(&s, reps, 0) != 0 || bench(&s, reps, 1) != 0)
			status = 2;
		free(s.text);
		free(s.field);
		free(s.len);
	}
	for (size_t f = 0; generated && f < sizeof forms / sizeof forms[0];
	     f++) {
		struct set s = {0};

		set_generated(&s, forms[f].name, forms[f].form, 1000000);
		if (bench(&s, reps, 0) != 0 || bench(&s, reps, 1) != 0)
			status = 2;
		free(s.text);
		free(s.field);
		free(s.len);
	}
	return status;
}
