/* read_fused.c: a block's rows, from its text to the sums of its batches in
 * one loop (the general path splits a record into fields, converts it into
 * a row, and the batcher adds the row on the reader's thread).
 *
 * The scan (read_scan.c) has left a mask of the separators; the loop takes
 * them in order, parses the fields it needs where they lie, checks that
 * each record has its fields and its line end where they should be, works
 * out the row's squared errors (metric_row_sq) and adds them to the sums
 * of its batch (metric_sums_add_sq): the same functions, in the same
 * order, as the general path and the batcher, so the same bits.  Whole
 * batches are closed here, with their values (metric_batch_close); the
 * rows that end the batch begun before the block go back as rows, since
 * only the reader knows that batch's first rows.  Anything else in a
 * record sends that record alone through the general path.
 *
 * With -g, every row goes back once more, with its group's fields, for
 * the groups to sum as their own batches say, while the batches of all
 * the rows are summed here all the same.  That is a build of its own, so
 * that the loop without -g is as it was. */
#include "read_fused.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "number.h"
#include "number_fast.h"
#include "read_csv.h"
#include "read_scan.h"

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* The separators of the text, taken in order from its mask. */
struct seps {
	const uint64_t *mask;
	size_t words, len;
	size_t w;      /* the word being read */
	uint64_t bits; /* its separators not yet taken */
};

/* The position of the next separator, or the end of the text. */
static ALWAYS_INLINE size_t
next_sep(struct seps *s)
{
	size_t pos;

	while (s->bits == 0) {
		if (++s->w >= s->words) {
			s->w = s->words;
			return s->len;
		}
		s->bits = s->mask[s->w];
	}
	pos = s->w * 64 + (size_t)__builtin_ctzll(s->bits);
	s->bits &= s->bits - 1;
	return pos;
}

/* The separators from POS on. */
static ALWAYS_INLINE void
seek(struct seps *s, size_t pos)
{
	s->w = pos / 64;
	s->bits = s->w < s->words ? s->mask[s->w] & (~UINT64_C(0) << (pos % 64))
				  : 0;
}

/* Where the rows go: the first HEAD to BLK->rows, then the sums of a batch
 * at a time. */
struct sink {
	struct read_rows_block *blk;
	const struct metric_config *cfg;
	uint64_t head, batch_size;
	bool values;
	struct metric_sums acc;
	bool oom;
	size_t ngcol; /* -g: every row again for the groups (group_row) */
};

static bool
grow(void **p, size_t *cap, size_t elem)
{
	size_t cap2 = *cap ? 2 * *cap : 64;
	void *q = realloc(*p, cap2 * elem);

	if (q == NULL)
		return false;
	*p = q;
	*cap = cap2;
	return true;
}

static void
close_batch(struct sink *k)
{
	struct read_rows_block *blk = k->blk;
	struct metric_batch *b;

	if (blk->nbatches == blk->batches_cap &&
	    !grow((void **)&blk->batches, &blk->batches_cap,
		  sizeof *blk->batches)) {
		k->oom = true;
		return;
	}
	b = &blk->batches[blk->nbatches++];
	b->sums = k->acc;
	metric_batch_close(k->cfg, b, k->values);
	k->acc = (struct metric_sums){.rows = 0};
}

static void
head_row(struct sink *k, struct xdd sq, struct xdd weight)
{
	struct read_rows_block *blk = k->blk;

	if (blk->nrows == blk->rows_cap &&
	    !grow((void **)&blk->rows, &blk->rows_cap, sizeof *blk->rows)) {
		k->oom = true;
		return;
	}
	blk->rows[blk->nrows++] =
		(struct metric_row){.sq = sq, .weight = weight};
	k->head--;
}

/* With -g, the row once more for the groups, with its group's fields. */
static void
group_row(struct sink *k, struct xdd sq, struct xdd weight)
{
	struct read_rows_block *blk = k->blk;
	size_t i = blk->ngrows;

	if ((i == blk->grows_cap && !grow((void **)&blk->grows, &blk->grows_cap,
					  sizeof *blk->grows)) ||
	    !read_rows_block_group_room(blk, blk->grows_cap, k->ngcol)) {
		k->oom = true;
		return;
	}
	for (size_t j = 0; j < k->ngcol; j++) {
		blk->gkey[i * k->ngcol + j] = blk->gcur[j];
		blk->gkey_len[i * k->ngcol + j] = blk->gcur_len[j];
	}
	/* The rest of the row is never read: the loop is for sq_only. */
	blk->grows[i].sq = sq;
	blk->grows[i].weight = weight;
	blk->ngrows = i + 1;
}

static ALWAYS_INLINE void
take_row(struct sink *k, struct xdd sq, struct xdd weight)
{
	if (__builtin_expect(k->head > 0, 0)) {
		head_row(k, sq, weight);
		return;
	}
	metric_sums_add_sq(&k->acc, sq, weight);
	if (__builtin_expect(k->acc.rows == k->batch_size, 0))
		close_batch(k);
}

/* take_row, called: inlined a second time, in the loop built for -g, it
 * would leave the compiler no room to inline it in the loop without. */
static __attribute__((noinline)) void
take_row_call(struct sink *k, struct xdd sq, struct xdd weight)
{
	take_row(k, sq, weight);
}

/* The general path for one record: read_csv_split hands it here. */
struct slow {
	const struct read_rows_plan *plan;
	struct read_rows_block *blk;
	struct metric_row row;
	enum read_rows_result result;
	bool got;
};

static int
one_record(void *ctx, const struct read_csv_record *rec)
{
	struct slow *sl = ctx;

	sl->result = read_rows_convert(sl->plan, rec, sl->blk->t, sl->blk->p,
				       &sl->row, NULL, &sl->blk->error);
	sl->got = true;
	for (size_t j = 0; j < sl->plan->ngcol; j++) {
		sl->blk->gcur[j] = rec->field[sl->plan->gcol[j]];
		sl->blk->gcur_len[j] = rec->len[sl->plan->gcol[j]];
	}
	return 1; /* one at a time */
}

/* The record at TEXT[REC] and the blank lines before it, through the
 * general path; returns where the next one starts, or LEN once the block
 * is done (failed, or a quote). */
static size_t
slow_record(struct read_csv *c, struct slow *sl, struct sink *k,
	    const char *text, size_t len, size_t rec)
{
	struct read_rows_block *blk = sl->blk;
	size_t used = 0;

	sl->got = false;
	c->stop = false;
	switch (read_csv_split(c, text + rec, len - rec, true, &used)) {
	case READ_CSV_SPLIT_QUOTE: blk->quote = true; return len;
	case READ_CSV_SPLIT_ERROR:
		blk->failed = true;
		blk->error.line = c->error_line;
		snprintf(blk->error.text, sizeof blk->error.text, "%s",
			 c->error);
		return len;
	default: break;
	}
	if (sl->got) {
		switch (sl->result) {
		case READ_ROWS_OK:
			if (k->ngcol > 0)
				group_row(k, sl->row.sq, sl->row.weight);
			take_row(k, sl->row.sq, sl->row.weight);
			break;
		case READ_ROWS_SKIPPED:
			if (blk->skipped < READ_ROWS_SKIPS_KEPT)
				blk->skip_line[blk->skipped] = blk->error.line;
			blk->skipped++;
			break;
		case READ_ROWS_ERROR: blk->failed = true; return len;
		}
	}
	return rec + used;
}

/* Room for the scratch of PLAN in BLK, and which fields to parse. */
static bool
scratch(const struct read_rows_plan *plan, struct read_rows_block *blk)
{
	size_t nf = plan->nfields, pairs = plan->pairs;

	if (blk->scratch_pairs < pairs) {
		free(blk->t);
		free(blk->p);
		blk->t = malloc(pairs * sizeof *blk->t);
		blk->p = malloc(pairs * sizeof *blk->p);
		blk->scratch_pairs = blk->t && blk->p ? pairs : 0;
		if (blk->scratch_pairs == 0)
			return false;
	}
	if (blk->scratch_fields < nf) {
		free(blk->fv);
		free(blk->need);
		blk->fv = malloc(nf * sizeof *blk->fv);
		blk->need = malloc(nf);
		blk->scratch_fields = blk->fv && blk->need ? nf : 0;
		if (blk->scratch_fields == 0)
			return false;
	}
	/* gslot is a field's, gcur a key field's. */
	if (plan->ngcol > 0 &&
	    blk->scratch_groups < (nf > plan->ngcol ? nf : plan->ngcol)) {
		size_t n = nf > plan->ngcol ? nf : plan->ngcol;

		free(blk->gslot);
		free(blk->gcur);
		free(blk->gcur_len);
		blk->gslot = malloc(n * sizeof *blk->gslot);
		blk->gcur = malloc(n * sizeof *blk->gcur);
		blk->gcur_len = malloc(n * sizeof *blk->gcur_len);
		blk->scratch_groups =
			blk->gslot && blk->gcur && blk->gcur_len ? n : 0;
		if (blk->scratch_groups == 0)
			return false;
	}
	memset(blk->need, 0, nf);
	for (size_t j = 0; j < pairs; j++)
		blk->need[plan->tcol[j]] = blk->need[plan->pcol[j]] = 1;
	if (plan->wcol != READ_ROWS_NONE)
		blk->need[plan->wcol] = 1;
	for (size_t j = 0; j < plan->ngcol; j++) {
		blk->need[plan->gcol[j]] = 2;
		blk->gslot[plan->gcol[j]] = j;
	}
	return true;
}

/* The loop, built twice (below) for two sets of instructions, and each
 * again for -g (GROUPED, a constant there). */
static ALWAYS_INLINE void
convert(const struct read_rows_plan *plan, struct read_rows_block *blk,
	bool grouped)
{
	const char *text = blk->text;
	size_t len = blk->len, nf = plan->nfields, pairs = plan->pairs;
	size_t wcol = plan->wcol;
	unsigned char delim = plan->delim;
	struct seps s = {blk->mask, read_scan_words(len), len, 0, 0};
	struct sink k = {.blk = blk,
			 .cfg = plan->row,
			 .batch_size = plan->cfg->batch_size,
			 .values = plan->cfg->batch_values};
	struct slow sl = {.plan = plan, .blk = blk};
	struct read_csv c;
	const unsigned char *need;
	double *fv, *tv, *pv;
	size_t pos = 0;

	blk->nrows = blk->nbatches = 0;
	blk->skipped = 0;
	blk->failed = false;
	if (!scratch(plan, blk)) {
		blk->failed = true;
		blk->error.line = 1;
		strcpy(blk->error.text, "out of memory");
		return;
	}
	need = blk->need;
	fv = blk->fv;
	tv = blk->t;
	pv = blk->p;
	k.head = (k.batch_size - blk->first_row % k.batch_size) % k.batch_size;
	blk->ngrows = 0;
	if (grouped)
		k.ngcol = plan->ngcol;
	read_csv_init(&c, "", delim, 1, one_record, &sl);
	seek(&s, 0);
	while (pos < len && !blk->failed && !blk->quote && !k.oom) {
		size_t rec = pos, start = pos, end = pos;
		double w = 1.0;
		struct xdd sq, weight;
		unsigned char ch = (unsigned char)text[pos];

		if (ch == '\n' || ch == '\r')
			goto slow;
		for (size_t i = 0; i < nf; i++) {
			end = next_sep(&s);
			if (grouped && need[i] == 2) {
				/* As the general path: a key holds no NUL.
				 * Keys are short: a loop, not a call. */
				size_t z = start;

				while (z < end && text[z] != '\0')
					z++;
				if (z < end)
					goto slow;
				blk->gcur[blk->gslot[i]] = text + start;
				blk->gcur_len[blk->gslot[i]] = end - start;
			} else if (need[i] &&
				   !number_fast(text + start, end - start,
						&fv[i]) &&
				   number_parse(text + start, end - start,
						&fv[i]) != NUMBER_OK) {
				goto slow;
			}
			if (i + 1 < nf) {
				if (end == len || text[end] != (char)delim)
					goto slow;
			} else if (end < len && text[end] == (char)delim) {
				goto slow;
			}
			start = end + 1;
		}
		if (end - rec > READ_CSV_RECORD_MAX)
			goto slow;
		if (wcol != READ_ROWS_NONE && !((w = fv[wcol]) >= 0.0))
			goto slow;
		/* A CRLF is one line end. */
		if (end + 1 < len && text[end] == '\r' &&
		    text[end + 1] == '\n') {
			next_sep(&s);
			start++;
		}
		if (pairs == 1) {
			metric_row_sq(1, &fv[plan->tcol[0]], &fv[plan->pcol[0]],
				      w, &sq, &weight);
		} else {
			for (size_t j = 0; j < pairs; j++) {
				tv[j] = fv[plan->tcol[j]];
				pv[j] = fv[plan->pcol[j]];
			}
			metric_row_sq(pairs, tv, pv, w, &sq, &weight);
		}
		if (grouped) {
			group_row(&k, sq, weight);
			take_row_call(&k, sq, weight);
		} else {
			take_row(&k, sq, weight);
		}
		c.line += end < len; /* the last line may have no end */
		c.last_cr = false;
		pos = start < len ? start : len;
		continue;
	slow:
		pos = slow_record(&c, &sl, &k, text, len, rec);
		seek(&s, pos);
	}
	if (k.oom) {
		blk->failed = true;
		blk->error.line = c.line;
		strcpy(blk->error.text, "out of memory");
	}
	blk->tail = k.acc;
	blk->lines = c.line - 1;
	read_csv_free(&c);
}

/* Each build of the loop a function of its own: one with both would be
 * too large for the compiler to inline what the loop calls. */
static __attribute__((noinline)) void
convert_portable_grouped(const struct read_rows_plan *plan,
			 struct read_rows_block *blk)
{
	convert(plan, blk, true);
}

void
read_fused_convert_portable(const struct read_rows_plan *plan,
			    struct read_rows_block *blk)
{
	if (plan->ngcol > 0)
		convert_portable_grouped(plan, blk);
	else
		convert(plan, blk, false);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* With FMA, TwoProduct's fused multiply-add (dd.h) is one instruction;
 * without, a call to the C library's fma. */
static __attribute__((noinline, target("avx2,fma,bmi,bmi2,popcnt"))) void
convert_avx2_grouped(const struct read_rows_plan *plan,
		     struct read_rows_block *blk)
{
	convert(plan, blk, true);
}

__attribute__((target("avx2,fma,bmi,bmi2,popcnt"))) void
read_fused_convert_avx2(const struct read_rows_plan *plan,
			struct read_rows_block *blk)
{
	if (plan->ngcol > 0)
		convert_avx2_grouped(plan, blk);
	else
		convert(plan, blk, false);
}
#else
void
read_fused_convert_avx2(const struct read_rows_plan *plan,
			struct read_rows_block *blk)
{
	read_fused_convert_portable(plan, blk);
}
#endif

void
read_fused_convert(const struct read_rows_plan *plan,
		   struct read_rows_block *blk)
{
	if (read_scan_has_avx2())
		read_fused_convert_avx2(plan, blk);
	else
		read_fused_convert_portable(plan, blk);
}
