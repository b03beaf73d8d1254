/* read_rows.c: the column plan of a file, and the conversion of a record into
 * the numbers of one row.  Every error names the physical line and the
 * column, and quotes the text that was wrong. */
#include "read_rows.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "number.h"
#include "read_fused.h"
#include "read_scan.h"
#include "select.h"
#include "select_default.h"

static int
fail(struct read_rows_error *err, uint64_t line, const char *what,
     const char *text)
{
	err->line = line;
	if (what != NULL)
		snprintf(err->text, sizeof err->text, "%s: %s", what, text);
	else
		snprintf(err->text, sizeof err->text, "%s", text);
	return -1;
}

static int
oom(struct read_rows_error *err, uint64_t line)
{
	return fail(err, line, NULL, "out of memory");
}

/* Field I of REC, a name or an epoch label (WHAT), holds a NUL byte. */
static int
nul_byte(struct read_rows_error *err, const struct read_csv_record *rec,
	 size_t i, const char *what)
{
	char text[DIAG_QUOTE_SIZE];

	err->line = rec->line[i];
	snprintf(err->text, sizeof err->text,
		 "column %zu: NUL byte in the %s '%s'", i + 1, what,
		 diag_quote(text, sizeof text, rec->field[i], rec->len[i]));
	return -1;
}

/* Whether the LEN bytes at S spell infinity or NaN as numpy, R and pandas
 * write them: inf, infinity or nan in any case, with an optional sign. */
static bool
is_nonfinite(const char *s, size_t len)
{
	if (len > 0 && (*s == '+' || *s == '-')) {
		s++;
		len--;
	}
	return (len == 3 && (strncasecmp(s, "inf", 3) == 0 ||
			     strncasecmp(s, "nan", 3) == 0)) ||
	       (len == 8 && strncasecmp(s, "infinity", 8) == 0);
}

/* --decimal-comma: the LEN bytes at S as a number whose decimal mark is a
 * comma ("3,14"), read by number_parse from a copy with a point instead.
 * A point is refused: in such files it groups thousands ("1.234,5"). */
static enum number_status
parse_decimal_comma(const char *s, size_t len, double *out)
{
	char buf[128], *copy = buf;
	enum number_status st;

	if (len == 0 || memchr(s, '.', len) != NULL)
		return NUMBER_INVALID;
	if (len > sizeof buf && (copy = malloc(len)) == NULL)
		return NUMBER_INVALID;
	for (size_t i = 0; i < len; i++)
		copy[i] = s[i] == ',' ? '.' : s[i];
	st = number_parse(copy, len, out);
	if (copy != buf)
		free(copy);
	return st;
}

static enum number_status
parse_value(const struct read_config *cfg, const char *s, size_t len,
	    double *out)
{
	return cfg->decimal_comma ? parse_decimal_comma(s, len, out)
				  : number_parse(s, len, out);
}

/* Whether a first record looks like a row of data rather than names:
 * every field a number (of any size, or infinity or NaN) or empty (a
 * missing value), and at least one a decimal number.  Taking such a line
 * for the header would drop a row without a word. */
static bool
looks_like_data(const struct read_config *cfg,
		const struct read_csv_record *rec)
{
	bool number = false;

	for (size_t i = 0; i < rec->nfields; i++) {
		double v;

		if (rec->len[i] == 0 ||
		    is_nonfinite(rec->field[i], rec->len[i]))
			continue;
		if (parse_value(cfg, rec->field[i], rec->len[i], &v) ==
		    NUMBER_INVALID)
			return false;
		number = true;
	}
	return number;
}

/* The error for a first line that looks like data: it quotes the line (its
 * fields, as far as the message shows them) and says what to type. */
static int
data_not_header(struct read_rows_error *err, const struct read_csv_record *rec,
		unsigned char delim)
{
	char line[DIAG_QUOTE_SIZE], text[DIAG_QUOTE_SIZE];
	size_t used = 0;

	for (size_t i = 0; i < rec->nfields && used < sizeof line; i++) {
		size_t n = rec->len[i];

		if (i > 0)
			line[used++] = (char)delim;
		if (n > sizeof line - used)
			n = sizeof line - used;
		memcpy(line + used, rec->field[i], n);
		used += n;
	}
	err->line = rec->line[0];
	snprintf(err->text, sizeof err->text,
		 "the first line looks like data, not a header: '%s'; type -n "
		 "if it is data, or --header if it is the header",
		 diag_quote(text, sizeof text, line, used));
	return -1;
}

void
read_rows_plan_free(struct read_rows_plan *plan)
{
	if (plan->names != NULL)
		for (size_t i = 0; i < plan->nfields; i++)
			free(plan->names[i]);
	free(plan->names);
	free(plan->tcol);
	free(plan->pcol);
	free(plan->gcol);
	memset(plan, 0, sizeof *plan);
}

/* What a column can be selected for: each column serves one role only
 * (the same column twice in one role is allowed: two models against one
 * truth; but not in the group's, see one_role).  A new role is a line in
 * one_role's table. */
struct role {
	const char *what; /* as a message names it */
	const size_t *cols;
	size_t n;
};

/* The name of field I as messages show it: its header name, or its 1-based
 * position when there is no header. */
static const char *
column_name(const struct read_rows_plan *plan, size_t i, char *buf, size_t size)
{
	if (plan->names != NULL)
		return diag_quote(buf, size, plan->names[i],
				  strlen(plan->names[i]));
	snprintf(buf, size, "%zu", i + 1);
	return buf;
}

/* Refuses a column selected for two roles; the plan has PAIRS pairs. */
static int
one_role(const struct read_rows_plan *plan, size_t pairs, uint64_t line,
	 struct read_rows_error *err)
{
	bool by_default = plan->cfg->true_cols == NULL;
	const struct role roles[] = {
		{by_default ? "the true values (-t, by default)"
			    : "the true values (-t)",
		 plan->tcol, pairs},
		{by_default ? "the predictions (-p, by default)"
			    : "the predictions (-p)",
		 plan->pcol, pairs},
		{"the weight (-w)", &plan->wcol, plan->wcol != READ_ROWS_NONE},
		{"the epoch (-e)", &plan->ecol, plan->ecol != READ_ROWS_NONE},
		{"the group (-g)", plan->gcol, plan->ngcol},
	};
	unsigned char *role_of = calloc(plan->nfields, 1); /* role + 1 */

	if (role_of == NULL)
		return oom(err, line);
	for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
		for (size_t i = 0; i < roles[r].n; i++) {
			size_t c = roles[r].cols[i], was = role_of[c];
			char name[DIAG_QUOTE_SIZE], label[DIAG_QUOTE_SIZE + 32];
			/* A key's columns are found by column, one slot each
			 * (read_fused.c): a column twice in -g would leave a
			 * slot empty, and adds nothing to the key. */
			bool twice =
				was == r + 1 && roles[r].cols == plan->gcol;

			if (!twice && (was == 0 || was == r + 1)) {
				role_of[c] = (unsigned char)(r + 1);
				continue;
			}
			free(role_of);
			if (plan->names != NULL)
				snprintf(
					label, sizeof label,
					"'%s' (column %zu)",
					column_name(plan, c, name, sizeof name),
					c + 1);
			else
				snprintf(label, sizeof label, "%zu", c + 1);
			err->line = line;
			if (twice)
				snprintf(err->text, sizeof err->text,
					 "column %s is given twice in -g; a "
					 "key takes each column once",
					 label);
			else
				snprintf(
					err->text, sizeof err->text,
					"column %s is selected for both %s and "
					"%s; a column can serve one role only",
					label, roles[was - 1].what,
					roles[r].what);
			return -1;
		}
	}
	free(role_of);
	return 0;
}

/* The columns of the default pairs: select_default, told how to write
 * the commands that its messages suggest. */
static int
choose_default(struct read_rows_plan *plan, const struct read_rows_file *file,
	       char *msg, size_t *pairs)
{
	const struct read_config *cfg = plan->cfg;
	struct select_default_how how = {cfg->args ? cfg->args : "",
					 NULL,
					 {plan->wcol, plan->ecol},
					 plan->gcol,
					 plan->ngcol};
	char *paste = NULL;
	int status;

	if (file->name != NULL && file->next != NULL) {
		const char d[3] = {'-', 'd', (char)plan->delim};
		const char *opts = cfg->options ? cfg->options : "";
		char dq[16], a[SELECT_ERR_SIZE / 4], b[SELECT_ERR_SIZE / 4];
		size_t size = SELECT_ERR_SIZE / 2;

		/* paste(1) joins with a tab unless told otherwise. */
		if ((paste = malloc(size)) == NULL) {
			snprintf(msg, SELECT_ERR_SIZE, "out of memory");
			return -1;
		}
		snprintf(
			paste, size, "paste%s%s %s %s | rmsetab%s%s",
			plan->delim == '\t' ? "" : " ",
			plan->delim == '\t' ? ""
					    : diag_shell(dq, sizeof dq, d, 3),
			diag_shell(a, sizeof a, file->name, strlen(file->name)),
			diag_shell(b, sizeof b, file->next, strlen(file->next)),
			*opts ? " " : "", opts);
		how.paste = paste;
	}
	status = select_default((const char *const *)plan->names, plan->nfields,
				&how, &plan->tcol, &plan->pcol, pairs, msg);
	free(paste);
	return status;
}

int
read_rows_plan_make(struct read_rows_plan *plan, const struct read_config *cfg,
		    const struct read_csv_record *first, size_t pairs,
		    const struct read_rows_file *file,
		    struct read_rows_error *err)
{
	uint64_t line = first->line[0];
	const char *const *names;
	char msg[SELECT_ERR_SIZE];
	size_t nt, np;

	memset(plan, 0, sizeof *plan);
	plan->cfg = cfg;
	plan->delim = file->delim;
	plan->decimal_comma = cfg->decimal_comma;
	plan->nfields = first->nfields;
	plan->wcol = plan->ecol = READ_ROWS_NONE;
	if (cfg->header) {
		if (!cfg->header_forced && looks_like_data(cfg, first))
			return data_not_header(err, first, file->delim);
		plan->names = calloc(first->nfields, sizeof *plan->names);
		if (plan->names == NULL)
			return oom(err, line);
		for (size_t i = 0; i < first->nfields; i++) {
			/* A name is a C string, and no name given on the
			 * command line can hold a NUL.  (A UTF-16 file is full
			 * of them.) */
			if (memchr(first->field[i], '\0', first->len[i]))
				return nul_byte(err, first, i, "name");
			if ((plan->names[i] = strndup(first->field[i],
						      first->len[i])) == NULL)
				return oom(err, line);
		}
		/* np.savetxt(..., header="y_true,y_pred") writes its
		 * comments, "# ", before the header. */
		if (first->nfields > 0 && strncmp(plan->names[0], "# ", 2) == 0)
			memmove(plan->names[0], plan->names[0] + 2,
				strlen(plan->names[0]) - 1);
	}
	names = (const char *const *)plan->names;
	/* -w and -e first: the default's "only two columns" are the others. */
	if (cfg->weight_col != NULL &&
	    select_resolve_one("-w", cfg->weight_col, names, plan->nfields,
			       &plan->wcol, msg) != 0)
		return fail(err, line, "-w", msg);
	if (cfg->epoch_col != NULL &&
	    select_resolve_one("-e", cfg->epoch_col, names, plan->nfields,
			       &plan->ecol, msg) != 0)
		return fail(err, line, "-e", msg);
	if (cfg->group_cols != NULL &&
	    select_resolve("-g", cfg->group_cols, names, plan->nfields,
			   &plan->gcol, &plan->ngcol, msg) != 0)
		return fail(err, line, "-g", msg);
	if (cfg->true_cols == NULL) {
		if (choose_default(plan, file, msg, &nt) != 0)
			return fail(err, line, NULL, msg);
		np = nt;
	} else {
		if (select_resolve("-t", cfg->true_cols, names, plan->nfields,
				   &plan->tcol, &nt, msg) != 0)
			return fail(err, line, "-t", msg);
		if (select_resolve("-p", cfg->pred_cols, names, plan->nfields,
				   &plan->pcol, &np, msg) != 0)
			return fail(err, line, "-p", msg);
		if (nt != np) {
			snprintf(msg, sizeof msg,
				 "-t selects %zu columns but -p selects %zu; "
				 "they are paired in order",
				 nt, np);
			return fail(err, line, NULL, msg);
		}
	}
	if (one_role(plan, nt, line, err) != 0)
		return -1;
	if (pairs != 0 && nt != pairs) {
		snprintf(msg, sizeof msg,
			 "%zu column pairs selected here, but %zu in an "
			 "earlier file",
			 nt, pairs);
		return fail(err, line, NULL, msg);
	}
	plan->pairs = nt;
	return 0;
}

/* Whether the LEN bytes at S are how pandas, numpy, R or a database
 * write a missing value. */
static bool
is_missing(const char *s, size_t len)
{
	static const char *const words[] = {"nan", "-nan", "+nan", "na",
					    "n/a", "null", "none"};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (len == strlen(words[i]) &&
		    strncasecmp(s, words[i], len) == 0)
			return true;
	return len == 0;
}

/* For text that holds a tab or a semicolon that the file is not split at,
 * what to type: a file read with the wrong delimiter. */
static const char *
other_delimiter(const struct read_rows_plan *plan, const char *s, size_t len)
{
	if (plan->delim != '\t' && memchr(s, '\t', len) != NULL)
		return " (it holds a tab); type -d tab";
	if (plan->delim != ';' && memchr(s, ';', len) != NULL)
		return " (it holds ';'); type -d ';'";
	return "";
}

/* What a message about the invalid number TEXT (LEN bytes) adds: what it
 * seems to be, and what to type. */
static const char *
invalid_hint(const struct read_rows_plan *plan, const char *s, size_t len)
{
	const char *hint;
	double v;

	if (is_missing(s, len))
		return " (a missing value); type --skip-invalid to skip such "
		       "rows";
	if (plan->decimal_comma && memchr(s, '.', len) != NULL)
		return " (with --decimal-comma, '.' is not a decimal mark); "
		       "leave --decimal-comma out if it is one";
	if (!plan->decimal_comma && plan->delim != ',' &&
	    memchr(s, ',', len) != NULL &&
	    parse_decimal_comma(s, len, &v) == NUMBER_OK)
		return " (a decimal comma); type --decimal-comma";
	if (*(hint = other_delimiter(plan, s, len)) != '\0')
		return hint;
	if (plan->delim == ',' && len > 1 && s[0] == ' ' &&
	    number_parse(s + 1, len - 1, &v) == NUMBER_OK)
		return " (a space after the comma, as numpy's "
		       "savetxt(delimiter=', ') writes); remove such spaces "
		       "first: sed 's/, /,/g'";
	return "";
}

/* The error, or the skip, for field I of REC, which ST says is not a
 * number, or with WEIGHT, is not a weight (NUMBER_OK: it is negative). */
static enum read_rows_result
field_error(const struct read_rows_plan *plan,
	    const struct read_csv_record *rec, size_t i, bool weight,
	    enum number_status st, struct read_rows_error *err)
{
	char name[DIAG_QUOTE_SIZE], text[DIAG_QUOTE_SIZE];
	const char *what = weight ? "weight" : "number";

	err->line = rec->line[i];
	if (plan->cfg->skip_invalid)
		return READ_ROWS_SKIPPED;
	column_name(plan, i, name, sizeof name);
	diag_quote(text, sizeof text, rec->field[i], rec->len[i]);
	snprintf(err->text, sizeof err->text, "column %s: invalid %s '%s'%s",
		 name, what, text,
		 st == NUMBER_RANGE ? " (out of range)"
		 : st == NUMBER_INVALID
			 ? invalid_hint(plan, rec->field[i], rec->len[i])
			 : " (negative)");
	return READ_ROWS_ERROR;
}

/* Parses field I as a value, or with WEIGHT as a weight. */
static enum read_rows_result
field_number(const struct read_rows_plan *plan,
	     const struct read_csv_record *rec, size_t i, bool weight,
	     double *out, struct read_rows_error *err)
{
	enum number_status st =
		plan->decimal_comma
			? parse_decimal_comma(rec->field[i], rec->len[i], out)
			: number_parse(rec->field[i], rec->len[i], out);

	if (st == NUMBER_OK && (!weight || *out >= 0.0))
		return READ_ROWS_OK;
	return field_error(plan, rec, i, weight, st, err);
}

enum read_rows_result
read_rows_convert(const struct read_rows_plan *plan,
		  const struct read_csv_record *rec, double *t, double *p,
		  struct metric_row *row, struct xdd *out,
		  struct read_rows_error *err)
{
	enum read_rows_result r;
	double w = 1.0;

	if (rec->nfields != plan->nfields) {
		err->line = rec->line[0];
		snprintf(err->text, sizeof err->text,
			 "row has %zu field%s, %s has %zu%s", rec->nfields,
			 rec->nfields == 1 ? "" : "s",
			 plan->names != NULL ? "the header" : "the first row",
			 plan->nfields,
			 rec->nfields == 1
				 ? other_delimiter(plan, rec->field[0],
						   rec->len[0])
				 : "");
		return READ_ROWS_ERROR;
	}
	for (size_t j = 0; j < plan->pairs; j++) {
		if ((r = field_number(plan, rec, plan->tcol[j], false, &t[j],
				      err)) != READ_ROWS_OK ||
		    (r = field_number(plan, rec, plan->pcol[j], false, &p[j],
				      err)) != READ_ROWS_OK)
			return r;
	}
	if (plan->wcol != READ_ROWS_NONE &&
	    (r = field_number(plan, rec, plan->wcol, true, &w, err)) !=
		    READ_ROWS_OK)
		return r;
	/* Labels are printed as C strings: "a\0x" and "a\0y" would look
	 * the same. */
	if (plan->ecol != READ_ROWS_NONE &&
	    memchr(rec->field[plan->ecol], '\0', rec->len[plan->ecol]) !=
		    NULL) {
		nul_byte(err, rec, plan->ecol, "epoch label");
		return READ_ROWS_ERROR;
	}
	for (size_t i = 0; i < plan->ngcol; i++) {
		size_t g = plan->gcol[i];

		if (memchr(rec->field[g], '\0', rec->len[g]) != NULL) {
			nul_byte(err, rec, g, "group key");
			return READ_ROWS_ERROR;
		}
	}
	metric_row_set(plan->row, row, plan->extras ? out : NULL, t, p, w);
	return READ_ROWS_OK;
}

/* Blocks. */

/* The bytes of rows a block makes room for at first. */
enum { ROWS_ROOM = 256 << 10 };

struct convert_ctx {
	const struct read_rows_plan *plan;
	struct read_rows_block *blk;
	bool oom;
};

static bool
room_for_row(struct read_rows_block *blk, bool keys, size_t outputs,
	     size_t ngcol)
{
	size_t cap;
	void *p;

	/* The fused loop may have left the group fields less room. */
	if (blk->nrows < blk->rows_cap &&
	    (ngcol == 0 || blk->nrows < blk->gkey_cap))
		return true;
	if (blk->nrows < blk->rows_cap)
		return read_rows_block_group_room(blk, blk->rows_cap, ngcol);
	if (blk->rows_cap > 0) {
		cap = 2 * blk->rows_cap;
	} else {
		/* The first room by bytes, not by rows: a row of 400,000
		 * pairs with per-output sums takes 9.6 MB, and 4,096 of them
		 * would be 39 GB for a block that may hold one.  It doubles
		 * as rows come. */
		size_t row = sizeof *blk->rows + outputs * sizeof *blk->out +
			     (keys ? sizeof *blk->key_off + sizeof *blk->key_len
				   : 0);

		cap = ROWS_ROOM / row;
		cap = cap < 1 ? 1 : cap > 4096 ? 4096 : cap;
	}
	if ((p = realloc(blk->rows, cap * sizeof *blk->rows)) == NULL)
		return false;
	blk->rows = p;
	if (outputs > 0) {
		if ((p = realloc(blk->out, cap * outputs * sizeof *blk->out)) ==
		    NULL)
			return false;
		blk->out = p;
	}
	if (keys) {
		if ((p = realloc(blk->key_off, cap * sizeof *blk->key_off)) ==
		    NULL)
			return false;
		blk->key_off = p;
		if ((p = realloc(blk->key_len, cap * sizeof *blk->key_len)) ==
		    NULL)
			return false;
		blk->key_len = p;
	}
	if (ngcol > 0 && !read_rows_block_group_room(blk, cap, ngcol))
		return false;
	blk->rows_cap = cap;
	return true;
}

bool
read_rows_block_group_room(struct read_rows_block *blk, size_t rows,
			   size_t ngcol)
{
	void *p;

	if (rows <= blk->gkey_cap)
		return true;
	if ((p = realloc(blk->gkey, rows * ngcol * sizeof *blk->gkey)) == NULL)
		return false;
	blk->gkey = p;
	if ((p = realloc(blk->gkey_len,
			 rows * ngcol * sizeof *blk->gkey_len)) == NULL)
		return false;
	blk->gkey_len = p;
	blk->gkey_cap = rows;
	return true;
}

static int
convert_record(void *ctx, const struct read_csv_record *rec)
{
	struct convert_ctx *cc = ctx;
	struct read_rows_block *blk = cc->blk;
	const struct read_rows_plan *plan = cc->plan;
	bool keys = plan->ecol != READ_ROWS_NONE;
	size_t outputs = plan->extras;

	if (!room_for_row(blk, keys, outputs, plan->ngcol)) {
		cc->oom = true;
		return -1;
	}
	switch (read_rows_convert(
		plan, rec, blk->t, blk->p, &blk->rows[blk->nrows],
		outputs ? blk->out + blk->nrows * outputs : NULL,
		&blk->error)) {
	case READ_ROWS_OK:
		if (keys) {
			blk->key_off[blk->nrows] =
				(size_t)(rec->field[plan->ecol] - blk->text);
			blk->key_len[blk->nrows] = rec->len[plan->ecol];
		}
		for (size_t i = 0; i < plan->ngcol; i++) {
			size_t k = blk->nrows * plan->ngcol + i;

			blk->gkey[k] = rec->field[plan->gcol[i]];
			blk->gkey_len[k] = rec->len[plan->gcol[i]];
		}
		blk->nrows++;
		return 0;
	case READ_ROWS_SKIPPED:
		if (blk->skipped < READ_ROWS_SKIPS_KEPT)
			blk->skip_line[blk->skipped] = blk->error.line;
		blk->skipped++;
		return 0;
	case READ_ROWS_ERROR: break;
	}
	blk->failed = true;
	return -1;
}

void
read_rows_block_scan(const struct read_rows_plan *plan,
		     struct read_rows_block *blk)
{
	struct read_scan r;
	size_t words = read_scan_words(blk->len);

	blk->quote = false;
	if (!blk->fused)
		return;
	if (blk->mask_cap < words) {
		free(blk->mask);
		blk->mask = malloc(words * sizeof *blk->mask);
		blk->mask_cap = blk->mask != NULL ? words : 0;
		if (blk->mask == NULL) {
			/* Not fused after all: the general path says so. */
			blk->fused = false;
			return;
		}
	}
	read_scan(blk->text, blk->len, plan->delim, blk->mask, &r);
	blk->records = r.records;
	blk->quote = r.quote;
}

uint64_t
read_rows_block_rows(const struct read_rows_block *blk)
{
	uint64_t rows = blk->nrows;

	/* Every whole batch has as many rows as the first. */
	if (blk->fused && blk->nbatches > 0)
		rows += blk->nbatches * blk->batches[0].sums.rows;
	if (blk->fused)
		rows += blk->tail.rows;
	return rows;
}

void
read_rows_block_convert(const struct read_rows_plan *plan,
			struct read_rows_block *blk)
{
	struct convert_ctx cc = {plan, blk, false};
	struct read_csv c;
	size_t used;

	/* Room made for another file's key fields a row is made again. */
	if (blk->gkey_ngcol != plan->ngcol) {
		blk->gkey_cap = blk->grows_cap = blk->groups_cap = 0;
		blk->gkey_ngcol = plan->ngcol;
	}
	if (blk->fused) {
		if (!blk->quote)
			read_fused_convert(plan, blk);
		return;
	}
	blk->quote = blk->failed = false;
	blk->nrows = 0;
	blk->skipped = 0;
	if (blk->scratch_pairs < plan->pairs) {
		free(blk->t);
		free(blk->p);
		blk->t = malloc(plan->pairs * sizeof *blk->t);
		blk->p = malloc(plan->pairs * sizeof *blk->p);
		blk->scratch_pairs = blk->t && blk->p ? plan->pairs : 0;
	}
	if (blk->scratch_pairs == 0) {
		cc.oom = true;
	} else {
		read_csv_init(&c, "", plan->delim, 1, convert_record, &cc);
		switch (read_csv_split(&c, blk->text, blk->len, true, &used)) {
		case READ_CSV_SPLIT_QUOTE: blk->quote = true; break;
		case READ_CSV_SPLIT_ERROR:
			blk->failed = true;
			blk->error.line = c.error_line;
			snprintf(blk->error.text, sizeof blk->error.text, "%s",
				 c.error);
			break;
		default: break;
		}
		blk->lines = c.line - 1;
		read_csv_free(&c);
	}
	if (cc.oom) {
		blk->failed = true;
		blk->error.line = 1;
		strcpy(blk->error.text, "out of memory");
	}
	blk->records = blk->nrows + blk->skipped;
}

void
read_rows_gscratch_free(struct read_rows_gscratch *gs)
{
	free(gs->gwd);
	free(gs->gsq);
	free(gs->gw);
	free(gs->gof);
	*gs = (struct read_rows_gscratch){.cap = 0};
}

void
read_rows_block_free(struct read_rows_block *blk)
{
	free(blk->text);
	free(blk->rows);
	free(blk->out);
	free(blk->key_off);
	free(blk->key_len);
	free(blk->gkey);
	free(blk->gkey_len);
	free(blk->grows);
	free(blk->gweight);
	free(blk->grare);
	free(blk->gsexp);
	free(blk->gwexp);
	read_rows_gscratch_free(&blk->gown);
	free(blk->gtab);
	free(blk->wtab);
	free(blk->gtag);
	free(blk->ghash);
	free(blk->gword);
	free(blk->gcount);
	free(blk->gat);
	free(blk->gfield);
	free(blk->gfield_len);
	free(blk->gslot);
	free(blk->gcur);
	free(blk->gcur_len);
	free(blk->t);
	free(blk->p);
	free(blk->fv);
	free(blk->need);
	free(blk->mask);
	free(blk->batches);
}
