/* test_state: the saved state's reader and writer.  The one form a sum is
 * written in (state_canonical) is the form the reader takes
 * (state_sum_error, state_signed_sum_error), with the same value; a state
 * written reads back to the same header, keys, sums (r2's, bias's and
 * max_error's too), rows and batch sums, and written again
 * gives the same bytes; lines up to STATE_LINE_MAX bytes are written and
 * read, and one byte more is refused by both. */
#include "dd.h"
#include "metric.h"
#include "state.h"
#include "state_read.h"
#include "state_segment.h"
#include "state_write.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

static struct xdd
x3(double hi, double lo, int32_t exp)
{
	return (struct xdd){{hi, lo}, exp};
}

/* Says which case of a table of sums failed: case I, the sum X, and
 * WHY the reader refused it (NULL: it accepted it). */
static void
show_sum_case(size_t i, struct xdd x, const char *why)
{
	printf("    case %zu: %a %a %d: %s\n", i, x.v.hi, x.v.lo, (int)x.exp,
	       why ? why : "accepted");
}

static void
test_sum_forms(void)
{
	static const struct {
		struct xdd x;
		bool nan_ok, ok;
	} cases[] = {
		{{{0.0, 0.0}, 0}, false, true},
		{{{-0.0, 0.0}, 0}, false, true}, /* a weight of -0 */
		{{{55.0, 0.0}, 0}, false, true},
		{{{1.0, 0x1p-53}, 0}, false, true},  /* half an ulp */
		{{{1.0, -0x1p-54}, 0}, false, true}, /* below 1: a quarter */
		{{{1.0, 0x1p-52}, 0}, false, false}, /* an ulp: not normal */
		{{{0.0, 0x1p-60}, 0}, false, false},
		{{{-1.0, 0.0}, 0}, false, false},
		{{{NAN, 0.0}, 0}, false, false},
		{{{NAN, 0.0}, 0}, true, true},
		{{{NAN, 1.0}, 0}, true, false},
		{{{NAN, 0.0}, 3}, true, false},
		{{{INFINITY, 0.0}, 0}, true, false},
		{{{1.0, NAN}, 0}, false, false},
		{{{0x1p+400, 0.0}, 0}, false, true},
		{{{0x1p+401, 0.0}, 0}, false, false},
		{{{0x1p-400, 0.0}, 0}, false, true},
		{{{0x1p-401, 0.0}, 0}, false, false},
		{{{0x1p-1074, 0.0}, 0}, false, false}, /* subnormal */
		{{{0x1p+1023, 0x1p+1023}, 0}, false, false},
		{{{1.0, 0.0}, 4096}, false, true},
		{{{1.0, 0.0}, -4096}, false, true},
		{{{1.0, 0.0}, 4097}, false, false},
		{{{1.0, 0.0}, INT32_MIN}, false, false},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *why = state_sum_error(cases[i].x, cases[i].nan_ok);

		if (!CHECK_INT(why == NULL, cases[i].ok))
			show_sum_case(i, cases[i].x, why);
	}
}

/* A sum of terms of either sign (bias, the rest of a mean): the same form,
 * of either sign, never NaN or infinite. */
static void
test_signed_sum_forms(void)
{
	static const struct {
		struct xdd x;
		bool ok;
	} cases[] = {
		{{{0.0, 0.0}, 0}, true},
		{{{-0.0, 0.0}, 0}, true},
		{{{-55.0, 0.0}, 0}, true},
		{{{-1.0, -0x1p-53}, 0}, true}, /* half an ulp */
		{{{-1.0, 0x1p-52}, 0}, false}, /* an ulp: not normal */
		{{{-0x1p+400, 0.0}, -4096}, true},
		{{{-0x1p+401, 0.0}, 0}, false},
		{{{-0x1p-401, 0.0}, 0}, false},
		{{{-1.0, 0.0}, 4097}, false},
		{{{NAN, 0.0}, 0}, false},
		{{{-INFINITY, 0.0}, 0}, false},
		{{{-1.0, NAN}, 0}, false},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *why = state_signed_sum_error(cases[i].x);

		if (!CHECK_INT(why == NULL, cases[i].ok))
			show_sum_case(i, cases[i].x, why);
	}
}

/* Sums as the arithmetic leaves them, at every magnitude: their canonical
 * form is taken, keeps the value, and is its own canonical form. */
static void
test_canonical(void)
{
	struct metric_config cfg = {.pairs = 2, .abs = true, .row_loss = true};

	rng_state = 11;
	for (int round = 0; round < 2000; round++) {
		struct metric_sums s;
		struct metric_row rows[40];
		int scale = (int)rng_below(2000) - 1000;
		size_t n = 1 + rng_below(40);
		struct xdd all[4], c, again;

		for (size_t i = 0; i < n; i++) {
			double t[2], p[2],
				w = ldexp(1.0 + (double)rng_below(9),
					  (int)rng_below(600) - 300);

			for (int j = 0; j < 2; j++) {
				t[j] = ldexp((double)(rng() >> 11), scale - 53);
				p[j] = t[j] +
				       ldexp((double)(rng() >> 20), scale - 50);
			}
			metric_row_set(&cfg, &rows[i], NULL, t, p, w);
		}
		metric_sums_init(&s, &cfg);
		metric_sums_add(&cfg, &s, rows, NULL, n);
		all[0] = s.sq;
		all[1] = s.weight;
		all[2] = s.abs;
		all[3] = s.row_loss;
		for (int k = 0; k < 4; k++) {
			c = state_canonical(all[k]);
			CHECK(state_sum_error(c, false) == NULL);
			CHECK_DOUBLE(xdd_value(c), xdd_value(all[k]));
			again = state_canonical(c);
			CHECK(again.v.hi == c.v.hi && again.v.lo == c.v.lo &&
			      again.exp == c.exp);
		}
		metric_sums_free(&s);
	}
	CHECK(isnan(state_canonical(x3(-NAN, 5.0, 7)).v.hi));
	CHECK(state_sum_error(state_canonical(x3(-NAN, 5.0, 7)), true) == NULL);
}

/* A memory file holding the N bytes at S, to be read from its start. */
static int
memory_file(const char *s, size_t n)
{
	int fd = memfd_create("state", 0);

	if (fd < 0 || write(fd, s, n) != (ssize_t)n ||
	    lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

static const char *const true_names[] = {"t \"0\"", "t\t1", "t\x01\xff"};
static const char *const pred_names[] = {"p0", "p\\1", "p\n2"};

static void
make_header(struct state_header *h, size_t batch)
{
	*h = (struct state_header){.batch_size = batch, .pairs = 3};
	h->columns[0] = M_RMSE;
	h->columns[1] = M_MEAN_BATCH_RMSE;
	h->columns[2] = M_MEAN_ROW_LOSS;
	h->columns[3] = M_MAE;
	h->columns[4] = M_PER_OUTPUT;
	h->columns[5] = M_R2;
	h->columns[6] = M_BIAS;
	h->columns[7] = M_MAX_ERROR;
	h->ncolumns = 8;
	h->true_names = calloc(3, sizeof *h->true_names);
	h->pred_names = calloc(3, sizeof *h->pred_names);
	for (int j = 0; j < 3; j++) {
		h->true_names[j] = strdup(true_names[j]);
		h->pred_names[j] = strdup(pred_names[j]);
	}
	h->weight = strdup("w");
	h->epoch_col = strdup("e\"p");
}

/* The segment of N random rows, and their key. */
static void
make_epoch(const struct state_segment_config *sc, size_t n,
	   struct state_segment *seg)
{
	struct state_segment_builder b;
	struct metric_sums sums;
	struct metric_row *rows = calloc(n, sizeof *rows);
	size_t stride = metric_row_extras(&sc->sums);
	struct xdd *out = calloc(n * stride, sizeof *out);

	for (size_t i = 0; i < n; i++) {
		double t[3], p[3],
			w = rng_below(4) == 0
				    ? 0.0
				    : 0.5 * (double)(1 + rng_below(6));

		for (int j = 0; j < 3; j++) {
			t[j] = (double)(int64_t)(rng() >> 40) * 0x1p-10;
			p[j] = t[j] + (double)(int64_t)(rng() >> 44) * 0x1p-12;
		}
		metric_row_set(&sc->sums, &rows[i], &out[stride * i], t, p, w);
	}
	state_segment_builder_init(&b, sc);
	metric_sums_init(&sums, &sc->sums);
	metric_sums_add(&sc->sums, &sums, rows, out, n);
	state_segment_builder_add(&b, rows, n);
	if (state_segment_builder_take(&b, seg, &sums) != 0)
		abort();
	state_segment_builder_free(&b);
	metric_sums_free(&sums);
	free(rows);
	free(out);
}

static bool
same_xdd(struct xdd a, struct xdd b)
{
	a = state_canonical(a);
	b = state_canonical(b);
	return (isnan(a.v.hi) && isnan(b.v.hi)) ||
	       (a.v.hi == b.v.hi && a.v.lo == b.v.lo && a.exp == b.exp &&
		signbit(a.v.hi) == signbit(b.v.hi));
}

static void
check_segments(const struct state_segment_config *sc,
	       const struct state_segment *a, const struct state_segment *b)
{
	size_t known = state_segment_known_rows(sc, a->rows);

	CHECK_U64(b->rows, a->rows);
	CHECK(same_xdd(b->sums.sq, a->sums.sq));
	CHECK(same_xdd(b->sums.weight, a->sums.weight));
	CHECK(same_xdd(b->sums.abs, a->sums.abs));
	CHECK(same_xdd(b->sums.row_loss, a->sums.row_loss));
	for (size_t j = 0; j < sc->sums.pairs; j++)
		CHECK(same_xdd(b->sums.out[j], a->sums.out[j]));
	CHECK(same_xdd(b->sums.x->bias, a->sums.x->bias));
	CHECK_DOUBLE(b->sums.x->max_error, a->sums.x->max_error);
	for (size_t j = 0; j < sc->sums.pairs; j++) {
		struct metric_spread sa, sb;
		struct xdd wa, wb;

		metric_spread_get(&a->sums, j, &sa, &wa);
		metric_spread_get(&b->sums, j, &sb, &wb);
		CHECK_DOUBLE(sb.k, sa.k);
		CHECK(same_xdd(sb.m, sa.m));
		CHECK(same_xdd(sb.m2, sa.m2));
		CHECK_DOUBLE(xdd_value(wb), xdd_value(wa));
	}
	for (size_t i = 0; i < known; i++) {
		CHECK(same_xdd(b->known[i].sq, a->known[i].sq));
		CHECK(same_xdd(b->known[i].weight, a->known[i].weight));
		CHECK(same_xdd(b->known[i].row_loss, a->known[i].row_loss));
	}
	for (size_t k = 0; state_segment_is_long(sc, a) && k < sc->batch_size;
	     k++) {
		CHECK(same_xdd(b->rmse[k].total, a->rmse[k].total));
		CHECK(same_xdd(b->row_loss[k].total, a->row_loss[k].total));
		CHECK_U64(b->rmse[k].rows, a->rmse[k].rows);
	}
}

/* Writes H, PART, the one id ID and the epochs SEGS (keys KEYS) into a
 * memory buffer; -1 when the writer refuses. */
static int
write_state(char **buf, size_t *len, const struct state_header *h,
	    const struct state_part *part, const struct state_id *id,
	    char *const *keys, const struct state_segment *segs, size_t n)
{
	FILE *f = open_memstream(buf, len);
	struct state_writer w;
	int st;

	state_writer_init(&w, f);
	st = state_write_header(&w, h, part, id, 1);
	for (size_t i = 0; st == 0 && i < n; i++)
		st = state_write_epoch(&w, keys[i], strlen(keys[i]), 0,
				       &segs[i]);
	if (st == 0)
		st = state_write_end(&w);
	state_writer_free(&w);
	fclose(f);
	return st;
}

static void
test_round_trip(void)
{
	enum { EPOCHS = 5 };
	static char k0[] = "a", k1[] = "\"q\"\t\\", k2[] = "", k3[] = "x\x7f",
		    k4[] = "a";
	char *keys[EPOCHS] = {k0, k1, k2, k3, k4};
	size_t sizes[EPOCHS] = {1, 7, 8, 50, 2};
	struct state_header h;
	struct state_segment_config sc;
	struct state_segment segs[EPOCHS];
	struct state_part part = {3, 4, 9, "run \"x\"", 7};
	struct state_id id;
	struct state_reader r;
	struct state_epoch e;
	char *buf = NULL, *again = NULL;
	size_t len = 0, again_len = 0;
	int fd;

	rng_state = 12;
	make_header(&h, 4);
	state_config(&h, &sc);
	for (int i = 0; i < EPOCHS; i++)
		make_epoch(&sc, sizes[i], &segs[i]);
	state_id_new(&id);
	CHECK_INT(write_state(&buf, &len, &h, &part, &id, keys, segs, EPOCHS),
		  0);

	fd = memory_file(buf, len);
	state_reader_init(&r, fd, "mem");
	CHECK_INT(state_read_header(&r), 1);
	CHECK_U64(r.h.pairs, 3);
	for (int j = 0; j < 3; j++) {
		CHECK_STR(r.h.true_names[j], true_names[j]);
		CHECK_STR(r.h.pred_names[j], pred_names[j]);
	}
	CHECK_STR(r.h.weight, "w");
	CHECK_STR(r.h.epoch_col, "e\"p");
	CHECK_U64(r.part.first, 3);
	CHECK_U64(r.part.last, 4);
	CHECK_U64(r.part.of, 9);
	CHECK(r.part.run_len == 7 && memcmp(r.part.run, "run \"x\"", 7) == 0);
	CHECK(r.nsources == 1 &&
	      memcmp(r.sources[0].b, id.b, STATE_ID_BYTES) == 0);
	for (int i = 0; i < EPOCHS; i++) {
		if (!CHECK_INT(state_read_epoch(&r, &e), 1))
			break;
		CHECK(e.key_len == strlen(keys[i]) &&
		      memcmp(e.key, keys[i], e.key_len) == 0);
		check_segments(&sc, &segs[i], &e.seg);
		segs[i].rows = e.seg.rows;
		state_segment_free(&segs[i]);
		segs[i] = e.seg;
		e.seg = (struct state_segment){0};
		state_epoch_free(&e);
	}
	CHECK_INT(state_read_epoch(&r, &e), 0);
	CHECK_INT(state_read_header(&r), 0);
	state_reader_free(&r);
	close(fd);

	/* What was read, written again: the same bytes. */
	CHECK_INT(write_state(&again, &again_len, &h, &part, &id, keys, segs,
			      EPOCHS),
		  0);
	CHECK(again_len == len && memcmp(again, buf, len) == 0);
	for (int i = 0; i < EPOCHS; i++)
		state_segment_free(&segs[i]);
	state_header_free(&h);
	free(buf);
	free(again);
}

/* An epoch value whose line is N bytes: 'epoch "' + value + '"'. */
static int
write_key_line(size_t n, char **buf, size_t *len)
{
	struct state_header h = {.batch_size = 2, .pairs = 1, .ncolumns = 1};
	struct state_segment_config sc;
	struct state_segment seg;
	struct state_part none = {0};
	struct state_id id = {{0}};
	char *key = malloc(n - 8 + 1);
	int st;

	memset(key, 'k', n - 8);
	key[n - 8] = '\0';
	h.columns[0] = M_RMSE;
	h.true_names = calloc(1, sizeof *h.true_names);
	h.pred_names = calloc(1, sizeof *h.pred_names);
	h.true_names[0] = strdup("t");
	h.pred_names[0] = strdup("p");
	h.epoch_col = strdup("e");
	state_config(&h, &sc);
	make_epoch(&sc, 3, &seg);
	st = write_state(buf, len, &h, &none, &id, &key, &seg, 1);
	state_segment_free(&seg);
	state_header_free(&h);
	free(key);
	return st;
}

static void
test_line_limit(void)
{
	struct state_reader r;
	struct state_epoch e;
	char *buf = NULL, *p;
	size_t len = 0;
	int fd;

	rng_state = 13;
	CHECK_INT(write_key_line(STATE_LINE_MAX, &buf, &len), 0);
	fd = memory_file(buf, len);
	state_reader_init(&r, fd, "max");
	CHECK_INT(state_read_header(&r), 1);
	CHECK_INT(state_read_epoch(&r, &e), 1);
	CHECK_U64(e.key_len, STATE_LINE_MAX - 8);
	state_epoch_free(&e);
	CHECK_INT(state_read_epoch(&r, &e), 0);
	state_reader_free(&r);
	close(fd);

	/* One byte more: the reader stops at that line, the first after the
	 * header, which it reads with the header (the checksum, after it,
	 * is not reached). */
	if ((p = realloc(buf, len + 2)) == NULL)
		abort();
	buf = p;
	p = strstr(buf, "epoch \"k");
	memmove(p + 8, p + 7, len + 1 - (size_t)(p + 7 - buf));
	p[7] = 'k';
	fd = memory_file(buf, len + 1);
	state_reader_init(&r, fd, "max+1");
	CHECK_INT(state_read_header(&r), -1);
	state_reader_free(&r);
	close(fd);
	free(buf);

	buf = NULL;
	CHECK_INT(write_key_line(STATE_LINE_MAX + 1, &buf, &len), -1);
	free(buf);
}

int
main(void)
{
	/* The refusals are reported on standard error, which the test
	 * runner keeps for failures only. */
	test_sum_forms();
	test_signed_sum_forms();
	test_canonical();
	test_round_trip();
	test_line_limit();
	return check_finish("test_state");
}
