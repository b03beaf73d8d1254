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
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "measures.h"
#include "run.h"
#include "state.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_FILES = 3, OPTION_BYTES = 3 };

struct writer {
	pthread_t thread;
	int fd;
	const uint8_t *data;
	size_t len, chunk;
	bool started;
};

struct output {
	char *out, *err, *saved;
	size_t out_len, err_len, saved_len;
	enum run_result result;
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* A reader that stops early must not kill the writer. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void *
write_all(void *arg)
{
	struct writer *w = arg;

	for (size_t done = 0; done < w->len;) {
		size_t n = w->len - done < w->chunk ? w->len - done : w->chunk;
		ssize_t k = write(w->fd, w->data + done, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break; /* the reader is gone */
		done += (size_t)k;
	}
	close(w->fd);
	return NULL;
}

/* A descriptor that reads as the LEN bytes at DATA: a memory file, or
 * with CHUNK a pipe written CHUNK bytes at a time. */
static int
open_feed(const uint8_t *data, size_t len, size_t chunk, struct writer *w)
{
	int fds[2];

	w->started = false;
	if (chunk == 0) {
		int fd = memfd_create("fuzz", MFD_CLOEXEC);

		if (fd < 0)
			abort();
		for (size_t done = 0; done < len;) {
			ssize_t k = write(fd, data + done, len - done);

			if (k <= 0)
				abort();
			done += (size_t)k;
		}
		if (lseek(fd, 0, SEEK_SET) != 0)
			abort();
		return fd;
	}
	if (pipe(fds) != 0)
		abort();
	*w = (struct writer){
		.fd = fds[1], .data = data, .len = len, .chunk = chunk};
	if (pthread_create(&w->thread, NULL, write_all, w) != 0)
		abort();
	w->started = true;
	return fds[0];
}

static void
run_once(const struct run_config *cfg, const uint8_t *data, const size_t *cut,
	 size_t nfiles, size_t chunk, bool save, struct output *res)
{
	static char a[] = "a.state", b[] = "b.state", c[] = "c.state";
	char *names[MAX_FILES] = {a, b, c};
	struct writer w[MAX_FILES];
	struct run_extras x = {NULL, NULL, 0};
	int fds[MAX_FILES];
	FILE *out, *saved = NULL, *saved_err = stderr;

	for (size_t i = 0; i < nfiles; i++)
		fds[i] = open_feed(data + cut[i], cut[i + 1] - cut[i], chunk,
				   &w[i]);
	*res = (struct output){0};
	out = open_memstream(&res->out, &res->out_len);
	if (save)
		saved = open_memstream(&res->saved, &res->saved_len);
	stderr = open_memstream(&res->err, &res->err_len);
	if (out == NULL || stderr == NULL || (save && saved == NULL))
		abort();
	x.save = saved;
	res->result = run_inputs(cfg, nfiles, fds, names, out, &x, 0);
	fclose(out);
	if (saved != NULL)
		fclose(saved);
	fclose(stderr);
	stderr = saved_err;
	for (size_t i = 0; i < nfiles; i++) {
		/* Closing the reading end first ends a writer still blocked. */
		close(fds[i]);
		if (w[i].started)
			pthread_join(w[i].thread, NULL);
	}
}

static bool
same(const char *a, size_t na, const char *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

static void
differ(const char *what, const struct output *a, const struct output *b)
{
	fprintf(stderr,
		"fuzz_state: %s\n--- first (result %d):\n%s%s--- saved:\n%s"
		"--- second (result %d):\n%s%s--- saved:\n%s",
		what, (int)a->result, a->out, a->err, a->saved ? a->saved : "",
		(int)b->result, b->out, b->err, b->saved ? b->saved : "");
	abort();
}

static void
free_output(struct output *o)
{
	free(o->out);
	free(o->err);
	free(o->saved);
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
	uint8_t opt[OPTION_BYTES] = {0}, *text;
	size_t cut[MAX_FILES + 1], nfiles, chunk;
	struct run_config o;
	struct output a, b, c;
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
	nfiles = 1 + ((opt[0] >> 4) & 3) % MAX_FILES;
	cut[0] = 0;
	cut[1] = nfiles == 1 ? size : size * (opt[1] & 7) / 8;
	cut[2] = nfiles == 2
			 ? size
			 : cut[1] + (size - cut[1]) * ((opt[1] >> 3) & 7) / 8;
	cut[nfiles] = size;
	chunk = opt[0] & 64 ? chunks[opt[1] >> 6] : 0;

	run_once(&o, text, cut, nfiles, chunk, save, &a);
	run_once(&o, text, cut, nfiles, 0, save, &b);
	if (a.result != b.result || !same(a.out, a.out_len, b.out, b.out_len) ||
	    !same(a.err, a.err_len, b.err, b.err_len) ||
	    !same(a.saved, a.saved_len, b.saved, b.saved_len))
		differ("the runs differ", &a, &b);
	if (getenv("FUZZ_SHOW") != NULL)
		fprintf(stderr, "--- result %d:\n%s%s--- saved:\n%s",
			(int)a.result, a.out, a.err, a.saved ? a.saved : "");
	if (save && a.result == RUN_OK) {
		/* The round trip: the state saved, merged and saved again. */
		size_t whole[2] = {0, a.saved_len};

		run_once(&o, (const uint8_t *)a.saved, whole, 1, 0, true, &c);
		if (c.result != RUN_OK ||
		    !same(a.out, a.out_len, c.out, c.out_len) ||
		    !same(a.saved, a.saved_len, c.saved, c.saved_len))
			differ("the state saved merges to something else", &a,
			       &c);
		free_output(&c);
	}
	free_output(&a);
	free_output(&b);
	free(text);
	return 0;
}
