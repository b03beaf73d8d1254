/* state.c: the format of a saved state (--save-state, --merge), and what
 * its writer (state_write.c) and reader (state_read.c) share: the header,
 * what the sums hold, the form of a sum, the ids, the checksum.
 *
 * A state is a run of lines, each ending in a line feed and at most
 * STATE_LINE_MAX bytes long, and a file may hold several one after the
 * other (cat a.state b.state).  Fields are separated by one space.  Counts
 * are decimal.  A real number is written as C's %a writes it, hexadecimal
 * floating point, which strtod reads back to the same bits (or nan).  A sum
 * is a scaled double-double, (HI + LO) * 2^EXP (struct xdd), written as the
 * three fields HI LO EXP, in the one form state_canonical gives.  Text is
 * in double quotes, with \" \\ \n \r \t and \xHH escapes (control bytes
 * always escaped; never a NUL; other bytes as they are, UTF-8 or not).
 * Version 2, and version 3 (with -g):
 *
 *   rmsetab-state 2                   (3 with -g)
 *   dtype float64
 *   batch-size 32
 *   reset epoch                       (or never)
 *   columns rmse,mean_batch_rmse,running_rmse      (-c)
 *   pairs 2
 *   pair "true_0" "pred_0"            one line a pair (with -n: 1-based
 *   pair "true_1" "pred_1"            column numbers, 1 4)
 *   weight-column "w"                 (or -)
 *   epoch-column "epoch"              (or -)
 *   group-columns "region" "kind"     version 3 only: -g, one or more
 *                                     (with -n column numbers, 2 5)
 *   part 3 3 8 "nightly"              FIRST LAST N RUN: parts FIRST..LAST
 *                                     of N (--part), of run RUN (--run-id,
 *                                     or -); "part -" without --part
 *   source 0123456789abcdef0123456789abcdef
 *                                     one line for each state saved from
 *                                     input that this one holds: its id,
 *                                     random; several in a merged state
 *
 * the header; every state merged with another has the same lines up to
 * epoch-column (group-columns).  Then each epoch of all the rows, in the
 * order read (a value of the epoch column comes as often as one pass made
 * an epoch of it):
 *
 *   epoch "e1"                        (its number without an epoch column)
 *   rows 1000
 *   sq HI LO EXP                      sum of w * (p - t)^2 over rows, pairs
 *   weight HI LO EXP                  sum of w
 *   abs HI LO EXP                     sum of w * |p - t|     (mae)
 *   row-loss HI LO EXP                sum of w * sqrt(mean of (p - t)^2
 *                                     over the pairs)      (row_loss)
 *   output J HI LO EXP                J = 1..pairs: sum of w * (p_J -
 *                                     t_J)^2               (per_output)
 *   bias HI LO EXP                    sum of w * (p - t)   (bias)
 *   max-error X                       largest |p - t| of a row of w > 0,
 *                                     or 0                 (max_error)
 *   spread J K HI LO EXP HI LO EXP    J = 1..pairs: the weighted mean of
 *                                     t_J, K (the double nearest it) + the
 *                                     rest, and the sum of w * (t_J -
 *                                     mean)^2              (r2)
 *   row SQ WEIGHT ROW-LOSS            one row's terms (each HI LO EXP)
 *   batch A RMSE ROW-LOSS             A = 0..B-1: sum of rows * value (HI
 *                                     LO EXP) of the whole batches at A
 *
 * then, in version 3, each group, in the order its first row came, its
 * key and its epochs as above (those of its rows alone, as -g makes
 * them):
 *
 *   group "north"                     its key as -g prints it: the value
 *                                     of its column, or of several a CSV
 *                                     record of them ("a,\"b,c\"")
 *   epoch ...
 *
 * at least one epoch a group, the rows of the groups adding up to those of
 * all the rows; and at the end a checksum:
 *
 *   end 0123456789abcdef              FNV-1a 64-bit hash of every byte of
 *                                     the state before this line
 *
 * abs, row-loss and output lines are there when -c needs them (the
 * parenthesized columns and their running_ and uniform_ forms); ROW-LOSS
 * fields likewise.  row and batch lines are there when -c has
 * mean_batch_rmse or mean_row_loss (state_segment.h): with B the batch
 * size, an epoch of at most 2B - 2 rows has one row line each; a longer one
 * has row lines for its first B - 1 and last B - 1 rows, then B batch
 * lines.  The total of a run is the sum of its epochs: it is not written.
 *
 * bias, max-error and spread lines are there when -c has bias, max_error
 * and r2 (which needs the output lines too).  A reader that does not know
 * a column stops at the columns line: they came with no new version.
 *
 * The checksum finds a state cut short or changed by accident; anyone can
 * compute it again, so the reader checks every value besides (its range,
 * its form, and what the other lines say of it), and the merge refuses a
 * state it has merged already (its sources) and parts that are missing or
 * given twice. */
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

void
state_header_free(struct state_header *h)
{
	for (size_t j = 0; j < h->pairs; j++) {
		if (h->true_names != NULL)
			free(h->true_names[j]);
		if (h->pred_names != NULL)
			free(h->pred_names[j]);
	}
	free(h->true_names);
	free(h->pred_names);
	free(h->weight);
	free(h->epoch_col);
	for (size_t i = 0; h->group_names != NULL && i < h->ngroup_cols; i++)
		free(h->group_names[i]);
	free(h->group_names);
	memset(h, 0, sizeof *h);
}

static int
copy_name(char **dst, const char *src)
{
	*dst = src != NULL ? strdup(src) : NULL;
	return src != NULL && *dst == NULL ? -1 : 0;
}

int
state_header_copy(struct state_header *dst, const struct state_header *src)
{
	*dst = *src;
	dst->true_names = calloc(src->pairs, sizeof *dst->true_names);
	dst->pred_names = calloc(src->pairs, sizeof *dst->pred_names);
	dst->weight = dst->epoch_col = NULL;
	dst->group_names = NULL;
	if (src->ngroup_cols > 0 &&
	    (dst->group_names = calloc(src->ngroup_cols,
				       sizeof *dst->group_names)) == NULL)
		dst->ngroup_cols = 0;
	if (dst->true_names == NULL || dst->pred_names == NULL ||
	    dst->ngroup_cols != src->ngroup_cols)
		return -1;
	for (size_t i = 0; i < src->ngroup_cols; i++)
		if (copy_name(&dst->group_names[i], src->group_names[i]) != 0)
			return -1;
	for (size_t j = 0; j < src->pairs; j++)
		if (copy_name(&dst->true_names[j], src->true_names[j]) != 0 ||
		    copy_name(&dst->pred_names[j], src->pred_names[j]) != 0)
			return -1;
	if (copy_name(&dst->weight, src->weight) != 0 ||
	    copy_name(&dst->epoch_col, src->epoch_col) != 0)
		return -1;
	return 0;
}

void
state_config(const struct state_header *h, struct state_segment_config *sc)
{
	struct metric_config cfg = {.pairs = h->pairs};
	unsigned needs = measures_needs(h->columns, h->ncolumns);

	measures_config(needs, &cfg);
	state_segment_config_make(sc, &cfg, h->batch_size,
				  (needs & MEASURES_BATCHES) != 0);
}

/* SplitMix64's finalizer: every bit of X reaches every bit of the
 * result. */
static uint64_t
mix(uint64_t x)
{
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

void
state_id_new(struct state_id *id)
{
	size_t done = 0;
	int fd;

	while (done < sizeof id->b) {
		ssize_t n = getrandom(id->b + done, sizeof id->b - done, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	/* A kernel without getrandom(2). */
	if (done < sizeof id->b &&
	    (fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)) >= 0) {
		for (done = 0; done < sizeof id->b;) {
			ssize_t n = read(fd, id->b + done, sizeof id->b - done);

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			done += (size_t)n;
		}
		close(fd);
	}
	if (done < sizeof id->b) {
		/* No random bytes at all: the time, the process and where
		 * its stack is tell the states of one run apart still. */
		struct timespec ts;
		uint64_t a, b;

		clock_gettime(CLOCK_REALTIME, &ts);
		a = mix((uint64_t)ts.tv_sec * 1000000000u +
			(uint64_t)ts.tv_nsec);
		b = mix(a ^ ((uint64_t)getpid() << 32) ^
			(uint64_t)(uintptr_t)&ts);
		memcpy(id->b, &a, sizeof a);
		memcpy(id->b + sizeof a, &b, sizeof b);
	}
}

void
state_epoch_free(struct state_epoch *e)
{
	free(e->key);
	free(e->group_key);
	e->key = e->group_key = NULL;
	state_segment_free(&e->seg);
}

struct xdd
state_canonical(struct xdd x)
{
	if (isnan(x.v.hi))
		return (struct xdd){{NAN, 0.0}, 0};
	if (!isfinite(x.v.hi))
		return x;
	x = xdd_renormalize(x);
	if (x.v.hi == 0.0)
		x.exp = 0;
	return x;
}

/* Why finite X is not in the one form of a sum, or NULL. */
static const char *
form_error(struct xdd x)
{
	double hi = x.v.hi, lo = x.v.lo;

	if (hi + lo != hi || dd_outside_safe_range(hi))
		return "HI LO is not a normalized double-double (|LO| at most "
		       "half an ulp of HI, HI 0 or within 2^-400 to 2^400)";
	if (x.exp < -STATE_EXP_MAX || x.exp > STATE_EXP_MAX)
		return "EXP is beyond -4096 to 4096";
	return NULL;
}

const char *
state_sum_error(struct xdd x, bool nan_ok)
{
	double hi = x.v.hi, lo = x.v.lo;

	if (isnan(hi) && nan_ok && lo == 0.0 && x.exp == 0)
		return NULL;
	/* -0 is a weight of -0, as the input may have it. */
	if (!isfinite(hi) || !isfinite(lo) || hi < 0.0)
		return nan_ok ? "a batch sum must be finite and not negative, "
				"or 'nan 0x0p+0 0'"
			      : "a sum must be finite and not negative";
	return form_error(x);
}

const char *
state_signed_sum_error(struct xdd x)
{
	if (!isfinite(x.v.hi) || !isfinite(x.v.lo))
		return "a sum must be finite";
	return form_error(x);
}

uint64_t
state_hash(uint64_t hash, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		hash ^= (unsigned char)s[i];
		hash *= 0x100000001b3u;
	}
	return hash;
}
