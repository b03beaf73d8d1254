/* state_merge.h: --merge: reads saved states, joins the epochs that go on
 * from one state into the next, and hands back the epochs of one pass over
 * all their rows, or writes them as one state. */
#ifndef RMSETAB_STATE_MERGE_H
#define RMSETAB_STATE_MERGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "measures.h"
#include "metric.h"
#include "state.h"
#include "state_segment.h"

struct state_merge_entry {
	char *key; /* NULL without an epoch column */
	size_t key_len;
	uint64_t number;
	uint64_t state; /* the last state (counted from 1) that had it */
	uint64_t line;	/* where that state had it */
	struct state_segment seg;
};

struct state_merge {
	int (*first)(void *ctx, const struct state_merge *m);
	void *ctx;
	struct state_merge_entry *v; /* the epochs, in order */
	size_t n, cap;
	size_t *slot; /* by number: index + 1 into v, or 0 (open addressing) */
	size_t nslots;

	/* The first state, its header on LINE of FILE: the others must match
	 * it. */
	const char *file;
	uint64_t line;
	char *raw[STATE_HEADER_LINES];
	struct state_header h;
	struct state_segment_config sc;
	struct metric_sums total;
	uint64_t states;
};

/* An epoch of the merged states. */
struct state_merge_epoch {
	const char *key; /* its epoch column value (KEY_LEN bytes), or NULL */
	size_t key_len;
	uint64_t number; /* without an epoch column */
	const struct metric_sums *sums;
	struct metric_mean rmse, row_loss; /* sums of rows * batch value */
};

/* Ready to read states.  Once the first state's header is read,
 * FIRST(CTX, M) says whether to go on (0), and so can take the run's
 * settings from M->h. */
void state_merge_init(struct state_merge *m,
		      int (*first)(void *ctx, const struct state_merge *m),
		      void *ctx);

/* Reads the states in the open file FD, named NAME in messages (which
 * must outlive M), after those read before.  Returns 0, or -1 after
 * reporting an error (or FIRST's). */
int state_merge_file(struct state_merge *m, int fd, const char *name);

/* Whether the states keep what the N measures of LIST need: 0, or -1
 * after reporting the first that cannot be computed. */
int state_merge_check(const struct state_merge *m, const enum measure *list,
		      size_t n);

/* Writes the merged states to OUT as one state, whose -c is LIST (N
 * measures).  Returns 0, or -1 when out of memory (reported); a failed
 * write shows in ferror(OUT). */
int state_merge_save(const struct state_merge *m, FILE *out,
		     const enum measure *list, size_t n);

/* Epoch I (< M->n) of the merged states. */
void state_merge_get(const struct state_merge *m, size_t i,
		     struct state_merge_epoch *e);

void state_merge_free(struct state_merge *m);

#endif
