/* saver.c: the state saver, the one place where a run's state is saved:
 * it keeps the rows of the epoch going on as a segment (state_segment.c) and
 * writes each epoch as its line comes, then the end line (state.c says
 * how a state is written). */
#include "saver.h"

#include <string.h>

#include "diag.h"

void
saver_init(struct saver *s, FILE *out, const struct saver_config *config)
{
	memset(s, 0, sizeof *s);
	s->config = config;
	state_writer_init(&s->writer, out);
}

void
saver_free(struct saver *s)
{
	state_writer_free(&s->writer);
	state_header_free(&s->header);
	state_segment_builder_free(&s->seg);
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

void
saver_line(void *ctx, const struct batcher_line *l)
{
	struct saver *s = ctx;

	if (s->failed || l->kind == BATCHER_BATCH)
		return;
	if (l->kind == BATCHER_EPOCH)
		save_epoch(s, l);
	else if (state_write_end(&s->writer) != 0)
		s->failed = true;
}
