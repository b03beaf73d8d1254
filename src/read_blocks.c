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

static void *
worker(void *arg)
{
	struct read_blocks *b = arg;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		struct read_rows_block *blk;
		size_t i;

		while (!b->quit && b->taken == b->submitted)
			pthread_cond_wait(&b->work, &b->lock);
		if (b->quit)
			break;
		i = b->taken++ % b->nslots;
		blk = &b->slot[i];
		b->state[i] = CONVERTING;
		pthread_mutex_unlock(&b->lock);
		read_rows_block_convert(b->plan, blk);
		pthread_mutex_lock(&b->lock);
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
	b->thread = calloc(nworkers ? nworkers : 1, sizeof *b->thread);
	if (b->slot == NULL || b->state == NULL || b->thread == NULL) {
		diag("out of memory");
		free(b->slot);
		free(b->state);
		free(b->thread);
		b->slot = NULL; /* nothing for read_blocks_free to do */
		return -1;
	}
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->work, NULL);
	pthread_cond_init(&b->done, NULL);
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
	pthread_mutex_unlock(&b->lock);
	for (size_t i = 0; i < b->nworkers; i++)
		pthread_join(b->thread[i], NULL);
	for (size_t i = 0; i < b->nslots; i++)
		read_rows_block_free(&b->slot[i]);
	free(b->slot);
	free(b->state);
	free(b->thread);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->work);
	pthread_cond_destroy(&b->done);
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
		read_rows_block_convert(b->plan, &b->slot[i]);
		b->state[i] = CONVERTED;
		b->submitted++;
		b->taken++;
		return;
	}
	pthread_mutex_lock(&b->lock);
	b->state[i] = FILLED;
	b->submitted++;
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

void
read_blocks_release(struct read_blocks *b)
{
	b->state[b->collected++ % b->nslots] = FREE;
}
