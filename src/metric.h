/* metric.h: the arithmetic of RMSE on accumulated sums; no I/O.
 *
 * Sums are kept in double-double (about 106 bits), and each squared error
 * enters them exactly, so a printed RMSE is the correctly rounded value
 * except in cases within about 2^-100 of a rounding tie.  The sums of two
 * sets of rows merge into the sums of their union, whatever the order. */
#ifndef RMSETAB_METRIC_H
#define RMSETAB_METRIC_H

#include <stddef.h>
#include <stdint.h>

/* An unevaluated sum hi + lo: |lo| <= ulp(hi) / 2 once normalized; sums
 * being added to are normalized every so often (metric.c). */
struct metric_dd {
	double hi, lo;
};

/* (v.hi + v.lo) * 2^exp: a double-double with an exponent of its own, so
 * that squares of errors beyond 1e154 or below 1e-154 neither overflow nor
 * underflow.  exp is 0 for everything in between. */
struct metric_xdd {
	struct metric_dd v;
	int32_t exp;
};

/* What RMSE needs to know about a set of rows. */
struct metric_sums {
	struct metric_xdd sq;	  /* sum of w * sum over pairs of (p - t)^2 */
	struct metric_xdd weight; /* sum of w */
	uint64_t rows;
};

/* The row-weighted mean of batch RMSEs: sum of rows_b * rmse_b, and rows. */
struct metric_mean {
	struct metric_xdd total;
	uint64_t rows;
};

/* What one row adds to the sums: worked out where the row is parsed,
 * perhaps on another thread, and added in order later. */
struct metric_row {
	struct metric_xdd sq; /* w * sum over pairs of (p - t)^2, exactly */
	struct metric_xdd weight;
};

/* The contribution of a row of PAIRS true and predicted values, weight W. */
void metric_row_set(struct metric_row *row, const double *t, const double *p,
		    size_t pairs, double w);

void metric_sums_init(struct metric_sums *s);

/* Adds the N rows at ROWS, in order. */
void metric_sums_add(struct metric_sums *s, const struct metric_row *rows,
		     size_t n);

void metric_sums_merge(struct metric_sums *into,
		       const struct metric_sums *from);

/* sqrt(sq / (pairs * weight)), or NaN when the weight is zero; infinity
 * when the RMSE is beyond the largest double (an error beyond it). */
double metric_rmse(const struct metric_sums *s, size_t pairs);

void metric_mean_init(struct metric_mean *m);

/* Adds one batch, weighted by its row count. */
void metric_mean_add(struct metric_mean *m, const struct metric_sums *batch,
		     size_t pairs);

/* The mean, or NaN when no batch (or a batch whose RMSE is NaN) was added. */
double metric_mean_value(const struct metric_mean *m);

#endif
