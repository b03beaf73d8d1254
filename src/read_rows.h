/* read_rows.h: from CSV records to rows of numbers.  The column plan of a file
 * is made once from its first record; converting a record, or a block of
 * records, only reads it, so worker threads can share one plan.  Errors
 * come back as text. */
#ifndef RMSETAB_READ_ROWS_H
#define RMSETAB_READ_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "metric.h"
#include "read.h"
#include "read_csv.h"

/* Which fields hold what, in one file. */
struct read_rows_plan {
	const struct read_config *cfg;
	unsigned char delim; /* this file's: -d, or as its first line says */
	bool decimal_comma;  /* --decimal-comma */
	size_t nfields;	     /* every record must have this many */
	char **names;	     /* the header, or NULL with --no-header */
	size_t *tcol, *pcol, pairs;
	size_t wcol, ecol;		 /* READ_ROWS_NONE when not given */
	size_t *gcol, ngcol;		 /* -g: the group's columns, or none */
	const struct metric_config *row; /* what to work out of each row */
	size_t extras; /* values a row hands on besides it: metric_row_extras */
};

enum { READ_ROWS_NONE = (size_t)-1 };

/* Room for the longest message in a read_rows_error. */
enum { READ_ROWS_ERROR_SIZE = 896 };

/* A problem with a record: its physical line and the message after
 * "FILE:LINE: ". */
struct read_rows_error {
	uint64_t line;
	char text[READ_ROWS_ERROR_SIZE];
};

/* What the reader knows of the file it plans: the delimiter it is read
 * with, and for messages, its name and the next file's as given (NULL for
 * standard input, or for none). */
struct read_rows_file {
	unsigned char delim;
	const char *name, *next;
};

/* Makes the plan from the first record of a file (its header, unless
 * --no-header).  PAIRS is the number of pairs chosen in earlier files, or
 * 0.  Returns 0, or -1 with ERR set. */
int read_rows_plan_make(struct read_rows_plan *plan,
			const struct read_config *cfg,
			const struct read_csv_record *first, size_t pairs,
			const struct read_rows_file *file,
			struct read_rows_error *err);

void read_rows_plan_free(struct read_rows_plan *plan);

enum read_rows_result {
	READ_ROWS_OK,	   /* ROW and KEY are set */
	READ_ROWS_SKIPPED, /* an invalid number, with --skip-invalid: ERR->line
			    */
	READ_ROWS_ERROR	   /* ERR is set */
};

/* Converts one data record.  T and P are scratch room for PLAN->pairs
 * values each; OUT, room for as many per-output values when the plan's
 * configuration asks for them.  With -e, the epoch is field PLAN->ecol of
 * REC. */
enum read_rows_result read_rows_convert(const struct read_rows_plan *plan,
					const struct read_csv_record *rec,
					double *t, double *p,
					struct metric_row *row, struct xdd *out,
					struct read_rows_error *err);

/* The skipped rows whose lines a block keeps, for the message. */
enum { READ_ROWS_SKIPS_KEPT = 5 };

/* The file's rows before a block, until the blocks before it tell. */
#define READ_ROWS_UNKNOWN UINT64_MAX

/* A row for the groups whose squared errors or weight have a scale
 * (struct xdd's exp) that is not 0: its index in the block's rows for the
 * groups, as read, and the two scales. */
struct read_rows_rare {
	size_t row;
	int32_t sq_exp, weight_exp;
};

/* A slot of a fused block's table of keys of one field of at most 8
 * bytes (read_fused.c): the key's word (its bytes, the rest zero), the
 * block that last saw it (0: the slot is empty) and its group there. */
struct read_rows_wslot {
	uint64_t word;
	uint32_t stamp, group;
};

/* With -g, a block's rows as read, before they are put in order of group
 * (read_fused.c): each row's key as a word or a mark (GWD), its squared
 * errors (GSQ) and weight (GW), then its group (GOF); room for CAP rows,
 * GW for WCAP.  Done with once the block is converted, so a worker thread
 * lends its own to each block it converts (read_blocks.c): written and
 * read again by the same processor block after block, they stay in its
 * cache, where a block's own were out of it by the time the ring came
 * round to the block again. */
struct read_rows_gscratch {
	uint64_t *gwd;
	struct dd *gsq, *gw;
	uint32_t *gof;
	size_t cap, wcap;
};

void read_rows_gscratch_free(struct read_rows_gscratch *gs);

/* A block of text of whole records without quotes, and the rows it
 * holds: the one place where text becomes rows, many at a time, on a
 * worker thread (read_rows_block_convert).  In a fused block, whole
 * batches of rows are summed where they are parsed (read_fused.c), and
 * only the rows that end a batch begun before the block come as rows. */
struct read_rows_block {
	/* Set by the reader: whole records, physical line 1 at the start; or
	 * the start of one longer than READ_CSV_RECORD_MAX, for the error. */
	char *text;
	size_t len, cap;
	/* Set by the reader and the ring: whether the block is fused, and the
	 * rows of the file before it (READ_ROWS_UNKNOWN until the blocks
	 * before it are scanned), which say where its batches begin. */
	bool fused;
	uint64_t first_row;

	/* Set by read_rows_block_scan, in a fused block: its separators (bit
	 * masks, read_scan.h), its records and whether it holds a quote. */
	uint64_t *mask;
	size_t mask_cap;
	uint64_t records;

	/* Set by the conversion. */
	bool quote;	/* the text holds a quote: the rest is void */
	uint64_t lines; /* physical lines the text ends */
	size_t nrows, rows_cap;
	struct metric_row *rows;
	struct xdd *out;	   /* per-output values, pairs per row */
	size_t *key_off, *key_len; /* with -e: each row's epoch text */
	/* With -g: each row's group fields, ngcol a row, in TEXT (room for
	 * GKEY_CAP rows); in a fused block, those of the rows of GROWS whose
	 * key is not a word (below), in order. */
	const char **gkey;
	size_t *gkey_len, gkey_cap;
	/* The group fields a row that GKEY and GFIELD have room for: files
	 * may select more with one -g (a range of names), and the block goes
	 * from file to file. */
	size_t gkey_ngcol;
	/* Fused, with -g: every row, for the groups (ROWS are those of the
	 * batch begun before the block), in order of group once the block is
	 * read: the rows of its first group in the order read, then those of
	 * the second, and so on.  The groups come in the order of their first
	 * row in the block, GCOUNT rows each, ngcol fields each in GFIELD
	 * (as its first row has them; a word's, its bytes in GWORD).  GROWS
	 * holds the rows' squared errors, GWEIGHT their weights, or is NULL
	 * when each is METRIC_UNIT_WEIGHT (no weight column), as double-doubles
	 * (struct metric_sq_rows); when NRARE > 0 rows have a scale (an xdd's
	 * exp) that is not 0, GSEXP and GWEXP hold every row's, else neither
	 * is set.  As the block is read: GSQ and GW hold them, GRARE the rows
	 * with a scale, and GWD each row's key as a word (a key
	 * of one field of at most 8 bytes: its bytes, the rest zero) or a
	 * mark that its fields are in GKEY; then GOF each row's group, found
	 * in WTAB, a table of words that stays from block to block (WTAB_N
	 * slots, a power of 2; WSTAMP the block's stamp there), or for any
	 * other key in GTAB, a table of the block's own (GTAB_N slots) with
	 * GTAG each such group's hash (read_fused.c); GAT is room for where
	 * each group's rows go.  With one group field, GHASH and GWORD are
	 * each group's key_hash and first 8 bytes, the rest zero, for the
	 * groups (groups_runs). */
	struct dd *grows, *gweight;
	/* GSQ, GW, GOF and GWD are those of the scratch the conversion uses
	 * (struct read_rows_gscratch): GLENT, lent by a worker thread for
	 * the one conversion, or else the block's own, GOWN. */
	struct dd *gsq, *gw;
	uint32_t *gof;
	uint64_t *gwd;
	struct read_rows_gscratch gown, *glent;
	struct read_rows_rare *grare;
	size_t nrare, rare_cap, gexp_cap;
	int32_t *gsexp, *gwexp;
	uint64_t *gtab, *gtag, *ghash, *gword;
	size_t ngrows, grows_cap, ngroups, groups_cap, gtab_n;
	bool gtab_used;
	struct read_rows_wslot *wtab;
	size_t wtab_n, wtab_used;
	unsigned wtab_shift; /* 64 - log2(wtab_n) */
	uint32_t wstamp;
	size_t *gcount, *gat;
	const char **gfield;
	size_t *gfield_len;
	/* Fused: the whole batches after the rows, and the rows after them,
	 * summed. */
	struct metric_batch *batches;
	size_t nbatches, batches_cap;
	struct metric_sums tail;
	uint64_t skipped, skip_line[READ_ROWS_SKIPS_KEPT];
	bool failed; /* ERROR stops the reading after NROWS rows */
	struct read_rows_error error;

	double *t, *p, *fv;  /* scratch: pairs values each; one a field */
	unsigned char *need; /* a field at a time: whether it is parsed (1),
				or with -g a group's field (2) */
	size_t *gslot;	     /* with -g, a field at a time: its place in
				the key */
	const char **gcur;   /* with -g: the group fields of the row being
				read, and their lengths */
	size_t *gcur_len;
	size_t scratch_pairs, scratch_fields, scratch_groups;
};

/* In a fused block, the scan that tells the blocks after it where they
 * begin: its records (and whether it holds a quote); a block that is not
 * fused learns them from its conversion.  Any thread, before the
 * conversion, and no other thread on the block meanwhile. */
void read_rows_block_scan(const struct read_rows_plan *plan,
			  struct read_rows_block *blk);

/* The rows of BLK, counting those summed in its batches. */
uint64_t read_rows_block_rows(const struct read_rows_block *blk);

/* Converts the text of BLK into its rows as PLAN says, from the start: on
 * a quote, an error or a record too long, it stops there and says so.  A
 * fused block needs its first_row. */
void read_rows_block_convert(const struct read_rows_plan *plan,
			     struct read_rows_block *blk);

/* Room in BLK for the group fields of ROWS rows of NGCOL each. */
bool read_rows_block_group_room(struct read_rows_block *blk, size_t rows,
				size_t ngcol);

void read_rows_block_free(struct read_rows_block *blk);

#endif
