/* saver.c: the state saver, the one place where a run's state is saved:
 * it keeps the rows of the epoch going on as a segment (state_segment.c) and
 * writes each epoch as its line comes, then the end line (state.c says
 * how a state is written).  With -g, each group's epochs are kept, as
 * segments, and written at the end, after those of all the rows: the
 * state holds each group's epochs together, and a group's last epoch ends
 * with the last file. */
#include "saver.h"

#include <stdlib.h>
#include <string.h>

#include "diag.h"

void
saver_init(struct saver *s, FILE *out, const struct saver_config *config)
{
	memset(s, 0, sizeof *s);
	s->config = config;
	state_writer_init(&s->writer, out);
}

static void
group_free(struct saver_group *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->epochs[i].key);
		state_segment_free(&g->epochs[i].seg);
	}
	free(g->epochs);
	free(g->key);
	state_segment_builder_free(&g->seg);
	memset(g, 0, sizeof *g);
}

void
saver_free(struct saver *s)
{
	state_writer_free(&s->writer);
	state_header_free(&s->header);
	state_segment_builder_free(&s->seg);
	for (size_t i = 0; i < s->ngroups; i++)
		group_free(&s->groups[i]);
	free(s->groups);
}

int
saver_start(struct saver *s, struct state_header *h)
{
	const struct saver_config *c = s->config;
	struct state_part part = {c->part, c->part, c->parts, c->run_id,
				  c->run_id != NULL ? strlen(c->run_id) : 0};
	struct state_id id;

	s->header = *h;
	memset(h, 0, sizeof *h);
	/* Its own id: merging it twice is refused. */
	state_id_new(&id);
	if (state_write_header(&s->writer, &s->header, &part, &id, 1) != 0) {
		s->failed = true;
		return -1;
	}
	if (state_segment_builder_init(&s->seg, &s->writer.sc) != 0) {
		diag("out of memory");
		s->failed = true;
		return -1;
	}
	return 0;
}

void
saver_rows(void *ctx, const struct metric_row *rows, size_t n)
{
	struct saver *s = ctx;

	state_segment_builder_add(&s->seg, rows, n);
}

/* The state of the epoch that ends, and a new segment for the next. */
static void
save_epoch(struct saver *s, const struct batcher_line *l)
{
	struct state_segment seg;

	if (state_segment_builder_take(&s->seg, &seg, l->sums) != 0) {
		diag("out of memory");
		s->failed = true;
	} else if (state_write_epoch(&s->writer, l->epoch_key, l->epoch_key_len,
				     l->epoch, &seg) != 0) {
		s->failed = true;
	}
	state_segment_free(&seg);
	state_segment_builder_reset(&s->seg);
}

/* Each group's epochs, in order, after those of all the rows; each
 * epoch's memory given back once written. */
static int
save_groups(struct saver *s)
{
	for (size_t i = 0; i < s->ngroups; i++) {
		struct saver_group *g = &s->groups[i];

		if (state_write_group(&s->writer, g->key, g->key_len) != 0)
			return -1;
		for (size_t j = 0; j < g->n; j++) {
			struct saver_epoch *e = &g->epochs[j];

			if (state_write_epoch(&s->writer, e->key, e->key_len,
					      e->number, &e->seg) != 0)
				return -1;
			state_segment_free(&e->seg);
		}
	}
	return 0;
}

void
saver_line(void *ctx, const struct batcher_line *l)
{
	struct saver *s = ctx;

	if (s->failed || l->kind == BATCHER_BATCH)
		return;
	if (l->kind == BATCHER_EPOCH)
		save_epoch(s, l);
	else if (save_groups(s) != 0 || state_write_end(&s->writer) != 0)
		s->failed = true;
}

int
saver_group(void *ctx, size_t i, const char *key, size_t key_len)
{
	struct saver *s = ctx;
	struct saver_group *g;

	if (i != s->ngroups)
		return -1; /* not as the groups make them: never */
	if (s->ngroups == s->groups_cap) {
		size_t cap = s->groups_cap ? 2 * s->groups_cap : 16;

		g = realloc(s->groups, cap * sizeof *g);
		if (g == NULL)
			return -1;
		s->groups = g;
		s->groups_cap = cap;
	}
	g = &s->groups[s->ngroups];
	memset(g, 0, sizeof *g);
	if ((g->key = malloc(key_len + 1)) == NULL ||
	    state_segment_builder_init(&g->seg, &s->writer.sc) != 0) {
		group_free(g);
		return -1;
	}
	memcpy(g->key, key, key_len);
	g->key[key_len] = '\0';
	g->key_len = key_len;
	s->ngroups++;
	return 0;
}

void
saver_group_rows(void *ctx, size_t i, const struct metric_row *rows, size_t n)
{
	struct saver *s = ctx;

	state_segment_builder_add(&s->groups[i].seg, rows, n);
}

/* Epoch L of group G, kept for the end; -1 when out of memory. */
static int
keep_epoch(struct saver_group *g, const struct batcher_line *l)
{
	struct saver_epoch *e;

	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 4;

		e = realloc(g->epochs, cap * sizeof *e);
		if (e == NULL)
			return -1;
		g->epochs = e;
		g->cap = cap;
	}
	e = &g->epochs[g->n];
	memset(e, 0, sizeof *e);
	e->number = l->epoch;
	if (l->epoch_key != NULL) {
		if ((e->key = malloc(l->epoch_key_len + 1)) == NULL)
			return -1;
		memcpy(e->key, l->epoch_key, l->epoch_key_len);
		e->key[l->epoch_key_len] = '\0';
		e->key_len = l->epoch_key_len;
	}
	if (state_segment_builder_take(&g->seg, &e->seg, l->sums) != 0) {
		state_segment_free(&e->seg);
		free(e->key);
		return -1;
	}
	g->n++;
	state_segment_builder_reset(&g->seg);
	return 0;
}

void
saver_group_line(void *ctx, size_t i, const struct batcher_line *l)
{
	struct saver *s = ctx;

	if (s->failed || l->kind != BATCHER_EPOCH)
		return;
	if (keep_epoch(&s->groups[i], l) != 0) {
		diag("out of memory");
		s->failed = true;
	}
}
