/* test_groups: the groups' two ways in (groups.c).  Rows handed on in
 * the order read (groups_rows) and the same rows handed on by group, as a
 * fused block of the reader's puts them (groups_runs: keys of one field
 * or two, a word's 8 bytes or more, with the weights or without, the
 * scales of extreme values apart or none), over
 * many calls, so that a group's batches go on from one call to the next:
 * the lines must be the same, bit for bit, the groups in the same order;
 * and with a tap on each group's rows (--save-state), it must see the
 * same rows, in the same order. */
#include "groups.h"
#include "key_hash.h"

#include <stdlib.h>

#include "check.h"

enum { ROWS = 3000, CALL_MOST = 200, KEYS = 40 };

/* What a run hands on: its lines, in order, and the rows its tap saw. */
struct seen {
	struct batcher_line line[4 * ROWS];
	char group[4 * ROWS][32];
	size_t nlines;
	/* The sums of each line as the tap sees it (the lines handed on
	 * are copies without them), of group SUMS_GROUP[I]. */
	size_t sums_group[4 * ROWS];
	struct xdd sums_sq[4 * ROWS], sums_weight[4 * ROWS];
	size_t nsums;
	size_t tap_group[ROWS];
	struct xdd tap_sq[ROWS], tap_weight[ROWS];
	size_t ntap;
};

static void
on_line(void *ctx, const struct batcher_line *line)
{
	struct seen *s = ctx;

	if (!CHECK(s->nlines < 4 * ROWS))
		return;
	s->line[s->nlines] = *line;
	snprintf(s->group[s->nlines], sizeof s->group[0], "%.*s",
		 (int)line->group_len, line->group ? line->group : "");
	s->nlines++;
}

static int
tap_group(void *ctx, size_t i, const char *key, size_t key_len)
{
	(void)ctx, (void)i, (void)key, (void)key_len;
	return 0;
}

static void
tap_rows(void *ctx, size_t i, const struct metric_row *rows, size_t n)
{
	struct seen *s = ctx;

	for (size_t k = 0; k < n && CHECK(s->ntap < ROWS); k++, s->ntap++) {
		s->tap_group[s->ntap] = i;
		s->tap_sq[s->ntap] = rows[k].sq;
		s->tap_weight[s->ntap] = rows[k].weight;
	}
}

static void
tap_line(void *ctx, size_t i, const struct batcher_line *line)
{
	struct seen *s = ctx;

	if (!CHECK(s->nsums < 4 * ROWS) || !CHECK(line->sums != NULL))
		return;
	s->sums_group[s->nsums] = i;
	s->sums_sq[s->nsums] = line->sums->sq;
	s->sums_weight[s->nsums++] = line->sums->weight;
}

/* The rows of one test: each one's squared errors, weight and key. */
struct rows {
	struct metric_row row[ROWS];
	const char *field[ROWS][2];
	size_t len[ROWS][2];
};

static const char *const keys[KEYS] = {
	"",	"a",   "b",   "ab",  "abcdefgh",   "abcdefgi",	 "abcdefghi",
	"k1",	"k2",  "k3",  "k4",  "k5",	   "k6",	 "k7",
	"k8",	"k9",  "k10", "k11", "k12",	   "k13",	 "k14",
	"k15",	"k16", "k17", "k18", "long key 1", "long key 2", "x,y",
	"q\"q", "z",   "y",   "x",   "w",	   "v",		 "u",
	"t",	"s",   "r",   "p",   "o"};

/* With EXTREME, a row in 20 or so has an error or a weight whose scale
 * (struct xdd's exp) is not 0. */
static void
make_rows(struct rows *r, size_t nkeys, bool weighted, bool extreme)
{
	for (size_t i = 0; i < ROWS; i++) {
		double t = (double)rng_below(1000) / 7.0;
		double p = (double)rng_below(1000) / 3.0;
		double w = weighted ? (double)rng_below(5) / 4.0 : 1.0;

		if (extreme) {
			switch (rng_below(60)) {
			case 0: t = 1e250; break;
			case 1: p = -3e-210, t = 1e-230; break;
			case 2: w = weighted ? 1e200 : w; break;
			default: break;
			}
		}

		memset(&r->row[i], 0, sizeof r->row[i]);
		metric_row_sq(1, &t, &p, w, &r->row[i].sq, &r->row[i].weight);
		for (size_t c = 0; c < 2; c++) {
			r->field[i][c] = keys[rng_below((unsigned)nkeys)];
			r->len[i][c] = strlen(r->field[i][c]);
		}
	}
}

/* A run of ROWS R through groups G (set up as CONFIG says, seen by S),
 * NGCOL fields a key: in the order read when BY_GROUP is false, else by
 * group, as read_fused.c hands them on, NULL weights when not WEIGHTED. */
static void
run(const struct batcher_config *config, const struct rows *r, size_t ngcol,
    bool by_group, bool weighted, bool tapped, struct seen *s)
{
	const struct batcher_sink out = {s, on_line, NULL};
	/* Without TAPPED, a tap of the lines alone: the rows are then added
	 * as without --save-state (batcher_sq_run, batcher_sq_rows), and
	 * the lines' sums are seen. */
	const struct groups_tap tap = {s, tap_group, tapped ? tap_rows : NULL,
				       tap_line};
	struct groups g;
	size_t at = 0;

	groups_init(&g, config, &out, true);
	groups_set_tap(&g, &tap);
	groups_start(&g, 1, 0);
	groups_file_begin(&g);
	while (at < ROWS) {
		size_t n = 1 + rng_below(CALL_MOST), ng = 0;
		size_t first[CALL_MOST], count[CALL_MOST], *of;
		const char *field[2 * CALL_MOST];
		size_t len[2 * CALL_MOST], k = 0;
		uint64_t hash[CALL_MOST], word[CALL_MOST];
		struct dd sq[CALL_MOST], w[CALL_MOST];
		int32_t se[CALL_MOST], we[CALL_MOST];
		bool scaled = false;
		struct metric_sq_rows sr = {sq, weighted ? w : NULL, NULL,
					    NULL};

		if (n > ROWS - at)
			n = ROWS - at;
		if (!by_group) {
			const char *f[2 * CALL_MOST];
			size_t l[2 * CALL_MOST];

			for (size_t i = 0; i < n; i++)
				for (size_t c = 0; c < ngcol; c++) {
					f[i * ngcol + c] = r->field[at + i][c];
					l[i * ngcol + c] = r->len[at + i][c];
				}
			CHECK(groups_rows(&g, r->row + at, NULL, n, NULL, 0, f,
					  l, ngcol) == 0);
			at += n;
			continue;
		}
		/* The groups of these rows in the order they first come. */
		of = malloc(n * sizeof *of);
		for (size_t i = 0; i < n; i++) {
			size_t j = 0;

			for (; j < ng; j++) {
				size_t a = at + first[j], b = at + i, c = 0;

				while (c < ngcol &&
				       r->len[a][c] == r->len[b][c] &&
				       memcmp(r->field[a][c], r->field[b][c],
					      r->len[b][c]) == 0)
					c++;
				if (c == ngcol)
					break;
			}
			if (j == ng) {
				first[ng] = i;
				count[ng++] = 0;
			}
			count[j]++;
			of[i] = j;
		}
		for (size_t j = 0; j < ng; j++) {
			const char *f0 = r->field[at + first[j]][0];
			size_t l0 = r->len[at + first[j]][0];

			for (size_t c = 0; c < ngcol; c++) {
				field[j * ngcol + c] =
					r->field[at + first[j]][c];
				len[j * ngcol + c] = r->len[at + first[j]][c];
			}
			hash[j] = key_hash(f0, l0);
			word[j] = 0;
			memcpy(&word[j], f0, l0 < 8 ? l0 : 8);
			for (size_t i = 0; i < n; i++)
				if (of[i] == j) {
					const struct metric_row *x =
						&r->row[at + i];

					sq[k] = x->sq.v;
					w[k] = x->weight.v;
					se[k] = x->sq.exp;
					we[k++] = x->weight.exp;
					scaled |= x->sq.exp != 0 ||
						  x->weight.exp != 0;
				}
		}
		free(of);
		/* As read_fused.c hands them: the scales only when one is not
		 * 0 (and then the weights' only with weights). */
		if (scaled) {
			sr.sq_exp = se;
			sr.weight_exp = weighted ? we : NULL;
		}
		CHECK(groups_runs(&g, &sr, count, ng, NULL, 0, field, len,
				  ngcol, ngcol == 1 ? hash : NULL,
				  ngcol == 1 ? word : NULL) == 0);
		at += n;
	}
	groups_file_end(&g);
	CHECK(groups_finish(&g) == 0);
	groups_free(&g);
}

static void
same_lines(const struct seen *a, const struct seen *b)
{
	if (!CHECK_U64(b->nlines, a->nlines))
		return;
	for (size_t i = 0; i < a->nlines; i++) {
		const struct batcher_line *x = &a->line[i], *y = &b->line[i];

		CHECK_INT(y->kind, x->kind);
		CHECK_STR(b->group[i], a->group[i]);
		CHECK_U64(y->epoch, x->epoch);
		CHECK_U64(y->batch, x->batch);
		CHECK_U64(y->rows, x->rows);
		for (int m = 0; m < M_COUNT; m++)
			if (!(isnan(x->v[m]) && isnan(y->v[m])))
				CHECK_DOUBLE(y->v[m], x->v[m]);
	}
}

/* Two sequences of sums (a tap's rows, or its lines' sums), of groups
 * GA[I] and GB[I]: each group's the same, bit for bit, in the same order
 * (the groups of one call may come in another order). */
static void
same_by_group(const size_t *ga, const struct xdd *sqa, const struct xdd *wa,
	      size_t na, const size_t *gb, const struct xdd *sqb,
	      const struct xdd *wb, size_t nb)
{
	size_t i, j;

	if (!CHECK_U64(nb, na) || !CHECK(na > 0))
		return;
	for (size_t gr = 0; gr < KEYS * KEYS; gr++) {
		for (i = 0, j = 0;; i++, j++) {
			while (i < na && ga[i] != gr)
				i++;
			while (j < nb && gb[j] != gr)
				j++;
			if (!CHECK_INT(i < na, j < nb) || i == na)
				break;
			CHECK_DOUBLE(sqb[j].v.hi, sqa[i].v.hi);
			CHECK_DOUBLE(sqb[j].v.lo, sqa[i].v.lo);
			CHECK_INT(sqb[j].exp, sqa[i].exp);
			CHECK_DOUBLE(wb[j].v.hi, wa[i].v.hi);
			CHECK_DOUBLE(wb[j].v.lo, wa[i].v.lo);
			CHECK_INT(wb[j].exp, wa[i].exp);
		}
	}
}

/* key_hash_word, the fused reader's hash of a short key from its word,
 * is key_hash of the key's bytes: keys of 0 to 8 bytes, of every byte
 * but NUL, each byte at every place. */
static void
hash_words(void)
{
	for (int k = 0; k < 100000; k++) {
		char key[8];
		size_t n =
			k < 256 * 8 ? (size_t)(k / 256 % 8) + 1 : rng_below(9);
		uint64_t w = 0;

		for (size_t i = 0; i < n; i++)
			key[i] = (char)(1 + rng_below(255));
		if (k < 256 * 8)
			key[n - 1] = (char)(k % 255 + 1);
		memcpy(&w, key, n);
		CHECK_U64(key_hash_word(w), key_hash(key, n));
	}
}

int
main(void)
{
	static struct rows r;
	static struct seen a, b;
	/* 2500: batches past a renormalization (METRIC_RENORMALIZE_ROWS),
	 * which a group of 2 keys' rows crosses. */
	static const size_t batch_sizes[] = {1, 32, 700, 2500};
	uint64_t calls;

	rng_state = 4;
	hash_words();
	for (int round = 0; round < 48; round++) {
		size_t ngcol = 1 + round % 2;
		bool weighted = round / 2 % 2, tapped = round / 4 % 2;
		struct batcher_config config = {
			.batch_size = batch_sizes[round / 8 % 4],
			.reset_never = round / 32 % 2,
			.sums = {.pairs = 1, .sq_only = true}};

		make_rows(&r, round % 3 == 0 ? 2 : KEYS, weighted,
			  round % 5 < 2);
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		/* The same calls, of the same rows, both ways. */
		calls = rng_state;
		run(&config, &r, ngcol, false, weighted, tapped, &a);
		rng_state = calls;
		run(&config, &r, ngcol, true, weighted, tapped, &b);
		same_lines(&a, &b);
		/* Each line's sums: a renormalization left out, or one too
		 * many, shows only there. */
		same_by_group(a.sums_group, a.sums_sq, a.sums_weight, a.nsums,
			      b.sums_group, b.sums_sq, b.sums_weight, b.nsums);
		if (tapped) {
			/* Each group's rows, as the taps saw them. */
			CHECK_U64(a.ntap, ROWS);
			same_by_group(a.tap_group, a.tap_sq, a.tap_weight,
				      a.ntap, b.tap_group, b.tap_sq,
				      b.tap_weight, b.ntap);
		}
	}
	return check_finish("test_groups");
}
