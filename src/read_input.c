/* read_input.c: one file from its first byte to the outlet.
 *
 * The first record is read here (it fixes the columns), then the text is
 * cut after the last line end of each read into blocks that the workers
 * convert; the rows come back in order.  A block that holds a quote cannot
 * have been cut safely (a quoted field may hold a line end), so from that
 * block on, libcsv parses the rest of the file on this thread.  The output
 * is the same either way. */
#include "read_input.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "read_csv.h"
#include "read_decompress.h"

/* Big enough that handing a block to a thread costs little against
 * converting it, small enough that the blocks in flight stay in cache. */
enum { BLOCK_SIZE = 1 << 18 };

int
read_input_init(struct read_input *in, const struct read_config *cfg,
		const struct read_input_outlet *outlet,
		struct progress *progress, size_t nworkers)
{
	memset(in, 0, sizeof *in);
	in->cfg = cfg;
	in->outlet = *outlet;
	in->row = cfg->row;
	in->progress = progress;
	/* Not with --decimal-comma: the fused loop reads numbers as
	 * number_parse does, where a point is a decimal mark.  With -g, it
	 * hands on every row, with its group. */
	in->fused = cfg->row.sq_only && !cfg->row.f32 && cfg->batch_size > 0 &&
		    cfg->epoch_col == NULL && !cfg->decimal_comma;
	read_keys_init(&in->keys, cfg->epoch_col != NULL);
	return read_blocks_init(&in->blocks, nworkers);
}

void
read_input_free(struct read_input *in)
{
	read_blocks_free(&in->blocks);
	read_keys_free(&in->keys);
	read_rows_plan_free(&in->plan);
	free(in->carry);
	free(in->key);
	free(in->t);
	free(in->p);
	free(in->out);
	free(in->gkey);
	free(in->gkey_len);
}

static void
note_skip(struct read_input *in, uint64_t line)
{
	if (in->rows_skipped < READ_INPUT_SKIPS_SHOWN) {
		in->skipped[in->rows_skipped].name = in->name;
		in->skipped[in->rows_skipped].line = line;
	}
	in->rows_skipped++;
	in->rows_read++;
}

/* File I as given on the command line, for a command a message suggests;
 * NULL for standard input, or past the last one. */
static const char *
given_name(const struct read_input *in, size_t i)
{
	const struct read_config *cfg = in->cfg;

	if (i >= cfg->nfiles || strcmp(cfg->files[i], "-") == 0)
		return NULL;
	return cfg->files[i];
}

static int
make_plan(struct read_input *in, const struct read_csv_record *rec)
{
	const struct read_rows_file file = {in->delim,
					    given_name(in, in->file_index),
					    given_name(in, in->file_index + 1)};
	struct read_rows_error err;

	read_rows_plan_free(&in->plan);
	if (read_rows_plan_make(&in->plan, in->cfg, rec, in->pairs, &file,
				&err) != 0) {
		diag_at(in->name, err.line, "%s", err.text);
		return -1;
	}
	in->planned = true;
	/* The first file's columns are the run's. */
	if (in->pairs == 0 && in->outlet.selected(in->outlet.ctx, &in->plan,
						  in->name, rec->line[0]) != 0)
		return -1;
	in->row.pairs = in->plan.pairs;
	in->plan.row = &in->row;
	in->plan.extras = metric_row_extras(&in->row);
	in->pairs = in->plan.pairs;
	if (in->plan.ecol != READ_ROWS_NONE) {
		char column[DIAG_QUOTE_SIZE + 2], name[DIAG_QUOTE_SIZE];
		const char *n =
			in->plan.names ? in->plan.names[in->plan.ecol] : NULL;

		if (n != NULL)
			snprintf(column, sizeof column, "'%s'",
				 diag_quote(name, sizeof name, n, strlen(n)));
		else
			snprintf(column, sizeof column, "%zu",
				 in->plan.ecol + 1);
		read_keys_file_begin(&in->keys, column);
	}
	free(in->t);
	free(in->p);
	free(in->out);
	free(in->gkey);
	free(in->gkey_len);
	in->gkey = calloc(in->plan.ngcol + 1, sizeof *in->gkey);
	in->gkey_len = calloc(in->plan.ngcol + 1, sizeof *in->gkey_len);
	in->t = malloc(in->pairs * sizeof *in->t);
	in->p = malloc(in->pairs * sizeof *in->p);
	/* One row's extras; never 0 bytes, which malloc may refuse. */
	in->out = malloc((in->plan.extras + 1) * sizeof *in->out);
	if (in->t == NULL || in->p == NULL || in->out == NULL ||
	    in->gkey == NULL || in->gkey_len == NULL) {
		diag("%s: out of memory", in->name);
		return -1;
	}
	return 0;
}

/* Whether KEY (LEN bytes), a row's epoch column value, goes on with the
 * run of equal values that the rows before it in this file are in: a run
 * is an epoch. */
static bool
same_run(const struct read_input *in, const char *key, size_t len)
{
	return in->in_run && len == in->key_len &&
	       memcmp(key, in->key, len) == 0;
}

/* Starts a run of the value KEY (LEN bytes); -1 when out of memory
 * (reported). */
static int
start_run(struct read_input *in, const char *key, size_t len)
{
	if (len + 1 > in->key_cap) {
		char *k = realloc(in->key, len + 1);

		if (k == NULL) {
			diag("out of memory");
			return -1;
		}
		in->key = k;
		in->key_cap = len + 1;
	}
	memcpy(in->key, key, len);
	in->key_len = len;
	in->in_run = true;
	return 0;
}

/* Hands the N rows at ROWS, and their per-output values OUT (or NULL), to
 * the outlet; with -e, they are of the current run; with -g, G and GLEN
 * are their group fields. */
static int
hand_on(struct read_input *in, const struct metric_row *rows,
	const struct xdd *out, size_t n, const char *const *g,
	const size_t *glen)
{
	struct read_input_rows r = {.rows = rows,
				    .out = out,
				    .n = n,
				    .group_rows = rows,
				    .group_n = n,
				    .group = g,
				    .group_len = glen,
				    .ngcol = in->plan.ngcol};

	if (in->plan.ecol != READ_ROWS_NONE) {
		r.key = in->key;
		r.key_len = in->key_len;
	}
	in->rows += n;
	return in->outlet.rows(in->outlet.ctx, &r);
}

/* With -e, one row whose epoch value is KEY (LEN bytes), on LINE.  The
 * epoch values watch hears of a run after its first row is handed on, so
 * that a warning follows the line of the epoch before. */
static int
keyed_row(struct read_input *in, const struct metric_row *row,
	  const struct xdd *out, const char *key, size_t len, uint64_t line,
	  const char *const *g)
{
	bool starts = !same_run(in, key, len);

	if ((starts && start_run(in, key, len) != 0) ||
	    hand_on(in, row, out, 1, g, in->gkey_len) != 0 ||
	    (starts && read_keys_begin(&in->keys, in->name, key, len, line,
				       in->last_row_line) != 0))
		return -1;
	in->last_row_line = line;
	return 0;
}

/* The handler of the records read on this thread: the first of a file,
 * and all of them from a quote on. */
static int
sequential_record(void *ctx, const struct read_csv_record *rec)
{
	struct read_input *in = ctx;
	const struct read_rows_plan *plan = &in->plan;
	const struct xdd *out;
	struct metric_row row;
	struct read_rows_error err;
	const char *const *g = NULL;
	size_t e;

	if (!in->planned) {
		if (make_plan(in, rec) != 0) {
			in->failed = true;
			return -1;
		}
		if (in->cfg->header)
			return 0;
	}
	in->records++;
	switch (read_rows_convert(plan, rec, in->t, in->p, &row, in->out,
				  &err)) {
	case READ_ROWS_OK:
		in->rows_read++;
		out = plan->extras ? in->out : NULL;
		e = plan->ecol;
		for (size_t i = 0; i < plan->ngcol; i++) {
			in->gkey[i] = rec->field[plan->gcol[i]];
			in->gkey_len[i] = rec->len[plan->gcol[i]];
			g = in->gkey;
		}
		if ((e == READ_ROWS_NONE
			     ? hand_on(in, &row, out, 1, g, in->gkey_len)
			     : keyed_row(in, &row, out, rec->field[e],
					 rec->len[e], rec->line[e], g)) == 0)
			return 0;
		break;
	case READ_ROWS_SKIPPED: note_skip(in, err.line); return 0;
	case READ_ROWS_ERROR:
		diag_at(in->name, err.line, "%s", err.text);
		break;
	}
	in->failed = true;
	return -1;
}

/* The first record of a file: its header, or its first row. */
static int
first_record(void *ctx, const struct read_csv_record *rec)
{
	struct read_input *in = ctx;

	if (sequential_record(ctx, rec) != 0)
		return -1;
	return in->planned ? 1 : 0;
}

/* Whether a read would return at once.  When it would not, what is done
 * so far is shown first: that is what makes `tail -f | rmsetab` work. */
static bool
readable(const struct read_input *in)
{
	struct pollfd pfd = {in->fd, POLLIN, 0};

	if (in->dz != NULL)
		return read_decompress_ready(in->dz);
	return poll(&pfd, 1, 0) != 0;
}

/* Tells the outlet that the reader is between reads; WAIT, that the next
 * one would wait.  Output that cannot be written ends the reading. */
static int
idle(struct read_input *in, bool wait)
{
	return in->outlet.idle(in->outlet.ctx, wait);
}

/* read(2) into BUF, retried when interrupted; -1 when reported.  The text
 * of a compressed file comes from its decompressor, and its progress is in
 * compressed bytes, of the file's size. */
static ssize_t
read_some(struct read_input *in, char *buf, size_t len)
{
	if (in->dz != NULL) {
		ssize_t n =
			read_decompress_read(in->dz, buf, len, &in->bytes_read);

		progress_update(in->progress, in->bytes_read, in->rows_read);
		in->eof = n == 0;
		return n;
	}
	for (;;) {
		ssize_t n;

		progress_wait(in->progress, in->fd, in->bytes_read,
			      in->rows_read);
		n = read(in->fd, buf, len);

		if (n > 0) {
			in->bytes_read += (uint64_t)n;
			progress_update(in->progress, in->bytes_read,
					in->rows_read);
			return n;
		}
		if (n == 0) {
			in->eof = true;
			return 0;
		}
		if (errno != EINTR) {
			diag("%s: %s", in->name, strerror(errno));
			return -1;
		}
	}
}

static int
reserve(struct read_input *in, char **buf, size_t *cap, size_t need)
{
	size_t cap2 = *cap ? *cap : BLOCK_SIZE;
	char *p;

	while (cap2 < need)
		cap2 *= 2;
	if (cap2 == *cap)
		return 0;
	if ((p = realloc(*buf, cap2)) == NULL) {
		diag("%s: out of memory", in->name);
		return -1;
	}
	*buf = p;
	*cap = cap2;
	return 0;
}

/* libcsv's read loop, the only one: what is in the carry, then the rest
 * of the file, then its end. */
static int
libcsv_to_end(struct read_input *in, struct read_csv *c)
{
	int status = read_csv_libcsv_feed(c, in->carry, in->carry_len);

	in->carry_len = 0;
	while (status == 0 && !in->eof) {
		ssize_t n;

		if (idle(in, false) != 0 ||
		    (!readable(in) && idle(in, true) != 0))
			status = -1;
		else if ((n = read_some(in, in->carry, in->carry_cap)) < 0)
			status = -1;
		else
			status = read_csv_libcsv_feed(c, in->carry, (size_t)n);
	}
	if (status == 0)
		status = read_csv_libcsv_finish(c);
	return status;
}

/* Sends the rest of the file through libcsv, starting with the block BLK
 * (collected), then the blocks after it, what was read after them, and
 * what is still to read. */
static int
libcsv_rest(struct read_input *in, struct read_rows_block *blk)
{
	struct read_blocks *bs = &in->blocks;
	struct read_csv c;
	int status;

	read_csv_init(&c, in->name, in->delim, in->line, sequential_record, in);
	status = read_csv_libcsv_feed(&c, blk->text, blk->len);
	read_blocks_release(bs);
	while (read_blocks_in_flight(bs) > 0) {
		blk = read_blocks_collect(bs);
		if (status == 0)
			status = read_csv_libcsv_feed(&c, blk->text, blk->len);
		read_blocks_release(bs);
	}
	if (status == 0)
		status = libcsv_to_end(in, &c);
	in->carry_len = 0;
	read_csv_free(&c);
	return status;
}

/* The line ends in TEXT from byte FROM to TO, as read_csv counts them: a
 * CR, an LF, or a CRLF is one.  A block holds no quote, so every one is
 * the end of a physical line. */
static uint64_t
line_ends(const char *text, size_t from, size_t to)
{
	const char *end = text + to;
	uint64_t n = 0;

	for (const char *q = text + from;
	     (q = memchr(q, '\n', (size_t)(end - q))) != NULL; q++)
		n += q == text || q[-1] != '\r';
	for (const char *q = text + from;
	     (q = memchr(q, '\r', (size_t)(end - q))) != NULL; q++)
		n++;
	return n;
}

/* The line of byte OFF of BLK, at or after the last one asked for. */
static uint64_t
line_in_block(struct read_input *in, const struct read_rows_block *blk,
	      size_t off)
{
	in->line_at += line_ends(blk->text, in->line_off, off);
	in->line_off = off;
	return in->line_at;
}

/* The line of the last row of BLK, counted back from its end. */
static uint64_t
last_row_line(const struct read_input *in, const struct read_rows_block *blk)
{
	return in->line + blk->lines -
	       line_ends(blk->text, blk->key_off[blk->nrows - 1], blk->len);
}

/* Row I of BLK starts a run: where it is, and where the row before it
 * was, for the epoch values watch. */
static int
run_begins(struct read_input *in, const struct read_rows_block *blk, size_t i)
{
	uint64_t prev, line;

	if (!in->keys.on)
		return 0;
	prev = i > 0 ? line_in_block(in, blk, blk->key_off[i - 1])
		     : in->last_row_line;
	line = line_in_block(in, blk, blk->key_off[i]);
	return read_keys_begin(&in->keys, in->name, blk->text + blk->key_off[i],
			       blk->key_len[i], line, prev);
}

/* The per-output values of row I of BLK, or NULL. */
static const struct xdd *
block_out(const struct read_rows_block *blk, size_t outputs, size_t i)
{
	return outputs > 0 ? blk->out + i * outputs : NULL;
}

/* The group fields of row I of BLK, and their lengths, or NULL (without
 * -g, or in a block that kept no row's fields: one that ends in an error
 * on its first row). */
static const char *const *
block_group(const struct read_rows_block *blk, size_t ngcol, size_t i,
	    const size_t **len)
{
	bool kept = ngcol > 0 && blk->gkey != NULL;

	*len = kept ? blk->gkey_len + i * ngcol : NULL;
	return kept ? blk->gkey + i * ngcol : NULL;
}

/* With -e: the rows of BLK in runs of equal epoch values, each handed on
 * in one piece, but for the first row of a run, which goes alone as in
 * keyed_row. */
static int
take_runs(struct read_input *in, const struct read_rows_block *blk,
	  size_t outputs)
{
	size_t start = 0, ng = in->plan.ngcol;
	const char *const *g;
	const size_t *gl;

	in->line_off = 0;
	in->line_at = in->line;
	for (size_t i = 0; i < blk->nrows; i++) {
		const char *key = blk->text + blk->key_off[i];
		size_t len = blk->key_len[i];

		if (same_run(in, key, len))
			continue;
		g = block_group(blk, ng, start, &gl);
		if ((i > start && hand_on(in, blk->rows + start,
					  block_out(blk, outputs, start),
					  i - start, g, gl) != 0) ||
		    start_run(in, key, len) != 0)
			return -1;
		g = block_group(blk, ng, i, &gl);
		if (hand_on(in, blk->rows + i, block_out(blk, outputs, i), 1, g,
			    gl) != 0 ||
		    run_begins(in, blk, i) != 0)
			return -1;
		start = i + 1;
	}
	g = block_group(blk, ng, start, &gl);
	if (blk->nrows > start &&
	    hand_on(in, blk->rows + start, block_out(blk, outputs, start),
		    blk->nrows - start, g, gl) != 0)
		return -1;
	if (in->keys.on && blk->nrows > 0)
		in->last_row_line = last_row_line(in, blk);
	return 0;
}

/* The rows, whole batches and the rest of a fused block, whose batches
 * began where the file's rows so far say. */
static int
take_fused(struct read_input *in, const struct read_rows_block *blk)
{
	struct read_input_rows r = {.rows = blk->rows,
				    .n = blk->nrows,
				    .batches = blk->batches,
				    .nbatches = blk->nbatches,
				    .tail = blk->tail.rows > 0 ? &blk->tail
							       : NULL};

	if (in->plan.ngcol > 0 && blk->ngroups > 0) {
		bool weighted = in->plan.wcol != READ_ROWS_NONE;

		r.group_sq = (struct metric_sq_rows){
			blk->grows, weighted ? blk->gweight : NULL,
			blk->nrare > 0 ? blk->gsexp : NULL,
			blk->nrare > 0 && weighted ? blk->gwexp : NULL};
		r.group = blk->gfield;
		r.group_len = blk->gfield_len;
		r.ngcol = in->plan.ngcol;
		r.group_count = blk->gcount;
		r.group_hash = blk->ghash;
		r.group_word = blk->gword;
		r.ngroups = blk->ngroups;
	}
	in->rows += read_rows_block_rows(blk);
	return in->outlet.rows(in->outlet.ctx, &r);
}

/* Hands the rows of a converted block on, in order. */
static int
take_block(struct read_input *in, struct read_rows_block *blk)
{
	const struct read_rows_plan *plan = &in->plan;
	uint64_t base = in->line - 1, rows;
	size_t outputs = plan->extras;
	const size_t *gl;
	const char *const *g = block_group(blk, plan->ngcol, 0, &gl);

	if (blk->fused && blk->first_row != in->rows) {
		/* Rows skipped before it moved its batches: converted again,
		 * here, as rows.  So are the few blocks in flight after the
		 * first skip; the reader fuses no more blocks of the run. */
		blk->fused = false;
		read_rows_block_convert(plan, blk);
	}
	if (blk->skipped > 0)
		in->unfused = true;
	rows = read_rows_block_rows(blk);
	if (blk->fused ? take_fused(in, blk) != 0
	    : plan->ecol != READ_ROWS_NONE
		    ? take_runs(in, blk, outputs) != 0
		    : blk->nrows > 0 &&
			      hand_on(in, blk->rows, block_out(blk, outputs, 0),
				      blk->nrows, g, gl) != 0)
		return -1;
	in->rows_read += rows;
	in->records += rows + blk->skipped;
	for (uint64_t i = 0; i < blk->skipped; i++)
		note_skip(in, i < READ_ROWS_SKIPS_KEPT
				      ? base + blk->skip_line[i]
				      : 0);
	if (blk->failed) {
		diag_at(in->name, base + blk->error.line, "%s",
			blk->error.text);
		return -1;
	}
	in->line += blk->lines;
	return 0;
}

/* Where to cut LEN bytes of TEXT: after the last record that surely ends
 * in them.  A CR at the very end may be the first half of a CRLF. */
static size_t
cut_point(const char *text, size_t len, bool eof)
{
	const char *nl, *cr;

	if (eof)
		return len;
	if ((nl = memrchr(text, '\n', len)) != NULL)
		return (size_t)(nl - text) + 1;
	if (len > 1 && (cr = memrchr(text, '\r', len - 1)) != NULL)
		return (size_t)(cr - text) + 1;
	return 0;
}

/* Fills BLK with the carried bytes and what can be read now, and cuts it
 * after its last whole record; what follows is carried to the next.  The
 * carry's buffer becomes the block's, and back when no record ends in it,
 * and only what was read is searched for line ends: a record longer than
 * many reads costs no copy and no search per read. */
static int
fill(struct read_input *in, struct read_rows_block *blk)
{
	size_t len = in->carry_len, cut = 0, from = 0, c;
	char *swap = blk->text;

	blk->text = in->carry;
	in->carry = swap;
	c = blk->cap;
	blk->cap = in->carry_cap;
	in->carry_cap = c;
	/* Room to read as much again as is carried, for long records. */
	if (reserve(in, &blk->text, &blk->cap, 2 * len) != 0)
		return -1;
	if (in->carry_open && len > 0)
		from = len - 1; /* all but a final CR is known to end nothing */
	if ((c = cut_point(blk->text + from, len - from, false)) != 0)
		cut = from + c;
	/* Wait for input only when no whole record is at hand. */
	while (!in->eof && (cut == 0 || readable(in))) {
		ssize_t n = read_some(in, blk->text + len, blk->cap - len);

		if (n < 0)
			return -1;
		from = len > 0 ? len - 1 : 0;
		len += (size_t)n;
		if (in->pending_cr && len > 0) {
			/* The LF of a CRLF that ended the first record. */
			if (blk->text[0] == '\n')
				memmove(blk->text, blk->text + 1, --len);
			in->pending_cr = false;
			from = 0;
		}
		if ((c = cut_point(blk->text + from, len - from, false)) != 0)
			cut = from + c;
		if (cut == 0 && len > READ_CSV_RECORD_MAX + 1) {
			/* No record ends in more than the longest record and a
			 * CR: convert what there is, for the error. */
			cut = len;
			break;
		}
		if (len == blk->cap || !readable(in))
			break;
	}
	if (in->eof)
		cut = len;
	in->carry_open = cut == 0;
	if (cut == 0) {
		swap = in->carry;
		in->carry = blk->text;
		blk->text = swap;
		c = in->carry_cap;
		in->carry_cap = blk->cap;
		blk->cap = c;
		in->carry_len = len;
		blk->len = 0;
		return 0;
	}
	if (reserve(in, &in->carry, &in->carry_cap, len - cut) != 0)
		return -1;
	memcpy(in->carry, blk->text + cut, len - cut);
	in->carry_len = len - cut;
	blk->len = cut;
	return 0;
}

static int
run_blocks(struct read_input *in)
{
	struct read_blocks *bs = &in->blocks;

	read_blocks_set_plan(bs, &in->plan);
	for (;;) {
		struct read_rows_block *blk;
		bool more = !in->eof || in->carry_len > 0;

		if (more && read_blocks_in_flight(bs) < bs->nslots) {
			if (!in->eof && !readable(in)) {
				/* Show everything before waiting for more. */
				if (read_blocks_in_flight(bs) > 0)
					goto collect;
				if (idle(in, true) != 0)
					return -1;
			}
			blk = read_blocks_next(bs);
			if (fill(in, blk) != 0)
				return -1;
			if (blk->len > 0) {
				blk->fused = in->fused && !in->unfused;
				blk->first_row = read_blocks_in_flight(bs) == 0
							 ? in->rows
							 : READ_ROWS_UNKNOWN;
				read_blocks_submit(bs);
			}
			continue;
		}
		if (read_blocks_in_flight(bs) == 0)
			return 0;
	collect:
		blk = read_blocks_collect(bs);
		if (blk->quote)
			return libcsv_rest(in, blk);
		if (take_block(in, blk) != 0)
			return -1;
		read_blocks_release(bs);
		if (idle(in, false) != 0)
			return -1;
	}
}

/* Whether the LEN bytes at TEXT hold a line end or a quote. */
static bool
ends_or_quotes(const char *text, size_t len)
{
	return memchr(text, '\n', len) != NULL ||
	       memchr(text, '\r', len) != NULL ||
	       memchr(text, '"', len) != NULL;
}

/* The bytes a file starts with that say what it is: a UTF-8 byte order
 * mark, skipped; or what is not CSV as rmsetab reads it. */
enum magic { BOM, UTF16, ZIP };

static const struct {
	const char *bytes;
	size_t len;
	enum magic is;
} magics[] = {
	{"\xef\xbb\xbf", 3, BOM},
	{"\xff\xfe", 2, UTF16},
	{"\xfe\xff", 2, UTF16},
	{"PK\x03\x04", 4, ZIP},
};

enum { NMAGICS = sizeof magics / sizeof magics[0] };

/* Whether the LEN bytes at TEXT may be the start of a longer magic: wait
 * for more, so that a pipe that gives a byte at a time is read as a
 * file. */
static bool
magic_prefix(const char *text, size_t len)
{
	for (size_t i = 0; i < NMAGICS; i++)
		if (len < magics[i].len &&
		    memcmp(text, magics[i].bytes, len) == 0)
			return true;
	return false;
}

/* The command that reads this file after CMD ("iconv -f UTF-16 -t UTF-8"):
 * CMD FILE | rmsetab OPTIONS, into BUF. */
static const char *
piped(const struct read_input *in, char *buf, size_t size, const char *cmd)
{
	const char *name = given_name(in, in->file_index);
	const char *opts = in->cfg->options ? in->cfg->options : "";
	char word[DIAG_QUOTE_SIZE * 4 + 8];

	snprintf(buf, size, "%s%s%s | rmsetab%s%s", cmd, name ? " " : "",
		 name ? diag_shell(word, sizeof word, name, strlen(name)) : "",
		 *opts ? " " : "", opts);
	return buf;
}

/* Refuses a file that starts with the magic of a UTF-16 text or of a zip
 * archive (a spreadsheet), saying what to do instead; skips a UTF-8 byte
 * order mark.  *LEN is the bytes at TEXT. */
static int
check_magic(const struct read_input *in, char *text, size_t *len)
{
	char cmd[1024];
	size_t i = 0;

	while (i < NMAGICS && (*len < magics[i].len ||
			       memcmp(text, magics[i].bytes, magics[i].len)))
		i++;
	if (i == NMAGICS)
		return 0;
	switch (magics[i].is) {
	case BOM:
		memmove(text, text + 3, *len - 3);
		*len -= 3;
		return 0;
	case UTF16:
		diag_at(in->name, 1,
			"the text is UTF-16 (it starts with the bytes %02x "
			"%02x); convert it to UTF-8 first: %s",
			(unsigned char)text[0], (unsigned char)text[1],
			piped(in, cmd, sizeof cmd, "iconv -f UTF-16 -t UTF-8"));
		return -1;
	case ZIP:
		diag_at(in->name, 1,
			"a zip archive, not CSV: if it is a spreadsheet "
			"(.xlsx, "
			".ods), save the sheet as CSV and read that");
		return -1;
	}
	return 0;
}

/* Where the guess of a file's delimiter stands: the first line that is not
 * blank, scanned up to POS, and the delimiters met outside quotes. */
struct guess {
	size_t pos;
	uint64_t line; /* the physical line of the first record */
	bool started, quoted, cr;
	bool comma, tab, semicolon, pipe;
};

/* Scans the LEN bytes at TEXT from where G stopped, for the end of the
 * first record: 1 when it is found or EOF is reached, 0 when more is
 * needed. */
static int
guess_scan(struct guess *g, const char *text, size_t len, bool eof)
{
	for (; g->pos < len; g->pos++) {
		char c = text[g->pos];
		bool cr = g->cr;

		g->cr = c == '\r';
		if (c == '"') {
			g->quoted = !g->quoted;
		} else if (g->quoted) {
			continue;
		} else if (c == '\n' || c == '\r') {
			if (g->started)
				return 1;
			g->line += !(c == '\n' && cr);
			continue;
		}
		g->started = true;
		g->comma |= c == ',';
		g->tab |= c == '\t';
		g->semicolon |= c == ';';
		g->pipe |= c == '|';
	}
	return eof;
}

/* The delimiter of a file whose first line G scanned: a comma, unless the
 * line has none but tabs, semicolons or pipes (with --decimal-comma, a
 * semicolon unless the line has tabs or pipes instead); -1 when it has
 * more than one of those (reported). */
static int
guess_delim(const struct read_input *in, const struct guess *g)
{
	const bool has[3] = {g->tab, g->semicolon, g->pipe};
	static const char bytes[3] = {'\t', ';', '|'};
	static const char *const shown[3] = {"tabs", "';'", "'|'"};
	static const char *const spelled[3] = {"tab", "';'", "'|'"};
	char what[64] = "", choices[64] = "";
	size_t found = 0, first = 0, k = 0;

	if (g->comma && !in->cfg->decimal_comma)
		return ',';
	for (size_t i = 0; i < 3; i++)
		if (has[i] && found++ == 0)
			first = i;
	if (found == 0)
		return in->cfg->decimal_comma ? ';' : ',';
	if (found == 1)
		return bytes[first];
	for (size_t i = 0; i < 3; i++) {
		const char *sep = k == 0 ? "" : k + 1 == found ? " and " : ", ";

		if (!has[i])
			continue;
		snprintf(what + strlen(what), sizeof what - strlen(what),
			 "%s%s", sep, shown[i]);
		snprintf(choices + strlen(choices),
			 sizeof choices - strlen(choices), "%s-d %s",
			 k == 0		  ? ""
			 : k + 1 == found ? " or "
					  : ", ",
			 spelled[i]);
		k++;
	}
	diag_at(in->name, g->line,
		"cannot tell the delimiter: the first line has %s%s; type %s",
		in->cfg->decimal_comma ? "" : "no comma, but ", what, choices);
	return -1;
}

/* Reads up to the end of the first record, which fixes the columns, with
 * the fast splitter, or with libcsv when a quote comes first.  What was
 * read after the record is left in the carry. */
static int
read_first(struct read_input *in, bool *done)
{
	struct read_csv c;
	struct guess g = {.line = 1};
	size_t len = 0, used, fresh;
	bool magic_checked = false, guessed = in->cfg->delim != 0;
	int status = 0;

	*done = false;
	in->delim = in->cfg->delim;
	read_csv_init(&c, in->name, in->delim, 1, first_record, in);
	for (;;) {
		enum read_csv_split_status st;
		ssize_t n;

		if (reserve(in, &in->carry, &in->carry_cap, len + BLOCK_SIZE))
			goto fail;
		if ((n = read_some(in, in->carry + len, in->carry_cap - len)) <
		    0)
			goto fail;
		len += (size_t)n;
		fresh = (size_t)n; /* bytes the splitter has not seen */
		if (!magic_checked) {
			enum read_decompress_format f =
				in->dz != NULL
					? READ_DECOMPRESS_NONE
					: read_decompress_detect(in->carry, len,
								 in->eof);

			/* Even one that arrives a byte at a time through a
			 * pipe. */
			if (f == READ_DECOMPRESS_MORE ||
			    (!in->eof && magic_prefix(in->carry, len)))
				continue;
			if (f != READ_DECOMPRESS_NONE) {
				/* Compressed: the bytes read are its start,
				 * and the text it holds is looked at anew. */
				if (read_decompress_start(&in->dz, f, in->fd,
							  in->carry, len,
							  in->name) != 0)
					goto fail;
				len = 0;
				in->eof = false;
				continue;
			}
			magic_checked = true;
			if (check_magic(in, in->carry, &len) != 0)
				goto fail;
			fresh = len;
		}
		if (!guessed) {
			int d;

			/* The delimiter is the first line's: wait for it
			 * whole. */
			if (guess_scan(&g, in->carry, len, in->eof) == 0) {
				if (len <= READ_CSV_RECORD_MAX)
					continue;
				diag_at(in->name, g.line, "%s", READ_CSV_LONG);
				goto fail;
			}
			if ((d = guess_delim(in, &g)) < 0)
				goto fail;
			c.delim = in->delim = (unsigned char)d;
			guessed = true;
			fresh = len;
		}
		/* Until a line end or a quote comes, the record goes on:
		 * split only then, so that a long one is not searched again
		 * at every read. */
		if (!in->eof &&
		    !ends_or_quotes(in->carry + len - fresh, fresh)) {
			if (len <= READ_CSV_RECORD_MAX)
				continue;
			diag_at(in->name, c.line, "%s", READ_CSV_LONG);
			goto fail;
		}
		st = read_csv_split(&c, in->carry, len, in->eof, &used);
		if (st == READ_CSV_SPLIT_ERROR) {
			diag_at(in->name, c.error_line, "%s", c.error);
			goto fail;
		}
		if (st == READ_CSV_SPLIT_QUOTE) {
			/* The file is libcsv's from its first record on. */
			c.fn = sequential_record;
			in->carry_len = len - used;
			memmove(in->carry, in->carry + used, in->carry_len);
			status = libcsv_to_end(in, &c);
			*done = true;
			break;
		}
		memmove(in->carry, in->carry + used, len - used);
		len -= used;
		if (in->failed)
			goto fail;
		if (st == READ_CSV_SPLIT_STOP || in->eof) {
			/* A CRLF may have been cut after its CR. */
			if (c.last_cr && len > 0 && in->carry[0] == '\n') {
				memmove(in->carry, in->carry + 1, len - 1);
				len--;
				c.last_cr = false;
			}
			/* Or its LF is still to come. */
			in->pending_cr = c.last_cr && len == 0;
			in->carry_len = len;
			in->line = c.line;
			*done = in->eof && len == 0;
			break;
		}
	}
	read_csv_free(&c);
	return status;
fail:
	read_csv_free(&c);
	return -1;
}

int
read_input_file(struct read_input *in, int fd, const char *name)
{
	bool done;
	int status;

	in->name = name;
	in->fd = fd;
	in->file_index = in->files_begun++;
	in->eof = in->planned = in->failed = in->pending_cr = false;
	in->carry_open = false;
	in->in_run = false;
	in->records = in->rows = 0;
	in->carry_len = 0;
	in->line = 1;
	in->outlet.file_begin(in->outlet.ctx);
	status = read_first(in, &done);
	if (status == 0 && !done)
		status = run_blocks(in);
	read_decompress_end(in->dz);
	in->dz = NULL;
	if (status == 0 && !in->planned) {
		diag_at(name, 1, "empty input%s",
			in->cfg->header ? ", expected a header line" : "");
		status = -1;
	} else if (status == 0 && in->cfg->header && in->records == 0) {
		diag_at(name, 2, "no data rows after the header");
		status = -1;
	}
	if (status == 0)
		in->outlet.file_end(in->outlet.ctx);
	return status;
}

void
read_input_report_skips(const struct read_input *in)
{
	char where[READ_INPUT_SKIPS_SHOWN * 64] = "";
	size_t used = 0;

	if (in->rows_skipped == 0)
		return;
	for (uint64_t i = 0; i < in->rows_skipped &&
			     i < READ_INPUT_SKIPS_SHOWN && used < sizeof where;
	     i++)
		used += (size_t)snprintf(where + used, sizeof where - used,
					 "%s%s:%" PRIu64, i ? ", " : "",
					 in->skipped[i].name,
					 in->skipped[i].line);
	diag("skipped %" PRIu64 " of %" PRIu64
	     " rows with invalid numbers (--skip-invalid), at %s%s",
	     in->rows_skipped, in->rows_read, where,
	     in->rows_skipped > READ_INPUT_SKIPS_SHOWN ? ", ..." : "");
}
