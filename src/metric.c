/* metric.c: the accounting of RMSE: what each row adds, sums of rows and
 * of batches, and the quantities read off them.  The arithmetic is
 * double-double (dd.h), exact for the squares of errors and about 106
 * bits for their sums. */
#include "metric.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Keras's float32 arithmetic, step by step in row order: each value cast
 * to float32, the difference, square, products and sums rounded to
 * float32 as they go. */
static void
row_set_f32(const struct metric_config *cfg, struct metric_row *row,
	    const double *t, const double *p, double w)
{
	float w32 = (float)w, sq = 0.0f, abs = 0.0f, mean = 0.0f;

	for (size_t j = 0; j < cfg->pairs; j++) {
		float d = (float)p[j] - (float)t[j];
		float e = d * d;

		sq += e * w32;
		abs += fabsf(d) * w32;
		mean += e;
	}
	row->sq32 = sq;
	row->abs32 = abs;
	row->count32 = (float)cfg->pairs * w32;
	row->row_loss32 = sqrtf(mean / (float)cfg->pairs) * w32;
}

/* What a row hands on for r2, bias and max_error (metric_row_extras): its
 * true values, w * the sum of its errors, and its largest error. */
static void
row_extras(const struct metric_config *cfg, struct xdd *out, const double *t,
	   const double *p, double w)
{
	size_t pairs = cfg->pairs;

	if (cfg->spread) {
		for (size_t j = 0; j < pairs; j++)
			out[j] = xdd_from(t[j]);
		out += pairs;
	}
	if (cfg->bias) {
		struct xdd sum = xdd_diff(p[0], t[0]);

		for (size_t j = 1; j < pairs; j++)
			sum = xdd_sum(sum, xdd_diff(p[j], t[j]));
		*out++ = xdd_mul_d(sum, w);
	}
	if (cfg->max_error) {
		double m = 0.0;

		/* The difference rounded is the exact one rounded, and rounding
		 * keeps the order: the largest of them is the largest error,
		 * rounded once (infinite beyond the largest double, as IEEE 754
		 * rounds it). */
		for (size_t j = 0; w > 0.0 && j < pairs; j++)
			m = fmax(m, fabs(p[j] - t[j]));
		*out = xdd_from(m);
	}
}

/* The fused multiply-add that TwoProduct needs is an instruction where the
 * processor has one; the hot functions get a version for those, chosen
 * when the program starts.  Both give the same bits: TwoProduct is exact. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__FMA__) &&           \
	!defined(__clang__)
#define FMA_CLONES __attribute__((target_clones("fma", "default")))
#else
#define FMA_CLONES
#endif

/* metric_row_set but for the usual case: several pairs, values to scale,
 * or more than the RMSE to work out.  Apart, so that the usual case keeps
 * its registers to itself. */
FMA_CLONES __attribute__((noinline)) static void
row_set_general(const struct metric_config *cfg, struct metric_row *row,
		struct xdd *out, const double *t, const double *p, double w)
{
	struct xdd sum, abs_sum, abs, *sse;
	size_t pairs = cfg->pairs;

	if (!cfg->abs && !cfg->row_loss && out == NULL) {
		metric_row_sq(pairs, t, p, w, &row->sq, &row->weight);
		if (cfg->f32)
			row_set_f32(cfg, row, t, p, w);
		return;
	}
	if (cfg->spread || cfg->bias || cfg->max_error)
		row_extras(cfg, out + (cfg->per_output ? pairs : 0), t, p, w);
	sse = cfg->per_output ? out : NULL;
	sum = metric_square_error(p[0], t[0], &abs_sum);
	if (sse != NULL)
		sse[0] = w == 1.0 ? sum : xdd_mul_d(sum, w);
	for (size_t j = 1; j < pairs; j++) {
		struct xdd e = metric_square_error(p[j], t[j], &abs);

		xdd_add(&sum, e);
		xdd_add(&abs_sum, abs);
		if (sse != NULL)
			sse[j] = w == 1.0 ? e : xdd_mul_d(e, w);
	}
	sum = xdd_renormalize(sum);
	if (cfg->row_loss) {
		/* This row's own RMSE, weighted: w * sqrt(sum / pairs). */
		struct xdd mean = sum;

		mean.v = dd_div(mean.v, dd_from_u64(pairs));
		row->row_loss = xdd_mul_d(xdd_sqrt(mean), w);
	}
	if (cfg->abs)
		row->abs = xdd_mul_d(xdd_renormalize(abs_sum), w);
	row->sq = w == 1.0 ? sum : xdd_mul_d(sum, w);
	row->weight = xdd_normal((struct xdd){{w, 0.0}, 0});
	if (cfg->f32)
		row_set_f32(cfg, row, t, p, w);
}

FMA_CLONES void
metric_row_set(const struct metric_config *cfg, struct metric_row *row,
	       struct xdd *out, const double *t, const double *p, double w)
{
	struct dd d;

	if (cfg->pairs != 1 || cfg->abs || cfg->row_loss || out != NULL) {
		row_set_general(cfg, row, out, t, p, w);
		return;
	}
	d = dd_two_sum(p[0], -t[0]);
	if (!dd_outside_safe_range(d.hi) && !dd_outside_safe_range(w)) {
		/* The usual case, written out: nothing to scale. */
		struct dd sq = dd_two_prod(d.hi, d.hi);

		sq.lo += d.lo * (2.0 * d.hi + d.lo);
		sq = dd_quick_two_sum(sq.hi, sq.lo);
		if (w != 1.0)
			sq = dd_mul_d(sq, w);
		row->sq.v = sq;
		row->sq.exp = 0;
		row->weight.v.hi = w;
		row->weight.v.lo = 0.0;
		row->weight.exp = 0;
		if (cfg->f32)
			row_set_f32(cfg, row, t, p, w);
		return;
	}
	row_set_general(cfg, row, out, t, p, w);
}

static const struct xdd xdd_zero = {{0.0, 0.0}, 0};

int
metric_sums_init(struct metric_sums *s, const struct metric_config *cfg)
{
	*s = (struct metric_sums){.sq = xdd_zero};
	if (cfg->per_output) {
		s->outputs = cfg->pairs;
		s->out = calloc(cfg->pairs, sizeof *s->out);
		if (s->out == NULL)
			return -1;
	}
	if (cfg->spread || cfg->bias || cfg->max_error) {
		size_t spreads = cfg->spread ? cfg->pairs : 0;

		s->x = calloc(1, sizeof *s->x + spreads * sizeof *s->x->spread);
		if (s->x == NULL) {
			free(s->out);
			s->out = NULL;
			return -1;
		}
		s->x->spreads = spreads;
	}
	return 0;
}

/* The sums of S but those of outputs and extras emptied: field by field,
 * what *s = (struct metric_sums){...} would set but the pointers and the
 * count of outputs, as a batch's end needs it (a whole struct copied costs
 * more). */
static inline void
clear_fixed(struct metric_sums *s)
{
	s->sq = s->weight = s->abs = s->row_loss = xdd_zero;
	s->sq32 = s->count32 = s->abs32 = s->row_loss32 = 0.0f;
	s->rows = 0;
}

void
metric_sums_clear(struct metric_sums *s)
{
	struct metric_extra *x = s->x;

	clear_fixed(s);
	for (size_t j = 0; j < s->outputs; j++)
		s->out[j] = xdd_zero;
	if (x != NULL) {
		size_t spreads = x->spreads;

		memset(x, 0, sizeof *x + spreads * sizeof *x->spread);
		x->spreads = spreads;
	}
}

void
metric_sums_copy(struct metric_sums *into, const struct metric_sums *from)
{
	struct xdd *out = into->out;
	struct metric_extra *x = into->x;

	*into = *from;
	into->out = out;
	into->x = x;
	if (from->outputs > 0)
		memcpy(out, from->out, from->outputs * sizeof *out);
	if (x != NULL)
		memcpy(x, from->x,
		       sizeof *x + from->x->spreads * sizeof *x->spread);
}

void
metric_sums_free(struct metric_sums *s)
{
	free(s->out);
	s->out = NULL;
	free(s->x);
	s->x = NULL;
}

/* The true values of one output, for r2 (struct metric_spread). */

/* A run's sums around its first true value c are sum w (t - c)^2 =
 * M2 + W (mean - c)^2, and that first row alone makes M2 at least
 * w0 (c - mean)^2: so they are at most W / w0 times the run's M2, and
 * M2 = s2 - s1^2 / W loses at most that factor of their accuracy.  A run
 * ends before W passes this many times w0. */
enum { RUN_RATIO = 64 };

/* SP's mean k + m, M, as the double nearest it and the rest. */
static void
spread_centre(struct metric_spread *sp, struct xdd m)
{
	double k = xdd_signed_value(xdd_sum(xdd_from(sp->k), m));

	sp->m = xdd_sum(xdd_diff(sp->k, k), m);
	sp->k = k;
}

/* A and B, of weights WA and WB, each as k, m and m2, joined into A:
 * M2 = M2a + M2b + d^2 Wa Wb / W, with d the difference of the means,
 * whose parts (k exactly, m to about 2^-104 of itself) are small where the
 * data is close to its mean: no term cancels. */
static void
spread_join(struct metric_spread *a, struct xdd wa,
	    const struct metric_spread *b, struct xdd wb)
{
	struct xdd d, f, u;

	if (wb.v.hi == 0.0)
		return;
	if (wa.v.hi == 0.0) {
		a->k = b->k;
		a->m = b->m;
		a->m2 = b->m2;
		return;
	}
	d = xdd_sum(xdd_diff(b->k, a->k), xdd_sum(b->m, xdd_neg(a->m)));
	f = xdd_div(wb, xdd_sum(wa, wb));
	a->m2 = xdd_sum(xdd_sum(a->m2, b->m2),
			xdd_mul(xdd_mul(xdd_mul(d, d), wa), f));
	u = xdd_sum(a->m, xdd_mul(d, f));
	spread_centre(a, u);
}

/* SP's run going on, of weight RUN_W, joined to its rows before, of
 * weight W. */
static void
spread_end_run(struct metric_spread *sp, struct xdd w, struct xdd run_w)
{
	struct metric_spread run = {.k = sp->c};
	struct xdd m = xdd_div(sp->s1, run_w);

	run.m2 = xdd_sum(sp->s2, xdd_neg(xdd_mul(sp->s1, m)));
	if (run.m2.v.hi < 0.0)
		run.m2 = xdd_zero;
	spread_centre(&run, m);
	spread_join(sp, w, &run, run_w);
	sp->c = 0.0;
	sp->s1 = sp->s2 = xdd_zero;
}

/* Ends the run going on in X, if any. */
static void
end_run(struct metric_extra *x)
{
	if (x->run_w0 == 0.0)
		return;
	for (size_t j = 0; j < x->spreads; j++)
		spread_end_run(&x->spread[j], x->spread_w, x->run_w);
	x->spread_w = xdd_sum(x->spread_w, x->run_w);
	x->run_w = xdd_zero;
	x->run_w0 = x->run_ratio = 0.0;
}

/* Adds a row of true values T (each exact) and weight WEIGHT. */
static void
spread_add(struct metric_extra *x, const struct xdd *t, struct xdd weight)
{
	double w = xdd_value(weight); /* exactly: the weight is a double */

	if (w == 0.0)
		return;
	if (x->run_w0 > 0.0) {
		/* Divided, as its weight could overflow RUN_RATIO times. */
		double r = x->run_ratio + w / x->run_w0;

		if (r <= RUN_RATIO)
			x->run_ratio = r;
		else
			end_run(x);
	}
	if (x->run_w0 == 0.0) {
		x->run_w0 = w;
		x->run_ratio = 1.0;
		for (size_t j = 0; j < x->spreads; j++)
			x->spread[j].c = xdd_signed_value(t[j]);
	}
	x->run_w = xdd_sum(x->run_w, weight);
	for (size_t j = 0; j < x->spreads; j++) {
		struct metric_spread *sp = &x->spread[j];
		struct xdd d = xdd_diff(xdd_signed_value(t[j]), sp->c);
		struct xdd wd = xdd_mul_d(d, w);

		sp->s1 = xdd_sum(sp->s1, wd);
		sp->s2 = xdd_sum(sp->s2, xdd_mul(wd, d));
	}
}

void
metric_spread_get(const struct metric_sums *s, size_t j,
		  struct metric_spread *sp, struct xdd *w)
{
	const struct metric_extra *x = s->x;

	*sp = x->spread[j];
	*w = x->spread_w;
	if (x->run_w0 > 0.0) {
		spread_end_run(sp, x->spread_w, x->run_w);
		*w = xdd_sum(x->spread_w, x->run_w);
	}
}

void
metric_spread_set(struct metric_sums *s, size_t j,
		  const struct metric_spread *sp, struct xdd w)
{
	s->x->spread[j] = (struct metric_spread){.k = sp->k,
						 .m = sp->m,
						 .m2 = sp->m2,
						 .s1 = xdd_zero,
						 .s2 = xdd_zero};
	s->x->spread_w = w;
}

/* Adds the r2, bias and max_error parts of the extras of N rows. */
static void
add_extras(const struct metric_config *cfg, struct metric_sums *s,
	   const struct metric_row *rows, const struct xdd *out, size_t n)
{
	size_t stride = metric_row_extras(cfg);
	struct metric_extra *x = s->x;

	out += cfg->per_output ? cfg->pairs : 0;
	for (size_t i = 0; i < n; i++, out += stride) {
		const struct xdd *e = out;

		if (cfg->spread) {
			spread_add(x, e, rows[i].weight);
			e += cfg->pairs;
		}
		if (cfg->bias)
			x->bias = xdd_sum(x->bias, *e++);
		if (cfg->max_error)
			x->max_error = fmax(x->max_error, xdd_value(*e));
	}
}

/* Adds the sums of bias, max_error and r2 of FROM to INTO. */
static void
merge_extra(struct metric_extra *into, const struct metric_sums *from)
{
	struct xdd w = xdd_zero;

	if (into->spreads > 0 && from->x->spreads > 0) {
		end_run(into);
		for (size_t j = 0; j < into->spreads; j++) {
			struct metric_spread sp;

			metric_spread_get(from, j, &sp, &w);
			spread_join(&into->spread[j], into->spread_w, &sp, w);
		}
		into->spread_w = xdd_sum(into->spread_w, w);
	}
	into->bias = xdd_sum(into->bias, from->x->bias);
	into->max_error = fmax(into->max_error, from->x->max_error);
}

void
metric_sums_add(const struct metric_config *cfg, struct metric_sums *s,
		const struct metric_row *rows, const struct xdd *out, size_t n)
{
	/* A local copy stays in registers through the loop. */
	struct metric_sums acc = {
		.sq = s->sq, .weight = s->weight, .rows = s->rows};

	for (size_t i = 0; i < n; i++)
		metric_sums_add_sq(&acc, rows[i].sq, rows[i].weight);
	s->sq = acc.sq;
	s->weight = acc.weight;
	/* Each only when its column is wanted: metric_row_set sets no other,
	 * and adding an unset one is undefined. */
	for (size_t i = 0; cfg->abs && i < n; i++) {
		xdd_add(&s->abs, rows[i].abs);
		if ((s->rows + i + 1) % METRIC_RENORMALIZE_ROWS == 0)
			s->abs = xdd_renormalize(s->abs);
	}
	for (size_t i = 0; cfg->row_loss && i < n; i++) {
		xdd_add(&s->row_loss, rows[i].row_loss);
		if ((s->rows + i + 1) % METRIC_RENORMALIZE_ROWS == 0)
			s->row_loss = xdd_renormalize(s->row_loss);
	}
	for (size_t i = 0, stride = metric_row_extras(cfg);
	     out != NULL && cfg->per_output && i < n; i++) {
		for (size_t j = 0; j < s->outputs; j++)
			xdd_add(&s->out[j], out[i * stride + j]);
		if ((s->rows + i + 1) % METRIC_RENORMALIZE_ROWS == 0)
			for (size_t j = 0; j < s->outputs; j++)
				s->out[j] = xdd_renormalize(s->out[j]);
	}
	if (out != NULL && s->x != NULL)
		add_extras(cfg, s, rows, out, n);
	for (size_t i = 0; cfg->f32 && i < n; i++) {
		s->sq32 += rows[i].sq32;
		s->count32 += rows[i].count32;
		s->abs32 += rows[i].abs32;
		s->row_loss32 += rows[i].row_loss32;
	}
	s->rows = acc.rows;
}

/* FROM added to INTO, both normalized after the addition, as
 * merge_xdd does, by the general steps. */
static __attribute__((noinline)) void
merge_xdd_general(struct xdd *into, struct xdd from)
{
	xdd_add(into, xdd_renormalize(from));
	*into = xdd_renormalize(*into);
}

/* merge_xdd_general, written out for the usual case, the same exponent
 * and nothing to rescale, whose steps are those of xdd_renormalize and
 * xdd_add with the sums kept in registers between them.  FROM is read
 * before INTO is written: they may be the same. */
static inline __attribute__((always_inline)) void
merge_xdd(struct xdd *into, const struct xdd *from)
{
	struct dd f = dd_quick_two_sum(from->v.hi, from->v.lo), acc = into->v;

	if (__builtin_expect(
		    from->exp != into->exp || dd_outside_safe_range(f.hi), 0)) {
		merge_xdd_general(into, *from);
		return;
	}
	dd_cascade(&acc, f);
	acc = dd_quick_two_sum(acc.hi, acc.lo);
	if (__builtin_expect(dd_outside_safe_range(acc.hi), 0))
		*into = xdd_rescale((struct xdd){acc, into->exp});
	else
		into->v = acc;
}

/* The sums of metric_sums_merge besides those of squares and weights. */
static __attribute__((noinline)) void
merge_more(const struct metric_config *cfg, struct metric_sums *into,
	   const struct metric_sums *from)
{
	if (cfg->abs || cfg->row_loss) {
		merge_xdd(&into->abs, &from->abs);
		merge_xdd(&into->row_loss, &from->row_loss);
	}
	for (size_t j = 0; j < into->outputs && j < from->outputs; j++)
		merge_xdd(&into->out[j], &from->out[j]);
	if (into->x != NULL && from->x != NULL)
		merge_extra(into->x, from);
	/* float32 state adds as Keras's assign_add does: one rounding.
	 * Without f32 the sums stay +0 (metric_sums_add adds to them only
	 * with it), and +0 + +0 is +0. */
	if (cfg->f32) {
		into->sq32 += from->sq32;
		into->count32 += from->count32;
		into->abs32 += from->abs32;
		into->row_loss32 += from->row_loss32;
	}
}

void
metric_sums_merge(const struct metric_config *cfg, struct metric_sums *into,
		  const struct metric_sums *from)
{
	/* Both sides are normalized after the addition: a merge comes once a
	 * batch, far less often than the cascade needs. */
	merge_xdd(&into->sq, &from->sq);
	merge_xdd(&into->weight, &from->weight);
	if (cfg->abs || cfg->row_loss || cfg->f32 || into->outputs > 0 ||
	    into->x != NULL)
		merge_more(cfg, into, from);
	into->rows += from->rows;
}

/* NUM / (PAIRS * DEN) as a scaled double-double; NaN when DEN is 0.
 * Inline: a batch's end works one out, and its arguments would otherwise
 * go through memory. */
static inline __attribute__((always_inline)) struct xdd
ratio(struct xdd num, struct xdd den, uint64_t pairs)
{
	struct dd d;

	num = xdd_renormalize(num);
	den = xdd_renormalize(den);
	d = dd_mul_u64(den.v, pairs);
	if (d.hi == 0.0)
		return (struct xdd){{NAN, 0.0}, 0};
	return (struct xdd){dd_div(num.v, d), num.exp - den.exp};
}

/* A scaled result as a double, rounded once. */
static double
result(struct xdd x)
{
	return xdd_value(x);
}

static const struct xdd xdd_one = {{1.0, 0.0}, 0};

/* r2, bias and max_error, when CFG has them (S->x is there); else NaN, as
 * where no row has a weight. */
static void
r2_bias_max(const struct metric_config *cfg, const struct metric_sums *s,
	    struct metric_values *v)
{
	struct xdd pairs = xdd_from((double)cfg->pairs), q = xdd_zero;

	if (s->weight.v.hi == 0.0)
		return;
	if (cfg->bias)
		v->bias = xdd_signed_value(xdd_div(
				  s->x->bias,
				  xdd_mul(xdd_renormalize(s->weight), pairs))) +
			  0.0; /* +0, not -0 */
	if (cfg->max_error)
		v->max_error = s->x->max_error;
	if (s->x->spreads == 0 || s->outputs == 0)
		return;
	/* scikit-learn's uniform_average: 1 - the mean of SSE_j / SST_j;
	 * undefined where some SST_j is 0. */
	for (size_t j = 0; j < s->x->spreads; j++) {
		struct metric_spread sp;
		struct xdd w;

		metric_spread_get(s, j, &sp, &w);
		if (!(sp.m2.v.hi > 0.0))
			return;
		q = xdd_sum(q, xdd_div(xdd_renormalize(s->out[j]), sp.m2));
	}
	v->r2 = xdd_signed_value(xdd_sum(xdd_one, xdd_neg(xdd_div(q, pairs))));
}

void
metric_values(const struct metric_config *cfg, const struct metric_sums *s,
	      struct metric_values *v)
{
	struct xdd mse = ratio(s->sq, s->weight, cfg->pairs);
	struct xdd rmse = xdd_sqrt(mse);

	v->rmse = result(rmse);
	v->mse = result(mse);
	v->weight = xdd_value(s->weight);
	v->mae = v->row_loss = NAN;
	if (cfg->abs)
		v->mae = result(ratio(s->abs, s->weight, cfg->pairs));
	if (cfg->row_loss && s->rows > 0) {
		/* Divided by rows, as Keras's sum_over_batch_size does. */
		struct xdd rl = xdd_renormalize(s->row_loss);

		rl.v = dd_div(rl.v, dd_from_u64(s->rows));
		v->row_loss = result(rl);
	}
	if (cfg->f32) {
		v->rmse = sqrtf(s->sq32 / s->count32);
		v->mse = s->sq32 / s->count32;
		v->mae = s->abs32 / s->count32;
		v->row_loss = s->rows ? s->row_loss32 / (float)s->rows : NAN;
	}
	v->r2 = v->bias = v->max_error = NAN;
	if (s->x != NULL)
		r2_bias_max(cfg, s, v);
	if (cfg->per_output && v->per_output != NULL) {
		/* Summed scaled, as the sums are: the mean of values near the
		 * largest double is itself near it, not infinite. */
		struct xdd total = xdd_zero;

		for (size_t j = 0; j < cfg->pairs; j++) {
			struct xdd r = xdd_sqrt(ratio(s->out[j], s->weight, 1));

			v->per_output[j] = result(r);
			if (isfinite(r.v.hi))
				xdd_add(&total, xdd_normal(r));
			else
				total = r;
		}
		/* scikit-learn's uniform_average: the plain mean. */
		v->uniform_rmse = result(ratio(total, xdd_one, cfg->pairs));
	}
}

void
metric_batch_values(const struct metric_config *cfg,
		    const struct metric_sums *s, struct xdd *rmse,
		    struct xdd *row_loss)
{
	*rmse = xdd_sqrt(ratio(s->sq, s->weight, cfg->pairs));
	*row_loss = (struct xdd){{NAN, 0.0}, 0};
	if (cfg->row_loss && s->rows > 0) {
		struct xdd rl = xdd_renormalize(s->row_loss);

		rl.v = dd_div(rl.v, dd_from_u64(s->rows));
		*row_loss = rl;
	}
}

void
metric_batch_close(const struct metric_config *cfg, struct metric_batch *b,
		   bool values)
{
	struct xdd row_loss;

	metric_batch_values(cfg, &b->sums, &b->rmse, &row_loss);
	if (values) {
		b->values.per_output = NULL;
		metric_values(cfg, &b->sums, &b->values);
	}
}

void
metric_mean_init(struct metric_mean *m)
{
	*m = (struct metric_mean){{{0.0, 0.0}, 0}, 0};
}

/* Adds X, the sum of other batches' values, to the mean's total. */
static __attribute__((noinline)) void
mean_total_add_general(struct metric_mean *m, struct xdd x)
{
	if (!isfinite(x.v.hi) || !isfinite(m->total.v.hi)) {
		/* NaN stays NaN: an undefined batch makes the mean so. */
		m->total.v = (struct dd){m->total.v.hi + x.v.hi, 0.0};
		return;
	}
	x = xdd_normal(x);
	if (x.exp == m->total.exp)
		m->total.v = dd_add_same_sign(m->total.v, x.v);
	else
		xdd_add_rescaled(&m->total, x);
	m->total = xdd_normal(m->total);
}

/* mean_total_add_general, written out for the usual case: X in the safe
 * range (xdd_normal leaves it as it is) with the total's exponent, and
 * the total finite. */
static inline __attribute__((always_inline)) void
mean_total_add(struct metric_mean *m, struct xdd x)
{
	struct dd sum;

	if (__builtin_expect(x.exp != m->total.exp ||
				     dd_outside_safe_range(x.v.hi) ||
				     !isfinite(m->total.v.hi),
			     0)) {
		mean_total_add_general(m, x);
		return;
	}
	sum = dd_add_same_sign(m->total.v, x.v);
	if (__builtin_expect(dd_outside_safe_range(sum.hi), 0))
		m->total = xdd_rescale((struct xdd){sum, m->total.exp});
	else
		m->total.v = sum;
}

static inline __attribute__((always_inline)) void
mean_add(struct metric_mean *m, struct xdd value, uint64_t rows)
{
	/* Scaled, so that rows times a value near the largest double does
	 * not overflow; the total of ordinary values keeps exponent 0. */
	if (isfinite(value.v.hi))
		value.v = dd_mul_u64(value.v, rows);
	mean_total_add(m, value);
	m->rows += rows;
}

void
metric_mean_add(struct metric_mean *m, struct xdd value, uint64_t rows)
{
	mean_add(m, value, rows);
}

void
metric_batch_end_sq(const struct metric_config *cfg, struct metric_sums *into,
		    struct metric_sums *batch, struct metric_mean *mean)
{
	/* The RMSE as metric_batch_values has it; BATCH is not INTO. */
	struct xdd rmse = xdd_sqrt(ratio(batch->sq, batch->weight, cfg->pairs));
	uint64_t rows = batch->rows;

	merge_xdd(&into->sq, &batch->sq);
	merge_xdd(&into->weight, &batch->weight);
	into->rows += rows;
	mean_add(mean, rmse, rows);
	clear_fixed(batch);
}

void
metric_mean_merge(struct metric_mean *into, const struct metric_mean *from)
{
	mean_total_add(into, from->total);
	into->rows += from->rows;
}

double
metric_mean_value(const struct metric_mean *m)
{
	if (m->rows == 0)
		return NAN;
	if (!isfinite(m->total.v.hi))
		return m->total.v.hi;
	return xdd_value((struct xdd){dd_div(m->total.v, dd_from_u64(m->rows)),
				      m->total.exp});
}

void
metric_mean32_init(struct metric_mean32 *m)
{
	*m = (struct metric_mean32){0.0f, 0.0f};
}

void
metric_mean32_add(struct metric_mean32 *m, float value, uint64_t rows)
{
	/* As Keras's Mean.update_state(value, sample_weight=rows) does: the
	 * row count cast to float32, value * rows rounded, then each
	 * assign_add rounded to float32. */
	float n = (float)rows, add = value * n;

	m->total = m->total + add;
	m->count = m->count + n;
}

double
metric_mean32_value(const struct metric_mean32 *m)
{
	if (m->count == 0.0f)
		return NAN;
	return m->total / m->count;
}
