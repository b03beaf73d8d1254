/* blocks.h: text without quotes, cut at record boundaries into blocks that
 * worker threads convert to rows; the rows come back in order. */
#ifndef RMSETAB_BLOCKS_H
#define RMSETAB_BLOCKS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metric.h"
#include "rows.h"

enum { BLOCKS_SKIPS_KEPT = 5 };

struct blocks_block {
	/* Set by the reader: whole records, physical line 1 at the start; or
	 * the start of one longer than CSVIN_RECORD_MAX, for the error. */
	char *text;
	size_t len, cap;

	/* Set by the conversion. */
	bool quote;	/* the text holds a quote: the rest is void */
	uint64_t lines; /* physical lines the text ends */
	size_t nrows, rows_cap;
	struct metric_row *rows;
	struct xdd *out;	   /* per-output values, pairs per row */
	size_t *key_off, *key_len; /* with -e: each row's epoch text */
	uint64_t skipped, skip_line[BLOCKS_SKIPS_KEPT];
	bool failed; /* ERROR stops the reading after NROWS rows */
	struct rows_error error;

	double *t, *p; /* scratch */
	size_t scratch_pairs;
	int state;
};

struct blocks {
	const struct rows_plan *plan;
	size_t nworkers, nslots;
	struct blocks_block *slot;
	uint64_t submitted, taken, collected; /* counts of blocks */
	pthread_t *thread;
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	bool quit;
};

/* Starts NWORKERS threads (0: blocks are converted as they are submitted).
 * Returns 0, or -1 (reported). */
int blocks_init(struct blocks *b, size_t nworkers);

void blocks_free(struct blocks *b);

/* The plan to convert with; only while no block is in flight. */
void blocks_set_plan(struct blocks *b, const struct rows_plan *plan);

/* Blocks submitted and not yet collected. */
size_t blocks_in_flight(const struct blocks *b);

/* The slot to fill next; only while blocks_in_flight() < b->nslots. */
struct blocks_block *blocks_next(struct blocks *b);

/* Hands the block from blocks_next() to the workers. */
void blocks_submit(struct blocks *b);

/* Waits for the oldest block in flight and returns it, converted; it stays
 * the caller's until blocks_release(). */
struct blocks_block *blocks_collect(struct blocks *b);

void blocks_release(struct blocks *b);

#endif
