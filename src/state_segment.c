/* state_segment.c: exact means of batch values across pieces of an epoch.
 *
 * The RMSE of a batch is not a sum of anything, so the mean of batch RMSEs
 * over an epoch cut into pieces (shards) depends on where the batches
 * fall, and a piece does not know its offset in the epoch.  With B the
 * batch size, a piece of n rows whose first batch starts at row a (0 <= a
 * < B) holds: rows 0..a-1, the end of a batch that started earlier; whole
 * batches at a, a + B, ...; and the last (n - a) mod B rows, the start of
 * a batch that ends later (or the epoch's short last batch).  So a piece
 * keeps
 *
 *   - its first B - 1 and last B - 1 rows (every row, if n <= 2B - 2),
 *   - for every a in 0..B-1, the sum of B * value over its whole batches
 *     at alignment a,
 *
 * and two pieces X, Y join into one of the same form: for each a, the
 * batches of X at a, the one batch made of X's last rows and Y's first
 * ((n_X - a) mod B of X's, if that is not 0 and Y has the rest), and the
 * batches of Y at alignment (a - n_X) mod B.  Joining the pieces of an
 * epoch in order, then reading off alignment 0 and the short last batch,
 * gives the batches one pass would have made, with their values.
 *
 * While reading, the whole batches of every alignment are each summed in
 * O(1) work a row (van Herk / Gil-Werman): rows fall in blocks at
 * alignment 0, and a batch at alignment a > 0 is the suffix of one block
 * from a plus the prefix of the next up to a.  Every sum is a
 * double-double; joining changes the order of additions, and so the last
 * bits of the sums, far below what a printed value can show. */
#include "state_segment.h"

#include <stdlib.h>
#include <string.h>

void
state_segment_config_make(struct state_segment_config *sc,
			  const struct metric_config *cfg, size_t size,
			  bool batches)
{
	sc->sums = *cfg;
	sc->batch = (struct metric_config){.pairs = cfg->pairs,
					   .row_loss = cfg->row_loss};
	sc->batch_size = size;
	sc->batches = batches;
}

int
state_segment_init(const struct state_segment_config *sc,
		   struct state_segment *s)
{
	memset(s, 0, sizeof *s);
	return metric_sums_init(&s->sums, &sc->sums);
}

void
state_segment_free(struct state_segment *s)
{
	metric_sums_free(&s->sums);
	free(s->known);
	free(s->rmse);
	free(s->row_loss);
	s->known = NULL;
	s->rmse = s->row_loss = NULL;
}

bool
state_segment_is_long(const struct state_segment_config *sc,
		      const struct state_segment *s)
{
	return sc->batches && s->rows > 2 * (uint64_t)sc->batch_size - 2;
}

size_t
state_segment_known_rows(const struct state_segment_config *sc, uint64_t rows)
{
	uint64_t most = 2 * (uint64_t)sc->batch_size - 2;

	if (!sc->batches)
		return 0;
	return (size_t)(rows <= most ? rows : most);
}

static struct metric_mean *
new_means(size_t n)
{
	struct metric_mean *m = malloc(n * sizeof *m);

	for (size_t i = 0; m != NULL && i < n; i++)
		metric_mean_init(&m[i]);
	return m;
}

int
state_segment_alloc(const struct state_segment_config *sc,
		    struct state_segment *s)
{
	size_t known = state_segment_known_rows(sc, s->rows),
	       b = sc->batch_size;

	if (!sc->batches)
		return 0;
	s->known = calloc(known ? known : 1, sizeof *s->known);
	if (s->known == NULL)
		return -1;
	s->nfirst = state_segment_is_long(sc, s) ? b - 1 : known;
	s->nlast = known - s->nfirst;
	if (!state_segment_is_long(sc, s))
		return 0;
	s->rmse = new_means(b);
	if (s->rmse == NULL)
		return -1;
	if (sc->batch.row_loss && (s->row_loss = new_means(b)) == NULL)
		return -1;
	return 0;
}

/* The last K rows of S (K <= nlast for a long one). */
static const struct metric_row *
last_rows(const struct state_segment *s, size_t k)
{
	return s->known + s->nfirst + s->nlast - k;
}

/* Adds the value of the batch whose sums are SUMS (ROWS rows) to the
 * means; ROW_LOSS is NULL when the per-row loss is not kept. */
static void
add_batch(const struct state_segment_config *sc, const struct metric_sums *sums,
	  uint64_t rows, struct metric_mean *rmse, struct metric_mean *row_loss)
{
	struct xdd r, l;

	metric_batch_values(&sc->batch, sums, &r, &l);
	metric_mean_add(rmse, r, rows);
	if (row_loss != NULL)
		metric_mean_add(row_loss, l, rows);
}

/* The value of the batch of the K rows ROWS, added in order as one pass
 * adds them. */
static void
add_rows_batch(const struct state_segment_config *sc,
	       const struct metric_row *rows, size_t k,
	       struct metric_mean *rmse, struct metric_mean *row_loss)
{
	struct metric_sums sums;

	metric_sums_init(&sums, &sc->batch); /* no per-output room to fail */
	metric_sums_add(&sc->batch, &sums, rows, NULL, k);
	add_batch(sc, &sums, k, rmse, sc->batch.row_loss ? row_loss : NULL);
}

int
state_segment_builder_init(struct state_segment_builder *b,
			   const struct state_segment_config *sc)
{
	memset(b, 0, sizeof *b);
	b->sc = sc;
	if (sc->batches)
		state_segment_builder_reset(b);
	return 0;
}

void
state_segment_builder_free(struct state_segment_builder *b)
{
	free(b->first);
	free(b->block[0]);
	free(b->block[1]);
	free(b->suffix);
	free(b->rmse);
	free(b->row_loss);
	memset(b, 0, sizeof *b);
}

void
state_segment_builder_reset(struct state_segment_builder *b)
{
	b->rows = 0;
	b->cur = 0;
	b->failed = false;
	if (!b->sc->batches)
		return;
	metric_sums_init(&b->prefix, &b->sc->batch);
	if (b->rmse == NULL || b->row_loss == NULL)
		return; /* fewer than B rows so far: no batch means yet */
	for (size_t a = 0; a < b->sc->batch_size; a++) {
		metric_mean_init(&b->rmse[a]);
		metric_mean_init(&b->row_loss[a]);
	}
}

/* Room for one more row of the first block in FIRST and BLOCK[0]: they
 * double, up to the batch size, so that a segment of a few rows (a small
 * group's) holds about as many, whatever the batch size. */
static int
builder_grow(struct state_segment_builder *b)
{
	size_t size = b->sc->batch_size, cap = b->cap ? 2 * b->cap : 16;
	size_t nfirst;
	struct metric_row *p;

	if (cap > size)
		cap = size;
	if ((p = realloc(b->block[0], cap * sizeof *p)) == NULL)
		return -1;
	b->block[0] = p;
	nfirst = cap < size - 1 ? cap : size - 1;
	if (nfirst > 0) {
		if ((p = realloc(b->first, nfirst * sizeof *p)) == NULL)
			return -1;
		b->first = p;
	}
	b->cap = cap;
	return 0;
}

/* The first block is full: the second block, the suffixes and the means
 * by alignment, which only a segment of at least B rows needs. */
static int
builder_full(struct state_segment_builder *b)
{
	size_t n = b->sc->batch_size;

	if (b->block[1] == NULL)
		b->block[1] = calloc(n, sizeof *b->block[1]);
	if (b->suffix == NULL)
		b->suffix = calloc(n, sizeof *b->suffix);
	if (b->row_loss == NULL)
		b->row_loss = new_means(n);
	if (b->rmse == NULL)
		b->rmse = new_means(n);
	if (b->block[1] == NULL || b->suffix == NULL || b->row_loss == NULL ||
	    b->rmse == NULL)
		return -1;
	return 0;
}

/* The block at alignment 0 just filled up: its suffixes, for the batches
 * at the other alignments that end in the next block. */
static void
end_block(struct state_segment_builder *b)
{
	const struct state_segment_config *sc = b->sc;
	const struct metric_row *rows = b->block[b->cur];
	struct metric_sums acc;

	metric_sums_init(&acc, &sc->batch);
	for (size_t a = sc->batch_size - 1; a >= 1; a--) {
		metric_sums_add(&sc->batch, &acc, &rows[a], NULL, 1);
		b->suffix[a] = acc;
	}
	b->cur = !b->cur;
	metric_sums_clear(&b->prefix);
}

void
state_segment_builder_add(struct state_segment_builder *b,
			  const struct metric_row *rows, size_t n)
{
	const struct state_segment_config *sc = b->sc;
	size_t size = sc->batch_size;

	if (!sc->batches || b->failed) {
		b->rows += n;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		size_t j = (size_t)(b->rows % size);

		if (b->rows < size &&
		    ((b->rows >= b->cap && builder_grow(b) != 0) ||
		     (j + 1 == size && builder_full(b) != 0))) {
			/* Told by state_segment_builder_take. */
			b->failed = true;
			b->rows += n - i;
			return;
		}
		if (b->rows < size - 1)
			b->first[b->rows] = rows[i];
		b->block[b->cur][j] = rows[i];
		metric_sums_add(&sc->batch, &b->prefix, &rows[i], NULL, 1);
		b->rows++;
		if (j + 1 == size) {
			add_batch(sc, &b->prefix, size, &b->rmse[0],
				  sc->batch.row_loss ? &b->row_loss[0] : NULL);
			end_block(b);
		} else if (b->rows > size) {
			/* The batch at alignment j + 1 that started in the
			 * previous block ends here. */
			struct metric_sums win = b->suffix[j + 1];

			metric_sums_merge(&sc->batch, &win, &b->prefix);
			add_batch(sc, &win, size, &b->rmse[j + 1],
				  sc->batch.row_loss ? &b->row_loss[j + 1]
						     : NULL);
		}
	}
}

/* Row I of the last K rows added (K < B): they are in the previous block
 * and the current one. */
static const struct metric_row *
builder_last(const struct state_segment_builder *b, size_t k, size_t i)
{
	size_t size = b->sc->batch_size, in_cur = (size_t)(b->rows % size);
	size_t from_end = k - i; /* 1 for the very last row */

	if (from_end <= in_cur)
		return &b->block[b->cur][in_cur - from_end];
	return &b->block[!b->cur][size - (from_end - in_cur)];
}

int
state_segment_builder_take(struct state_segment_builder *b,
			   struct state_segment *s,
			   const struct metric_sums *sums)
{
	const struct state_segment_config *sc = b->sc;
	size_t size = sc->batch_size;

	if (b->failed || state_segment_init(sc, s) != 0)
		return -1;
	s->rows = b->rows;
	metric_sums_merge(&sc->sums, &s->sums, sums);
	if (!sc->batches)
		return 0;
	if (state_segment_alloc(sc, s) != 0)
		return -1;
	for (size_t i = 0; i < s->nfirst && i < size - 1; i++)
		s->known[i] = b->first[i];
	/* The rows after the first B - 1: of a short segment, all the rest. */
	if (state_segment_is_long(sc, s)) {
		for (size_t i = 0; i < s->nlast; i++)
			s->known[s->nfirst + i] = *builder_last(b, s->nlast, i);
		memcpy(s->rmse, b->rmse, size * sizeof *s->rmse);
		if (s->row_loss != NULL)
			memcpy(s->row_loss, b->row_loss,
			       size * sizeof *s->row_loss);
	} else if (s->nfirst > size - 1) {
		size_t rest = s->nfirst - (size - 1);

		for (size_t i = 0; i < rest; i++)
			s->known[size - 1 + i] = *builder_last(b, rest, i);
	}
	return 0;
}

/* The batch values by alignment of a short segment, worked out from its
 * rows; *RMSE and *ROW_LOSS are to be freed. */
static int
short_means(const struct state_segment_config *sc,
	    const struct state_segment *s, struct metric_mean **rmse,
	    struct metric_mean **row_loss)
{
	struct state_segment_builder b;

	if (state_segment_builder_init(&b, sc) != 0) {
		state_segment_builder_free(&b);
		return -1;
	}
	state_segment_builder_add(&b, s->known, s->nfirst);
	/* Fewer than B rows: no whole batch, at any alignment. */
	if (b.failed || builder_full(&b) != 0) {
		state_segment_builder_free(&b);
		return -1;
	}
	*rmse = b.rmse;
	*row_loss = b.row_loss;
	b.rmse = b.row_loss = NULL;
	state_segment_builder_free(&b);
	return 0;
}

/* The sums of the last L rows of X for L = 1..kx (in SX), and of the first
 * K rows of Y for K = 1..ky (in PY). */
static void
edge_sums(const struct state_segment_config *sc, const struct state_segment *x,
	  size_t kx, struct metric_sums *sx, const struct state_segment *y,
	  size_t ky, struct metric_sums *py)
{
	const struct metric_row *tail = last_rows(x, kx);
	struct metric_sums acc;

	metric_sums_init(&acc, &sc->batch);
	for (size_t l = 1; l <= kx; l++) {
		metric_sums_add(&sc->batch, &acc, &tail[kx - l], NULL, 1);
		sx[l] = acc;
	}
	metric_sums_clear(&acc);
	for (size_t k = 1; k <= ky; k++) {
		metric_sums_add(&sc->batch, &acc, &y->known[k - 1], NULL, 1);
		py[k] = acc;
	}
}

/* The batch values by alignment of X followed by Y, into ZR and ZL. */
static int
join_means(const struct state_segment_config *sc, const struct state_segment *x,
	   const struct state_segment *y, struct metric_mean *zr,
	   struct metric_mean *zl)
{
	size_t size = sc->batch_size;
	uint64_t nx = x->rows, ny = y->rows;
	size_t kx = nx < size - 1 ? (size_t)nx : size - 1;
	size_t ky = ny < size - 1 ? (size_t)ny : size - 1;
	struct metric_mean *xr = x->rmse, *xl = x->row_loss;
	struct metric_mean *yr = y->rmse, *yl = y->row_loss;
	struct metric_mean *own[4] = {NULL, NULL, NULL, NULL};
	struct metric_sums *sx = calloc(kx + 1, sizeof *sx);
	struct metric_sums *py = calloc(ky + 1, sizeof *py);
	int status = -1;

	if (sx == NULL || py == NULL)
		goto done;
	if (!state_segment_is_long(sc, x)) {
		if (short_means(sc, x, &own[0], &own[1]) != 0)
			goto done;
		xr = own[0];
		xl = own[1];
	}
	if (!state_segment_is_long(sc, y)) {
		if (short_means(sc, y, &own[2], &own[3]) != 0)
			goto done;
		yr = own[2];
		yl = own[3];
	}
	edge_sums(sc, x, kx, sx, y, ky, py);
	for (size_t a = 0; a < size; a++) {
		size_t ay = (size_t)((a + size - nx % size) % size);

		zr[a] = xr[a];
		if (zl != NULL)
			zl[a] = xl[a];
		if (nx > a) {
			size_t l = (size_t)((nx - a) % size);

			if (l != 0 && size - l <= ny) {
				struct metric_sums win = sx[l];

				metric_sums_merge(&sc->batch, &win,
						  &py[size - l]);
				add_batch(sc, &win, size, &zr[a],
					  zl != NULL ? &zl[a] : NULL);
			}
		}
		metric_mean_merge(&zr[a], &yr[ay]);
		if (zl != NULL)
			metric_mean_merge(&zl[a], &yl[ay]);
	}
	status = 0;
done:
	for (int i = 0; i < 4; i++)
		free(own[i]);
	free(sx);
	free(py);
	return status;
}

int
state_segment_append(const struct state_segment_config *sc,
		     struct state_segment *x, const struct state_segment *y)
{
	struct state_segment z = {.rows = x->rows + y->rows};
	size_t size = sc->batch_size;

	if (!sc->batches) {
		metric_sums_merge(&sc->sums, &x->sums, &y->sums);
		x->rows = z.rows;
		return 0;
	}
	if (state_segment_alloc(sc, &z) != 0)
		goto fail;
	if (state_segment_is_long(sc, &z) &&
	    join_means(sc, x, y, z.rmse, z.row_loss) != 0)
		goto fail;
	if (!state_segment_is_long(sc, &z)) {
		/* Both are short, and so is the whole: every row. */
		memcpy(z.known, x->known, x->nfirst * sizeof *z.known);
		memcpy(z.known + x->nfirst, y->known,
		       y->nfirst * sizeof *z.known);
	} else {
		size_t first = size - 1, from_x, from_y;

		/* The first B - 1 rows: X's known first rows, then Y's. */
		from_x = x->rows < first ? (size_t)x->rows : first;
		memcpy(z.known, x->known, from_x * sizeof *z.known);
		memcpy(z.known + from_x, y->known,
		       (first - from_x) * sizeof *z.known);
		/* The last B - 1: Y's known last rows, after X's. */
		from_y = y->rows < first ? (size_t)y->rows : first;
		memcpy(z.known + first, last_rows(x, first - from_y),
		       (first - from_y) * sizeof *z.known);
		memcpy(z.known + first + (first - from_y), last_rows(y, from_y),
		       from_y * sizeof *z.known);
	}
	free(x->known);
	free(x->rmse);
	free(x->row_loss);
	x->known = z.known;
	x->nfirst = z.nfirst;
	x->nlast = z.nlast;
	x->rmse = z.rmse;
	x->row_loss = z.row_loss;
	x->rows = z.rows;
	metric_sums_merge(&sc->sums, &x->sums, &y->sums);
	return 0;
fail:
	free(z.known);
	free(z.rmse);
	free(z.row_loss);
	return -1;
}

int
state_segment_means(const struct state_segment_config *sc,
		    const struct state_segment *s, struct metric_mean *rmse,
		    struct metric_mean *row_loss)
{
	size_t size = sc->batch_size, tail = (size_t)(s->rows % size);

	metric_mean_init(rmse);
	metric_mean_init(row_loss);
	if (!sc->batches)
		return 0;
	if (!state_segment_is_long(sc, s)) {
		/* Every row is known: the batches, one by one. */
		for (size_t i = 0; i < s->nfirst; i += size) {
			size_t k = s->nfirst - i < size ? s->nfirst - i : size;

			add_rows_batch(sc, s->known + i, k, rmse, row_loss);
		}
		return 0;
	}
	*rmse = s->rmse[0];
	if (s->row_loss != NULL)
		*row_loss = s->row_loss[0];
	if (tail != 0)
		add_rows_batch(sc, last_rows(s, tail), tail, rmse, row_loss);
	return 0;
}
