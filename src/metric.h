/* metric.h: the arithmetic of RMSE on accumulated sums; no I/O.
 *
 * Sums are kept in scaled double-double (dd.h, about 106 bits), so that
 * they neither overflow nor underflow: exact for values with few significant
 * bits, and otherwise within the relative bound the man page states
 * (Accuracy), so a printed value is the correctly rounded one except within
 * that bound of a rounding tie.  The sums of two sets of rows merge into
 * the sums of their union, whatever the order. */
#ifndef RMSETAB_METRIC_H
#define RMSETAB_METRIC_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dd.h"

/* What to work out besides the RMSE; each costs time on every row. */
struct metric_config {
	size_t pairs;
	bool abs;	 /* absolute errors, for the MAE */
	bool row_loss;	 /* each row's own RMSE, for Keras's per-row loss */
	bool per_output; /* sums for each pair, for per-output RMSEs */
	bool spread;	 /* each pair's true values around their mean, for r2 */
	bool bias;	 /* the sum of the signed errors */
	bool max_error;	 /* the largest absolute error */
	bool f32;	 /* Keras's float32 arithmetic, beside the exact sums */
	/* No measure needs more of a row than its squared errors and
	 * weight (measures_config): the reader may sum rows in batches as it
	 * parses them, unless f32 asks for float32 sums too. */
	bool sq_only;
};

/* How many values besides its struct metric_row a row hands on, in OUT
 * (metric_row_set): with per_output, each pair's w * (p - t)^2; with
 * spread, each pair's true value t; with bias, w * the sum over pairs of
 * p - t; with max_error, the largest |p - t| when w > 0, else 0.  In that
 * order, each exactly or, for the bias, to double-double accuracy. */
static inline size_t
metric_row_extras(const struct metric_config *cfg)
{
	return (cfg->per_output ? cfg->pairs : 0) +
	       (cfg->spread ? cfg->pairs : 0) + cfg->bias + cfg->max_error;
}

/* What one row adds to the sums: worked out where the row is parsed,
 * perhaps on another thread, and added in order later. */
struct metric_row {
	struct xdd sq;	     /* w * sum over pairs of (p - t)^2, exactly */
	struct xdd weight;   /* w */
	struct xdd abs;	     /* w * sum over pairs of |p - t| */
	struct xdd row_loss; /* w * sqrt(mean over pairs of (p - t)^2) */
	float sq32, count32, abs32, row_loss32; /* the same in float32 */
};

/* The true values t of one output, for r2: their weighted mean and the
 * sum M2 of w * (t - mean)^2, kept apart so that a mean far larger than
 * the spread does not swamp it (SST = sum w t^2 - (sum w t)^2 / W would
 * cancel).  Rows come in runs: a run's sums around its first true value C
 * are close to its own M2, and each run joins the rows before it by the
 * pairwise update of Chan, Golub and LeVeque, in which M2 only grows. */
struct metric_spread {
	double k;      /* of the rows joined: a double near their mean, */
	struct xdd m;  /* the mean - k, */
	struct xdd m2; /* and M2 */
	double c;      /* of the run going on: its first true value, */
	struct xdd s1; /* the sum of w * (t - c), */
	struct xdd s2; /* and of w * (t - c)^2 */
};

/* The sums of bias, max_error and r2: allocated only when asked for, so
 * that the sums of the other columns stay small. */
struct metric_extra {
	struct xdd bias;	  /* sum of w * (p - t) over rows and pairs */
	double max_error;	  /* largest |p - t| over rows of weight > 0 */
	struct xdd spread_w;	  /* the weight of the rows joined in SPREAD */
	struct xdd run_w;	  /* and of the run going on: */
	double run_w0, run_ratio; /* its first row's, and run_w / it */
	size_t spreads;		  /* pairs, with spread; else 0 */
	struct metric_spread spread[];
};

/* What the quantities need to know about a set of rows. */
struct metric_sums {
	/* What a batch's rows add to, first: with -g, a group's batch sums
	 * are read a block at a time for every group (batcher.h). */
	struct xdd sq, weight;
	uint64_t rows;
	struct xdd abs, row_loss;
	float sq32, count32, abs32, row_loss32;
	size_t outputs;
	struct xdd *out;	/* per pair: sum of w * (p_j - t_j)^2 */
	struct metric_extra *x; /* with bias, max_error or spread; or NULL */
};

/* The row-weighted mean of batch values: sum of rows_b * value_b, rows. */
struct metric_mean {
	struct xdd total;
	uint64_t rows;
};

/* The quantities of a set of rows; NaN where undefined or not asked for. */
struct metric_values {
	double rmse, mse, mae, row_loss, weight, uniform_rmse;
	double r2, bias, max_error;
	double *per_output; /* the caller's room for pairs values, or NULL */
};

/* A batch summed where its rows were read (on a worker thread, by the
 * reader's fast path): its sums, and what the batcher works out of them
 * when a batch ends, worked out there too (metric_batch_close). */
struct metric_batch {
	struct metric_sums sums; /* no per-output sums */
	struct xdd rmse;	 /* unrounded, for the mean of batch values */
	struct metric_values values; /* per_output NULL; unset unless asked */
};

/* Keras's float32 Mean, the loss tracker behind the progress bar: total
 * and count are float32 variables, and a batch adds value * rows to the
 * one and rows to the other, each step rounded to float32. */
struct metric_mean32 {
	float total, count;
};

/* Sums of many terms are renormalized every so many rows: the cascade
 * (dd_cascade) is as accurate as double-double for a few thousand. */
enum { METRIC_RENORMALIZE_ROWS = 1024 };

/* The square of P - T, exactly, as a scaled double-double; *ABS (unless
 * NULL) gets |P - T| with the same scaling. */
static inline __attribute__((always_inline)) struct xdd
metric_square_error(double p, double t, struct xdd *abs)
{
	struct xdd e;
	struct dd d = dd_two_sum(p, -t), sq;
	int k = 0;

	if (dd_outside_safe_range(d.hi)) {
		if (!isfinite(d.hi)) {
			/* p - t overflowed: halve both, exactly, first. */
			d = dd_two_sum(p / 2, -t / 2);
			k = 1;
		}
		if (dd_outside_safe_range(d.hi)) {
			int m = ilogb(d.hi);

			d = dd_scale(d, -m);
			k += m;
		}
	}
	/* (dh + dl)^2: dh^2 exactly by TwoProduct, then 2 dh dl + dl^2. */
	sq = dd_two_prod(d.hi, d.hi);
	sq.lo += d.lo * (2.0 * d.hi + d.lo);
	e.v = dd_quick_two_sum(sq.hi, sq.lo);
	e.exp = 2 * k;
	if (abs != NULL) {
		abs->v = d.hi < 0 ? (struct dd){-d.hi, -d.lo} : d;
		abs->exp = k;
	}
	return e;
}

/* What a row of PAIRS pairs, true values T, predictions P and weight W,
 * adds to the sums of squared errors and of weights: *SQ and *WEIGHT, as
 * metric_row_set sets them.  Inline, so that the reader's fast path works
 * rows out as it parses them, with no call a row; metric_row_set calls it
 * too, so that both give the same bits.  Always inlined: a copy of its own
 * would be built without the fused multiply-add its callers have. */
static inline __attribute__((always_inline)) void
metric_row_sq(size_t pairs, const double *t, const double *p, double w,
	      struct xdd *sq, struct xdd *weight)
{
	struct dd d = dd_two_sum(p[0], -t[0]);
	struct xdd sum;

	if (pairs == 1 && !dd_outside_safe_range(d.hi) &&
	    !dd_outside_safe_range(w)) {
		/* The usual case, written out: nothing to scale. */
		struct dd s = dd_two_prod(d.hi, d.hi);

		s.lo += d.lo * (2.0 * d.hi + d.lo);
		s = dd_quick_two_sum(s.hi, s.lo);
		/* With a weight, the square must be within the safe range
		 * too: d^2 w, each factor up to 2^+-800 and 2^+-400, would
		 * overflow (1e120 * 1e120 * 1e120) or lose its low bits. */
		if (w == 1.0 || !dd_outside_safe_range(s.hi)) {
			if (w != 1.0)
				s = dd_mul_d(s, w);
			*sq = (struct xdd){s, 0};
			*weight = (struct xdd){{w, 0.0}, 0};
			return;
		}
	}
	sum = metric_square_error(p[0], t[0], NULL);
	for (size_t j = 1; j < pairs; j++)
		xdd_add(&sum, metric_square_error(p[j], t[j], NULL));
	sum = xdd_renormalize(sum);
	*sq = w == 1.0 ? sum : xdd_mul_d(sum, w);
	*weight = xdd_normal((struct xdd){{w, 0.0}, 0});
}

/* The WEIGHT metric_row_sq gives a row of weight 1, as every row has
 * without a weight column. */
#define METRIC_UNIT_WEIGHT ((struct xdd){{1.0, 0.0}, 0})

/* Rows of squared errors and weights alone, as a fused block of the
 * reader hands them to the groups: each a double-double (16 bytes, where
 * a struct xdd takes 24), WEIGHT NULL when each is METRIC_UNIT_WEIGHT;
 * their scales (struct xdd's exp) apart, in SQ_EXP and WEIGHT_EXP (NULL
 * when WEIGHT is), or both NULL when every one is 0, as it is but for
 * extreme values (an error or weight beyond about 2^+-400). */
struct metric_sq_rows {
	const struct dd *sq, *weight;
	const int32_t *sq_exp, *weight_exp;
};

/* Adds a row's SQ and WEIGHT to the sums S (of squared errors, weights
 * and rows), as metric_sums_add adds each row; metric_add_sq to those
 * three alone, which a loop keeps in registers where a whole struct
 * metric_sums would stay in memory.  Always inlined: the reader's fast
 * path adds a row with it in two loops (with -g and without), and the
 * compiler would otherwise call it from both. */
static inline __attribute__((always_inline)) void
metric_add_sq(struct xdd *s_sq, struct xdd *s_weight, uint64_t *rows,
	      struct xdd sq, struct xdd weight)
{
	xdd_add(s_sq, sq);
	xdd_add(s_weight, weight);
	if (++*rows % METRIC_RENORMALIZE_ROWS == 0) {
		*s_sq = xdd_renormalize(*s_sq);
		*s_weight = xdd_renormalize(*s_weight);
	}
}

static inline __attribute__((always_inline)) void
metric_sums_add_sq(struct metric_sums *s, struct xdd sq, struct xdd weight)
{
	metric_add_sq(&s->sq, &s->weight, &s->rows, sq, weight);
}

/* The contribution of a row of true values T and predictions P, weight W.
 * OUT, NULL when CFG asks for none, gets the row's metric_row_extras. */
void metric_row_set(const struct metric_config *cfg, struct metric_row *row,
		    struct xdd *out, const double *t, const double *p,
		    double w);

/* Empty sums; -1 when out of memory. */
int metric_sums_init(struct metric_sums *s, const struct metric_config *cfg);

/* Empties sums made by metric_sums_init. */
void metric_sums_clear(struct metric_sums *s);

/* INTO (made by metric_sums_init with the same configuration) becomes a
 * copy of FROM, bit for bit. */
void metric_sums_copy(struct metric_sums *into, const struct metric_sums *from);

void metric_sums_free(struct metric_sums *s);

/* Adds N rows, in order; OUT holds their metric_row_extras, N times, or
 * NULL when CFG asks for none. */
void metric_sums_add(const struct metric_config *cfg, struct metric_sums *s,
		     const struct metric_row *rows, const struct xdd *out,
		     size_t n);

/* Adds the sums of other rows; the order of merges does not matter (but
 * for the last bits of the sums). */
void metric_sums_merge(const struct metric_config *cfg,
		       struct metric_sums *into,
		       const struct metric_sums *from);

void metric_values(const struct metric_config *cfg, const struct metric_sums *s,
		   struct metric_values *v);

/* Output J's true values as one run joined (none going on), and their
 * weight: what a saved state keeps. */
void metric_spread_get(const struct metric_sums *s, size_t j,
		       struct metric_spread *sp, struct xdd *w);

/* Sets output J's true values to SP, of weight W (a state being read). */
void metric_spread_set(struct metric_sums *s, size_t j,
		       const struct metric_spread *sp, struct xdd w);

/* Only the values that means of batch values need, unrounded, in
 * double-double: RMSE, and the per-row loss when CFG has it. */
void metric_batch_values(const struct metric_config *cfg,
			 const struct metric_sums *s, struct xdd *rmse,
			 struct xdd *row_loss);

/* Whether sums of CFG hold squared errors, weights and rows alone, and
 * a batch's end needs of them no more than its RMSE. */
static inline bool
metric_config_sq_only(const struct metric_config *cfg)
{
	return !cfg->abs && !cfg->row_loss && !cfg->per_output &&
	       !cfg->spread && !cfg->bias && !cfg->max_error && !cfg->f32;
}

/* A batch's end under a CFG of metric_config_sq_only: BATCH merged into
 * INTO, its RMSE added to MEAN (weighted by its rows), and BATCH emptied,
 * bit for bit as metric_sums_merge, metric_batch_values, metric_mean_add
 * and metric_sums_clear do it, in one call. */
void metric_batch_end_sq(const struct metric_config *cfg,
			 struct metric_sums *into, struct metric_sums *batch,
			 struct metric_mean *mean);

/* Works out what the batcher needs of the batch B when it ends: its RMSE
 * as metric_batch_values has it, and with VALUES, its quantities as
 * metric_values has them.  CFG asks for no more than squared errors. */
void metric_batch_close(const struct metric_config *cfg, struct metric_batch *b,
			bool values);

void metric_mean_init(struct metric_mean *m);

/* Adds one batch's VALUE, weighted by its ROWS. */
void metric_mean_add(struct metric_mean *m, struct xdd value, uint64_t rows);

/* Adds the batches of FROM: the mean of two runs of batches, in order. */
void metric_mean_merge(struct metric_mean *into,
		       const struct metric_mean *from);

/* The mean, or NaN when nothing (or a NaN) was added. */
double metric_mean_value(const struct metric_mean *m);

void metric_mean32_init(struct metric_mean32 *m);

/* Adds one batch's float32 VALUE, weighted by its ROWS. */
void metric_mean32_add(struct metric_mean32 *m, float value, uint64_t rows);

/* total / count in float32, or NaN when nothing was added. */
double metric_mean32_value(const struct metric_mean32 *m);

#endif
