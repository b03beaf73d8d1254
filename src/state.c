/* state.c: the format of a saved state (--save-state, --merge), and what
 * its writer (state_write.c) and reader (state_read.c) share: the header,
 * what the sums hold, the checksum.
 *
 * A state is a run of lines, each ending in a line feed, and a file may
 * hold several one after the other (cat a.state b.state).  Fields are
 * separated by one space.  Counts are decimal.  A real number is written
 * as C's %a writes it, hexadecimal floating point, which strtod reads back
 * to the same bits (or nan, inf).  A sum is a scaled double-double,
 * (HI + LO) * 2^EXP (struct xdd), written as the three fields
 * HI LO EXP.  Text is in double quotes, with \" \\ \n \r \t and \xHH
 * escapes.  Version 1:
 *
 *   rmsetab-state 1
 *   dtype float64
 *   batch-size 32
 *   reset epoch                       (or never)
 *   columns rmse,mean_batch_rmse,running_rmse      (-c)
 *   pairs 2
 *   true "true_0" "true_1"            (with -n: 1-based column numbers)
 *   pred "pred_0" "pred_1"
 *   weight-column "w"                 (or -)
 *   epoch-column "epoch"              (or -)
 *
 * then each epoch, in the order read (a value of the epoch column comes
 * as often as one pass made an epoch of it):
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
 * and at the end the sums of every row, then a checksum:
 *
 *   total
 *   rows, sq, weight, abs, row-loss, output, bias, max-error, spread
 *   lines, as above
 *   end 0123456789abcdef              FNV-1a 64-bit hash of every byte of
 *                                     the state before this line
 *
 * abs, row-loss and output lines are there when -c needs them (the
 * parenthesized columns and their running_ and uniform_ forms); ROW-LOSS
 * fields likewise.  row and batch lines are there when -c has
 * mean_batch_rmse or mean_row_loss (state_segment.h): with B the batch size, an
 * epoch of at most 2B - 2 rows has one row line each; a longer one has
 * row lines for its first B - 1 and last B - 1 rows, then B batch lines.
 *
 * bias, max-error and spread lines are there when -c has bias, max_error
 * and r2 (which needs the output lines too).  A reader that does not know
 * a column stops at the columns line: they came with no new version. */
#include "state.h"

#include <stdlib.h>
#include <string.h>

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
	if (dst->true_names == NULL || dst->pred_names == NULL)
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

void
state_epoch_free(struct state_epoch *e)
{
	free(e->key);
	e->key = NULL;
	state_segment_free(&e->seg);
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
