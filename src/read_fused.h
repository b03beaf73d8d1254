/* read_fused.h: the fast path from text to sums, for the measures that need
 * of a row only its squared errors and weight: one loop a row, from the
 * separators the scan found to the row's squared errors and on into the
 * sums of its batch, with no call a field. */
#ifndef RMSETAB_READ_FUSED_H
#define RMSETAB_READ_FUSED_H

#include "read_rows.h"

/* Converts the fused block BLK, scanned (read_rows_block_scan) and with
 * no quote, as PLAN says: the rows before its first batch boundary into
 * BLK->rows, each whole batch after them into BLK->batches, the rest into
 * BLK->tail.  A record the loop does not take as it is (a blank line, a
 * number it does not read, a wrong count of fields, a record too long)
 * goes through read_csv_split and read_rows_convert, so that the sums,
 * the rows skipped and the errors are as the general path has them.  The
 * FMA build where the processor has it (read_scan_has_avx2), else the
 * portable one: read_fused_convert_avx2 and _portable are the two. */
void read_fused_convert(const struct read_rows_plan *plan,
			struct read_rows_block *blk);
void read_fused_convert_portable(const struct read_rows_plan *plan,
				 struct read_rows_block *blk);
void read_fused_convert_avx2(const struct read_rows_plan *plan,
			     struct read_rows_block *blk);

#endif
