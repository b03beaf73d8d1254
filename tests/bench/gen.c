/* gen.c: the benchmark's data, the same bytes on every machine: a header
 * and ROWS rows of PAIRS true and predicted values printed with 17
 * significant digits, as a model's prediction dump would be; with GROUPS,
 * a last column, group, of GROUPS keys (g0, g1, ...) in no order, for -g.
 * usage: gen ROWS PAIRS [GROUPS] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state = 0x9e3779b97f4a7c15ULL;

static double
uniform(void) /* (0, 1), from xorshift64* */
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return ((double)((state * 2685821657736338717ULL) >> 11) + 0.5) *
	       0x1p-53;
}

static double
normal(void) /* Box-Muller */
{
	return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform());
}

int
main(int argc, char **argv)
{
	long rows, pairs, groups = 0;
	uint64_t key = 0x2545f4914f6cdd1dULL; /* the groups' own generator */

	if ((argc != 3 && argc != 4) || (rows = atol(argv[1])) < 1 ||
	    (pairs = atol(argv[2])) < 1 || pairs > 64 ||
	    (argc == 4 && (groups = atol(argv[3])) < 1)) {
		fputs("usage: gen ROWS PAIRS [GROUPS] (PAIRS from 1 to 64)\n",
		      stderr);
		return 2;
	}
	for (long j = 0; j < pairs; j++)
		printf("%strue_%ld", j ? "," : "", j);
	for (long j = 0; j < pairs; j++)
		printf(",pred_%ld", j);
	if (groups > 0)
		fputs(",group", stdout);
	putchar('\n');
	for (long i = 0; i < rows; i++) {
		double t[64];

		for (long j = 0; j < pairs; j++) {
			t[j] = normal();
			printf("%s%.17g", j ? "," : "", t[j]);
		}
		for (long j = 0; j < pairs; j++)
			printf(",%.17g", t[j] + 0.3 * normal());
		if (groups > 0) {
			key ^= key >> 12;
			key ^= key << 25;
			key ^= key >> 27;
			printf(",g%lu", (unsigned long)((key * 2685821657736338717ULL >> 32) %
						(uint64_t)groups));
		}
		putchar('\n');
	}
	return fclose(stdout) == 0 ? 0 : 1;
}
