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

/* The fused multiply-add that TwoProduct needs is an instruction where the
 * processor has one; this hot function gets a version for those, chosen
 * when the program starts.  Both give the same bits: TwoProduct is exact. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__FMA__) &&           \
	!defined(__clang__)
__attribute__((target_clones("fma", "default")))
#endif
void
metric_row_set(const struct metric_config *cfg, struct metric_row *row,
	       struct xdd *out, const double *t, const double *p, double w)
{
	struct xdd sum, abs_sum, abs;
	size_t pairs = cfg->pairs;

	if (!cfg->abs && !cfg->row_loss && out == NULL) {
		metric_row_sq(pairs, t, p, w, &row->sq, &row->weight);
		if (cfg->f32)
			row_set_f32(cfg, row, t, p, w);
		return;
	}
	sum = metric_square_error(p[0], t[0], &abs_sum);
	if (out != NULL)
		out[0] = w == 1.0 ? sum : xdd_mul_d(sum, w);
	for (size_t j = 1; j < pairs; j++) {
		struct xdd e = metric_square_error(p[j], t[j], &abs);

		xdd_add(&sum, e);
		xdd_add(&abs_sum, abs);
		if (out != NULL)
			out[j] = w == 1.0 ? e : xdd_mul_d(e, w);
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
	return 0;
}

void
metric_sums_clear(struct metric_sums *s)
{
	struct xdd *out = s->out;
	size_t outputs = s->outputs;

	*s = (struct metric_sums){.sq = xdd_zero};
	s->out = out;
	s->outputs = outputs;
	for (size_t j = 0; j < outputs; j++)
		out[j] = xdd_zero;
}

void
metric_sums_free(struct metric_sums *s)
{
	free(s->out);
	s->out = NULL;
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
	for (size_t i = 0; out != NULL && i < n; i++) {
		for (size_t j = 0; j < s->outputs; j++)
			xdd_add(&s->out[j], out[i * s->outputs + j]);
		if ((s->rows + i + 1) % METRIC_RENORMALIZE_ROWS == 0)
			for (size_t j = 0; j < s->outputs; j++)
				s->out[j] = xdd_renormalize(s->out[j]);
	}
	for (size_t i = 0; cfg->f32 && i < n; i++) {
		s->sq32 += rows[i].sq32;
		s->count32 += rows[i].count32;
		s->abs32 += rows[i].abs32;
		s->row_loss32 += rows[i].row_loss32;
	}
	s->rows = acc.rows;
}

void
metric_sums_merge(const struct metric_config *cfg, struct metric_sums *into,
		  const struct metric_sums *from)
{
	/* Both sides are normalized after the addition: a merge comes once a
	 * batch, far less often than the cascade needs. */
	xdd_add(&into->sq, xdd_renormalize(from->sq));
	xdd_add(&into->weight, xdd_renormalize(from->weight));
	into->sq = xdd_renormalize(into->sq);
	into->weight = xdd_renormalize(into->weight);
	if (cfg->abs || cfg->row_loss) {
		xdd_add(&into->abs, xdd_renormalize(from->abs));
		xdd_add(&into->row_loss, xdd_renormalize(from->row_loss));
		into->abs = xdd_renormalize(into->abs);
		into->row_loss = xdd_renormalize(into->row_loss);
	}
	for (size_t j = 0; j < into->outputs && j < from->outputs; j++) {
		xdd_add(&into->out[j], xdd_renormalize(from->out[j]));
		into->out[j] = xdd_renormalize(into->out[j]);
	}
	/* float32 state adds as Keras's assign_add does: one rounding. */
	into->sq32 += from->sq32;
	into->count32 += from->count32;
	into->abs32 += from->abs32;
	into->row_loss32 += from->row_loss32;
	into->rows += from->rows;
}

/* NUM / (PAIRS * DEN) as a scaled double-double; NaN when DEN is 0. */
static struct xdd
ratio(struct xdd num, struct xdd den, uint64_t pairs)
{
	struct dd d;

	num = xdd_renormalize(num);
	den = xdd_renormalize(den);
	d = dd_mul(den.v, dd_from_u64(pairs));
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
static void
mean_total_add(struct metric_mean *m, struct xdd x)
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

void
metric_mean_add(struct metric_mean *m, struct xdd value, uint64_t rows)
{
	/* Scaled, so that rows times a value near the largest double does
	 * not overflow; the total of ordinary values keeps exponent 0. */
	if (isfinite(value.v.hi))
		value.v = dd_mul(value.v, dd_from_u64(rows));
	mean_total_add(m, value);
	m->rows += rows;
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
