/* test_threshold: the messages of --fail-above and --fail-below, whose
 * wording the man page fixes (DIAGNOSTICS): how each kind of line is
 * named, groups (-g) included, and which lines and values are checked. */
#include "threshold.h"

#include <math.h>
#include <stdlib.h>

#include "check.h"

/* A line of KIND whose rmse is V and per-output values PER (2 pairs). */
static struct batcher_line
line(enum batcher_kind kind, uint64_t epoch, double v, const double *per)
{
	struct batcher_line l = {.kind = kind, .epoch = epoch, .pairs = 2};

	for (int m = 0; m < M_COUNT; m++)
		l.v[m] = v;
	l.per_output = per;
	l.epochs = 2;
	return l;
}

/* The messages T kept, as one string. */
static const char *
text(struct threshold *t)
{
	static char buf[2048];

	snprintf(buf, sizeof buf, "%.*s", (int)t->len, t->text ? t->text : "");
	t->len = 0;
	return buf;
}

static void
test_labels(void)
{
	static const struct threshold_rule above1 = {M_RMSE, false, 1.0};
	static const struct threshold_config cfg = {&above1, 1};
	static char a[] = "a.csv", b[] = "b.csv";
	static char *const two[] = {a, b}, *const one[] = {a};
	double per[2] = {0, 0};
	struct threshold t;
	struct batcher_line l;

	threshold_init(&t, &cfg, one, 1);
	l = line(BATCHER_EPOCH, 1, 2.0, per);
	threshold_line(&t, &l);
	CHECK_STR(text(&t), "a.csv: rmse 2 is above 1 (--fail-above)\n");
	/* Several files: the number, and the file. */
	t.files = two;
	t.nfiles = 2;
	l.epoch = 2;
	threshold_line(&t, &l);
	CHECK_STR(text(&t),
		  "epoch 2 (b.csv): rmse 2 is above 1 (--fail-above)\n");
	/* With -e, the value, quoted. */
	l.epoch_key = "x\ty";
	l.epoch_key_len = 3;
	threshold_line(&t, &l);
	CHECK_STR(text(&t),
		  "epoch 'x\\ty': rmse 2 is above 1 (--fail-above)\n");
	/* A group's lines say the group first. */
	l.group = "east";
	l.group_len = 4;
	threshold_line(&t, &l);
	CHECK_STR(text(&t), "group 'east', epoch 'x\\ty': rmse 2 is above 1 "
			    "(--fail-above)\n");
	l = line(BATCHER_TOTAL, 0, 2.0, per);
	l.group = "east";
	l.group_len = 4;
	threshold_line(&t, &l);
	CHECK_STR(text(&t),
		  "group 'east', total: rmse 2 is above 1 (--fail-above)\n");
	/* --merge: no files. */
	threshold_free(&t);
	threshold_init(&t, &cfg, NULL, 0);
	l = line(BATCHER_EPOCH, 7, 2.0, per);
	threshold_line(&t, &l);
	CHECK_STR(text(&t), "epoch 7: rmse 2 is above 1 (--fail-above)\n");
	threshold_free(&t);
}

static void
test_checked(void)
{
	static const struct threshold_rule rules[] = {
		{M_RMSE, false, 1.0},
		{M_R2, true, 0.5},
		{M_RUNNING_RMSE, false, 1.0},
		{M_PER_OUTPUT, false, 1.0},
	};
	static const struct threshold_config cfg = {rules, 4};
	static char o1[] = "rmse[a]", o2[] = "rmse[b]";
	static char *const names[] = {o1, o2};
	double per[2] = {0.5, 3.0};
	struct threshold t;
	struct batcher_line l;

	threshold_init(&t, &cfg, NULL, 0);
	threshold_set_outputs(&t, names, 2);
	/* Batch lines are never checked. */
	l = line(BATCHER_BATCH, 1, 9.0, per);
	threshold_line(&t, &l);
	CHECK_STR(text(&t), "");
	/* Each rule, each value in order; the limit itself passes; NaN
	 * fails either way. */
	l = line(BATCHER_EPOCH, 1, 1.0, per);
	l.v[M_R2] = NAN;
	threshold_line(&t, &l);
	CHECK_STR(text(&t), "epoch 1: r2 is undefined (nan), which fails "
			    "--fail-below 0.5\n"
			    "epoch 1: rmse[b] 3 is above 1 (--fail-above)\n");
	/* A total line: the values it has (the running ones with -r never);
	 * not those it has none of (the running ones with -r epoch, empty);
	 * the total of one epoch is not checked again. */
	l = line(BATCHER_TOTAL, 0, 2.0, per);
	per[1] = 0.0;
	threshold_line(&t, &l);
	CHECK_STR(text(&t),
		  "total: rmse 2 is above 1 (--fail-above)\n"
		  "total: running_rmse 2 is above 1 (--fail-above)\n");
	l.absent = 1u << M_RUNNING_RMSE;
	threshold_line(&t, &l);
	CHECK_STR(text(&t), "total: rmse 2 is above 1 (--fail-above)\n");
	l.epochs = 1;
	threshold_line(&t, &l);
	CHECK_STR(text(&t), "");
	CHECK(!threshold_report(&t));
	threshold_free(&t);
}

int
main(void)
{
	test_labels();
	test_checked();
	return check_finish("test_threshold");
}
