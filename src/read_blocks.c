/* read_blocks.c: a ring of blocks and the threads that convert them.  The
 * reader fills slots in order, any worker converts the oldest waiting one, and
 * the reader collects them in the order it filled them, so that the rows are
 * handed on exactly as one pass would hand them over.  How a block becomes
 * rows is read_rows.c's. */
#include "read_blocks.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"

enum { FREE, FILLED, CONVERTING, CONVERTED };

/* Under the lock: each block in flight whose first row is not known yet
 * learns it from the block before it, once that one knows its own and has
 * counted its records (a fused block in its scan, another in its
 * conversion). */
static void
settle(struct read_blocks *b)
{
	bool news = false;

	for (uint64_t j = b->collected; j + 1 < b->submitted; j++) {
		const struct read_rows_block *s = &b->slot[j % b->nslots];
		struct read_rows_block *t = &b->slot[(j + 1) % b->nslots];

		if (b->counted[j % b->nslots] &&
		    s->first_row != READ_ROWS_UNKNOWN &&
		    t->first_row == READ_ROWS_UNKNOWN) {
			t->first_row = s->first_row + s->records;
			news = true;
		}
	}
	if (news)
		pthread_cond_broadcast(&b->aligned);
}

/* Slot I's records are counted. */
static void
counted(struct read_blocks *b, size_t i)
{
	b->counted[i] = true;
	settle(b);
}

/* Converts slot I with the worker's scratch GS, the lock held on entry
 * and on return.  A fused block is scanned first, and then waits to know
 * where its batches begin: the blocks before it were taken first, and
 * their scans are quick. */
static void
convert(struct read_blocks *b, size_t i, struct read_rows_gscratch *gs)
{
	struct read_rows_block *blk = &b->slot[i];

	pthread_mutex_unlock(&b->lock);
	read_rows_block_scan(b->plan, blk);
	pthread_mutex_lock(&b->lock);
	if (blk->fused) {
		counted(b, i);
		while (!blk->quote && blk->first_row == READ_ROWS_UNKNOWN &&
		       !b->quit)
			pthread_cond_wait(&b->aligned, &b->lock);
		if (b->quit)
			return;
	}
	pthread_mutex_unlock(&b->lock);
	blk->glent = gs;
	read_rows_block_convert(b->plan, blk);
	blk->glent = NULL;
	pthread_mutex_lock(&b->lock);
	if (!blk->fused)
		counted(b, i);
}

static void *
worker(void *arg)
{
	struct read_blocks *b = arg;
	struct read_rows_gscratch *gs;

	pthread_mutex_lock(&b->lock);
	gs = &b->gscratch[b->started++];
	for (;;) {
		size_t i;

		while (!b->quit && b->taken == b->submitted)
			pthread_cond_wait(&b->work, &b->lock);
		if (b->quit)
			break;
		i = b->taken++ % b->nslots;
		b->state[i] = CONVERTING;
		convert(b, i, gs);
		if (b->quit)
			break;
		b->state[i] = CONVERTED;
		pthread_cond_broadcast(&b->done);
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

int
read_blocks_init(struct read_blocks *b, size_t nworkers)
{
	memset(b, 0, sizeof *b);
	b->nworkers = nworkers;
	/* Enough blocks that each worker has one to convert while the reader
	 * fills another and hands on the rows of a third. */
	b->nslots = 2 * nworkers + 2;
	b->slot = calloc(b->nslots, sizeof *b->slot);
	b->state = calloc(b->nslots, sizeof *b->state);
	b->counted = calloc(b->nslots, sizeof *b->counted);
	b->thread = calloc(nworkers ? nworkers : 1, sizeof *b->thread);
	/* Without workers, the thread that submits converts, with the
	 * first. */
	b->gscratch = calloc(nworkers ? nworkers : 1, sizeof *b->gscratch);
	if (b->slot == NULL || b->state == NULL || b->counted == NULL ||
	    b->thread == NULL || b->gscratch == NULL) {
		diag("out of memory");
		free(b->slot);
		free(b->state);
		free(b->counted);
		free(b->thread);
		free(b->gscratch);
		b->slot = NULL; /* nothing for read_blocks_free to do */
		return -1;
	}
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->work, NULL);
	pthread_cond_init(&b->done, NULL);
	pthread_cond_init(&b->aligned, NULL);
	for (size_t i = 0; i < nworkers; i++) {
		if (pthread_create(&b->thread[i], NULL, worker, b) != 0) {
			/* Fewer threads still give the same result. */
			b->nworkers = i;
			break;
		}
	}
	return 0;
}

void
read_blocks_free(struct read_blocks *b)
{
	if (b->slot == NULL)
		return;
	pthread_mutex_lock(&b->lock);
	b->quit = true;
	pthread_cond_broadcast(&b->work);
	pthread_cond_broadcast(&b->aligned);
	pthread_mutex_unlock(&b->lock);
	for (size_t i = 0; i < b->nworkers; i++)
		pthread_join(b->thread[i], NULL);
	for (size_t i = 0; i < b->nslots; i++)
		read_rows_block_free(&b->slot[i]);
	for (size_t i = 0; i < (b->nworkers ? b->nworkers : 1); i++)
		read_rows_gscratch_free(&b->gscratch[i]);
	free(b->gscratch);
	free(b->slot);
	free(b->state);
	free(b->counted);
	free(b->thread);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->work);
	pthread_cond_destroy(&b->done);
	pthread_cond_destroy(&b->aligned);
}

void
read_blocks_set_plan(struct read_blocks *b, const struct read_rows_plan *plan)
{
	b->plan = plan;
}

size_t
read_blocks_in_flight(const struct read_blocks *b)
{
	return (size_t)(b->submitted - b->collected);
}

struct read_rows_block *
read_blocks_next(struct read_blocks *b)
{
	return &b->slot[b->submitted % b->nslots];
}

void
read_blocks_submit(struct read_blocks *b)
{
	size_t i = b->submitted % b->nslots;

	if (b->nworkers == 0) {
		/* The blocks before it are converted: it learns its first
		 * row at once. */
		pthread_mutex_lock(&b->lock);
		b->counted[i] = false;
		b->submitted++;
		b->taken++;
		settle(b);
		convert(b, i, &b->gscratch[0]);
		b->state[i] = CONVERTED;
		pthread_mutex_unlock(&b->lock);
		return;
	}
	pthread_mutex_lock(&b->lock);
	b->counted[i] = false;
	b->state[i] = FILLED;
	b->submitted++;
	settle(b);
	pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->lock);
}

struct read_rows_block *
read_blocks_collect(struct read_blocks *b)
{
	size_t i = b->collected % b->nslots;

	if (b->nworkers > 0) {
		pthread_mutex_lock(&b->lock);
		while (b->state[i] != CONVERTED)
			pthread_cond_wait(&b->done, &b->lock);
		pthread_mutex_unlock(&b->lock);
	}
	return &b->slot[i];
}

/* Under the lock: settle, on a worker, reads COLLECTED to know which
 * slots are in flight, and the slot freed here is filled again next. */
void
read_blocks_release(struct read_blocks *b)
{
	pthread_mutex_lock(&b->lock);
	b->state[b->collected++ % b->nslots] = FREE;
	pthread_mutex_unlock(&b->lock);
}
