/* fuzz_state.c: a libFuzzer harness over saved states: bytes to states
 * read and checked, merged (parts put in order, ids checked), printed and
 * saved as one state, through run_inputs() as main() calls it with
 * --merge --save-state.  The first bytes choose the options and how the
 * bytes reach the reader:
 *
 *   byte 0  bit 0 make each state's checksum right (so that the fuzzer
 *           gets past it: it is no authentication, and the reader checks
 *           every value whatever it says), 1 a -c at the merge (byte 2),
 *           2-3 the format, 4-5 how many files (1 to 3), 6 read through
 *           pipes a few bytes at a time, 7 no --save-state (then the
 *           parts of a run must all be there)
 *   byte 1  bits 0-2 and 3-5 where the data is cut into files, 6-7 how
 *           many bytes a pipe write holds (1, 7, 64, 4096)
 *   byte 2  with bit 1 of byte 0: which measures -c names (a bit each,
 *           in the order of the -c table, from rmse)
 *   then the states, text.
 *
 * Each input runs twice, as chosen and from memory files: both runs must
 * print the same lines and messages, save the same state and end the same
 * way.  Then, when the merge saved a state, that state is merged and saved
 * again (a round trip): it must print what the first merge printed and
 * save the same bytes.  Otherwise the harness aborts: a crash is not the
 * only bug.  With FUZZ_SHOW set in the environment, it prints what the
 * first run prints and saves. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed.h"
#include "measures.h"
#include "state.h"

enum { OPTION_BYTES = 3 };

static void
differ(const char *what, const struct feed_output *a,
       const struct feed_output *b)
{
	fprintf(stderr,
		"fuzz_state: %s\n--- first (result %d):\n%s%s--- saved:\n%s"
		"--- second (result %d):\n%s%s--- saved:\n%s",
		what, (int)a->result, a->out, a->err, a->saved ? a->saved : "",
		(int)b->result, b->out, b->err, b->saved ? b->saved : "");
	abort();
}

/* Makes the end line of each state in the N bytes at D hold the checksum
 * of its lines: a line "end " and 16 hexadecimal digits gets the FNV-1a
 * hash of the bytes since the last "rmsetab-state" line (or the start). */
static void
reseal(uint8_t *d, size_t n)
{
	uint64_t hash = STATE_HASH_BASIS;

	for (size_t i = 0; i < n;) {
		uint8_t *nl = memchr(d + i, '\n', n - i);
		size_t len = nl != NULL ? (size_t)(nl - (d + i)) : n - i;
		char hex[17];

		if (len >= 13 && memcmp(d + i, "rmsetab-state", 13) == 0)
			hash = STATE_HASH_BASIS;
		if (len == 20 && memcmp(d + i, "end ", 4) == 0) {
			snprintf(hex, sizeof hex, "%016llx",
				 (unsigned long long)hash);
			memcpy(d + i + 4, hex, 16);
			hash = STATE_HASH_BASIS;
		} else {
			hash = state_hash(hash, (const char *)d + i, len);
			if (nl != NULL)
				hash = state_hash(hash, "\n", 1);
		}
		i += len + (nl != NULL);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum report_format formats[] = {REPORT_TABLE, REPORT_CSV,
						     REPORT_TSV, REPORT_JSONL};
	static const size_t chunks[] = {1, 7, 64, 4096};
	static char f1[] = "a.state", f2[] = "b.state", f3[] = "c.state";
	char *names[FEED_MAX_FILES] = {f1, f2, f3};
	uint8_t opt[OPTION_BYTES] = {0}, *text;
	size_t cut[FEED_MAX_FILES + 1], nfiles, chunk;
	struct run_config o;
	struct feed_output a, b, c;
	bool save;

	for (size_t i = 0; i < OPTION_BYTES && size > 0; i++, size--)
		opt[i] = *data++;
	/* The configs as main's configure() makes them with --merge: the
	 * states say the rest. */
	o = (struct run_config){
		.report = {.format = formats[(opt[0] >> 2) & 3],
			   .precision = 17},
		.merge = true,
	};
	if (opt[0] & 2)
		for (int m = 0; m < M_COUNT && m < 8; m++)
			if (opt[2] & (1u << m))
				o.report.measures[o.report.nmeasures++] =
					(enum measure)m;
	save = !(opt[0] & 128);
	if ((text = malloc(size + 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(text, data, size);
	if (opt[0] & 1)
		reseal(text, size);
	nfiles = 1 + ((opt[0] >> 4) & 3) % FEED_MAX_FILES;
	feed_cut(cut, size, nfiles, opt[1] & 7, (opt[1] >> 3) & 7);
	chunk = opt[0] & 64 ? chunks[opt[1] >> 6] : 0;

	feed_run(&o, names, text, cut, nfiles,
		 chunk != 0 ? FEED_PIPE : FEED_MEMORY, chunk, 0, save, &a);
	feed_run(&o, names, text, cut, nfiles, FEED_MEMORY, 0, 0, save, &b);
	if (a.result != b.result ||
	    !feed_same(a.out, a.out_len, b.out, b.out_len) ||
	    !feed_same(a.err, a.err_len, b.err, b.err_len) ||
	    !feed_same(a.saved, a.saved_len, b.saved, b.saved_len))
		differ("the runs differ", &a, &b);
	if (getenv("FUZZ_SHOW") != NULL)
		fprintf(stderr, "--- result %d:\n%s%s--- saved:\n%s",
			(int)a.result, a.out, a.err, a.saved ? a.saved : "");
	if (save && a.result == RUN_OK) {
		/* The round trip: the state saved, merged and saved again. */
		size_t whole[2] = {0, a.saved_len};

		feed_run(&o, names, (const uint8_t *)a.saved, whole, 1,
			 FEED_MEMORY, 0, 0, true, &c);
		if (c.result != RUN_OK ||
		    !feed_same(a.out, a.out_len, c.out, c.out_len) ||
		    !feed_same(a.saved, a.saved_len, c.saved, c.saved_len))
			differ("the state saved merges to something else", &a,
			       &c);
		feed_free(&c);
	}
	feed_free(&a);
	feed_free(&b);
	free(text);
	return 0;
}
