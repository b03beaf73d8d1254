/* blocks.h: a ring of blocks of text (struct rows_block) that worker
 * threads convert to rows; the rows come back in order. */
#ifndef RMSETAB_BLOCKS_H
#define RMSETAB_BLOCKS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rows.h"

struct blocks {
	const struct rows_plan *plan;
	size_t nworkers, nslots;
	struct rows_block *slot;
	int *state;			      /* of each slot */
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
struct rows_block *blocks_next(struct blocks *b);

/* Hands the block from blocks_next() to the workers. */
void blocks_submit(struct blocks *b);

/* Waits for the oldest block in flight and returns it, converted; it stays
 * the caller's until blocks_release(). */
struct rows_block *blocks_collect(struct blocks *b);

void blocks_release(struct blocks *b);

#endif
