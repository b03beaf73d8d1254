/* blocks.c: a ring of blocks and the threads that convert them.  The reader
 * fills slots in order, any worker converts the oldest waiting one, and the
 * reader collects them in the order it filled them, so that rows reach the
 * batcher exactly as one pass would hand them over. */
#include "blocks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvin.h"
#include "diag.h"

enum { FREE, FILLED, CONVERTING, CONVERTED };

struct convert_ctx {
	const struct rows_plan *plan;
	struct blocks_block *blk;
	bool oom;
};

static bool
room_for_row(struct blocks_block *blk, bool keys, size_t outputs)
{
	size_t cap;
	void *p;

	if (blk->nrows < blk->rows_cap)
		return true;
	cap = blk->rows_cap ? 2 * blk->rows_cap : 4096;
	if ((p = realloc(blk->rows, cap * sizeof *blk->rows)) == NULL)
		return false;
	blk->rows = p;
	if (outputs > 0) {
		if ((p = realloc(blk->out, cap * outputs * sizeof *blk->out)) ==
		    NULL)
			return false;
		blk->out = p;
	}
	if (keys) {
		if ((p = realloc(blk->key_off, cap * sizeof *blk->key_off)) ==
		    NULL)
			return false;
		blk->key_off = p;
		if ((p = realloc(blk->key_len, cap * sizeof *blk->key_len)) ==
		    NULL)
			return false;
		blk->key_len = p;
	}
	blk->rows_cap = cap;
	return true;
}

static int
convert_record(void *ctx, const struct csvin_record *rec)
{
	struct convert_ctx *cc = ctx;
	struct blocks_block *blk = cc->blk;
	const struct rows_plan *plan = cc->plan;
	bool keys = plan->ecol != ROWS_NONE;
	size_t outputs = plan->cfg->per_output ? plan->pairs : 0;

	if (!room_for_row(blk, keys, outputs)) {
		cc->oom = true;
		return -1;
	}
	switch (rows_convert(plan, rec, blk->t, blk->p, &blk->rows[blk->nrows],
			     outputs ? blk->out + blk->nrows * outputs : NULL,
			     &blk->error)) {
	case ROWS_OK:
		if (keys) {
			blk->key_off[blk->nrows] =
				(size_t)(rec->field[plan->ecol] - blk->text);
			blk->key_len[blk->nrows] = rec->len[plan->ecol];
		}
		blk->nrows++;
		return 0;
	case ROWS_SKIPPED:
		if (blk->skipped < BLOCKS_SKIPS_KEPT)
			blk->skip_line[blk->skipped] = blk->error.line;
		blk->skipped++;
		return 0;
	case ROWS_ERROR: break;
	}
	blk->failed = true;
	return -1;
}

static void
convert(const struct rows_plan *plan, struct blocks_block *blk)
{
	struct convert_ctx cc = {plan, blk, false};
	struct csvin c;
	size_t used;

	blk->quote = blk->failed = false;
	blk->nrows = 0;
	blk->skipped = 0;
	if (blk->scratch_pairs < plan->pairs) {
		free(blk->t);
		free(blk->p);
		blk->t = malloc(plan->pairs * sizeof *blk->t);
		blk->p = malloc(plan->pairs * sizeof *blk->p);
		blk->scratch_pairs = blk->t && blk->p ? plan->pairs : 0;
	}
	if (blk->scratch_pairs == 0) {
		cc.oom = true;
	} else {
		csvin_init(&c, "", plan->opts->delim, 1, convert_record, &cc);
		switch (csvin_split(&c, blk->text, blk->len, true, &used)) {
		case CSVIN_SPLIT_QUOTE: blk->quote = true; break;
		case CSVIN_SPLIT_ERROR:
			blk->failed = true;
			blk->error.line = c.error_line;
			snprintf(blk->error.text, sizeof blk->error.text, "%s",
				 c.error);
			break;
		default: break;
		}
		blk->lines = c.line - 1;
		csvin_free(&c);
	}
	if (cc.oom) {
		blk->failed = true;
		blk->error.line = 1;
		strcpy(blk->error.text, "out of memory");
	}
}

static void *
worker(void *arg)
{
	struct blocks *b = arg;

	pthread_mutex_lock(&b->lock);
	for (;;) {
		struct blocks_block *blk;

		while (!b->quit && b->taken == b->submitted)
			pthread_cond_wait(&b->work, &b->lock);
		if (b->quit)
			break;
		blk = &b->slot[b->taken++ % b->nslots];
		blk->state = CONVERTING;
		pthread_mutex_unlock(&b->lock);
		convert(b->plan, blk);
		pthread_mutex_lock(&b->lock);
		blk->state = CONVERTED;
		pthread_cond_broadcast(&b->done);
	}
	pthread_mutex_unlock(&b->lock);
	return NULL;
}

int
blocks_init(struct blocks *b, size_t nworkers)
{
	memset(b, 0, sizeof *b);
	b->nworkers = nworkers;
	/* Enough blocks that each worker has one to convert while the reader
	 * fills another and the batcher takes a third. */
	b->nslots = 2 * nworkers + 2;
	b->slot = calloc(b->nslots, sizeof *b->slot);
	b->thread = calloc(nworkers ? nworkers : 1, sizeof *b->thread);
	if (b->slot == NULL || b->thread == NULL) {
		diag("out of memory");
		free(b->slot);
		free(b->thread);
		b->slot = NULL; /* nothing for blocks_free to do */
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
blocks_free(struct blocks *b)
{
	if (b->slot == NULL)
		return;
	pthread_mutex_lock(&b->lock);
	b->quit = true;
	pthread_cond_broadcast(&b->work);
	pthread_mutex_unlock(&b->lock);
	for (size_t i = 0; i < b->nworkers; i++)
		pthread_join(b->thread[i], NULL);
	for (size_t i = 0; i < b->nslots; i++) {
		struct blocks_block *blk = &b->slot[i];

		free(blk->text);
		free(blk->rows);
		free(blk->out);
		free(blk->key_off);
		free(blk->key_len);
		free(blk->t);
		free(blk->p);
	}
	free(b->slot);
	free(b->thread);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->work);
	pthread_cond_destroy(&b->done);
}

void
blocks_set_plan(struct blocks *b, const struct rows_plan *plan)
{
	b->plan = plan;
}

size_t
blocks_in_flight(const struct blocks *b)
{
	return (size_t)(b->submitted - b->collected);
}

struct blocks_block *
blocks_next(struct blocks *b)
{
	return &b->slot[b->submitted % b->nslots];
}

void
blocks_submit(struct blocks *b)
{
	struct blocks_block *blk = &b->slot[b->submitted % b->nslots];

	if (b->nworkers == 0) {
		convert(b->plan, blk);
		blk->state = CONVERTED;
		b->submitted++;
		b->taken++;
		return;
	}
	pthread_mutex_lock(&b->lock);
	blk->state = FILLED;
	b->submitted++;
	pthread_cond_signal(&b->work);
	pthread_mutex_unlock(&b->lock);
}

struct blocks_block *
blocks_collect(struct blocks *b)
{
	struct blocks_block *blk = &b->slot[b->collected % b->nslots];

	if (b->nworkers > 0) {
		pthread_mutex_lock(&b->lock);
		while (blk->state != CONVERTED)
			pthread_cond_wait(&b->done, &b->lock);
		pthread_mutex_unlock(&b->lock);
	}
	return blk;
}

void
blocks_release(struct blocks *b)
{
	b->slot[b->collected++ % b->nslots].state = FREE;
}
