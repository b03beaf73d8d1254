/* read_blocks.h: a ring of blocks of text (struct read_rows_block) that worker
 * threads convert to rows; the rows come back in order.  Each fused block
 * learns from the blocks before it where its batches begin. */
#ifndef RMSETAB_READ_BLOCKS_H
#define RMSETAB_READ_BLOCKS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "read_rows.h"

struct read_blocks {
	const struct read_rows_plan *plan;
	size_t nworkers, nslots;
	struct read_rows_block *slot;
	int *state;    /* of each slot */
	bool *counted; /* each slot's records are known (read_rows_block) */
	uint64_t submitted, taken, collected; /* counts of blocks */
	pthread_t *thread;
	/* Each worker thread's scratch for -g, lent to the blocks it
	 * converts (struct read_rows_gscratch); STARTED workers have taken
	 * theirs. */
	struct read_rows_gscratch *gscratch;
	size_t started;
	pthread_mutex_t lock;
	pthread_cond_t work, done, aligned;
	bool quit;
};

/* Starts NWORKERS threads (0: blocks are converted as they are submitted).
 * Returns 0, or -1 (reported). */
int read_blocks_init(struct read_blocks *b, size_t nworkers);

void read_blocks_free(struct read_blocks *b);

/* The plan to convert with; only while no block is in flight. */
void read_blocks_set_plan(struct read_blocks *b,
			  const struct read_rows_plan *plan);

/* Blocks submitted and not yet collected. */
size_t read_blocks_in_flight(const struct read_blocks *b);

/* The slot to fill next; only while read_blocks_in_flight() < b->nslots. */
struct read_rows_block *read_blocks_next(struct read_blocks *b);

/* Hands the block from read_blocks_next() to the workers.  A fused block
 * must have its first_row, or READ_ROWS_UNKNOWN when a block is in flight:
 * it then learns it from the blocks before it. */
void read_blocks_submit(struct read_blocks *b);

/* Waits for the oldest block in flight and returns it, converted; it stays
 * the caller's until read_blocks_release(). */
struct read_rows_block *read_blocks_collect(struct read_blocks *b);

void read_blocks_release(struct read_blocks *b);

#endif
