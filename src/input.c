/* input.c: from records to rows.  Every failure here names the file, the
 * physical line and the column, and quotes the text that was wrong. */
#include "input.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "csvin.h"
#include "diag.h"
#include "number.h"
#include "report.h"

enum { NO_COLUMN = (size_t)-1 };

void
input_init(struct input *in, const struct options *opts,
	   struct batcher *batcher)
{
	memset(in, 0, sizeof *in);
	in->opts = opts;
	in->batcher = batcher;
}

static void
forget_file(struct input *in)
{
	if (in->names != NULL)
		for (size_t i = 0; i < in->nfields; i++)
			free(in->names[i]);
	free(in->names);
	free(in->tcol);
	free(in->pcol);
	free(in->t);
	free(in->p);
	in->names = NULL;
	in->tcol = in->pcol = NULL;
	in->t = in->p = NULL;
	in->columns_known = false;
	in->records = 0;
}

void
input_free(struct input *in)
{
	forget_file(in);
}

/* The name of field I as messages show it: its header name, or its 1-based
 * index when there is no header. */
static const char *
column_name(const struct input *in, size_t i, char *buf, size_t size)
{
	if (in->names != NULL)
		return diag_quote(buf, size, in->names[i],
				  strlen(in->names[i]));
	snprintf(buf, size, "%zu", i + 1);
	return buf;
}

static int
oom(const struct input *in)
{
	diag("%s: out of memory", in->name);
	return -1;
}

static int
save_names(struct input *in, const struct csvin_record *rec)
{
	in->names = calloc(rec->nfields, sizeof *in->names);
	if (in->names == NULL)
		return oom(in);
	for (size_t i = 0; i < rec->nfields; i++) {
		in->names[i] = strndup(rec->field[i], rec->len[i]);
		if (in->names[i] == NULL)
			return oom(in);
	}
	return 0;
}

static int
choose_columns(struct input *in, uint64_t line)
{
	const struct options *o = in->opts;
	const char *const *names = (const char *const *)in->names;
	char err[COLUMNS_ERR_SIZE];
	size_t nt, np;

	if (o->true_cols == NULL) {
		in->tcol = malloc(sizeof *in->tcol);
		in->pcol = malloc(sizeof *in->pcol);
		if (in->tcol == NULL || in->pcol == NULL)
			return oom(in);
		if (columns_default(names, in->nfields, in->tcol, in->pcol,
				    err) != 0)
			goto fail;
		nt = np = 1;
	} else {
		if (columns_resolve(o->true_cols, names, in->nfields, &in->tcol,
				    &nt, err) != 0) {
			diag_at(in->name, line, "-t: %s", err);
			return -1;
		}
		if (columns_resolve(o->pred_cols, names, in->nfields, &in->pcol,
				    &np, err) != 0) {
			diag_at(in->name, line, "-p: %s", err);
			return -1;
		}
		if (nt != np) {
			diag_at(in->name, line,
				"-t selects %zu columns but -p selects %zu; "
				"they are paired in order",
				nt, np);
			return -1;
		}
	}
	in->wcol = in->ecol = NO_COLUMN;
	if (o->weight_col != NULL &&
	    columns_resolve_one(o->weight_col, names, in->nfields, &in->wcol,
				err) != 0) {
		diag_at(in->name, line, "-w: %s", err);
		return -1;
	}
	if (o->epoch_col != NULL &&
	    columns_resolve_one(o->epoch_col, names, in->nfields, &in->ecol,
				err) != 0) {
		diag_at(in->name, line, "-e: %s", err);
		return -1;
	}
	if (in->pairs != 0 && nt != in->pairs) {
		diag_at(in->name, line,
			"%zu column pairs selected here, but %zu in an earlier "
			"file",
			nt, in->pairs);
		return -1;
	}
	in->pairs = in->file_pairs = nt;
	in->t = malloc(nt * sizeof *in->t);
	in->p = malloc(nt * sizeof *in->p);
	if (in->t == NULL || in->p == NULL)
		return oom(in);
	in->columns_known = true;
	return 0;
fail:
	diag_at(in->name, line, "%s", err);
	return -1;
}

static void
note_skip(struct input *in, uint64_t line)
{
	if (in->rows_skipped < INPUT_SKIPS_SHOWN) {
		in->skipped[in->rows_skipped].name = in->name;
		in->skipped[in->rows_skipped].line = line;
	}
	in->rows_skipped++;
}

/* Parses field I as a value (or, when WEIGHT, as a weight).  Returns 0, 1
 * when the row is to be skipped, or -1 after reporting the error. */
static int
field_number(struct input *in, const struct csvin_record *rec, size_t i,
	     bool weight, double *out)
{
	char name[DIAG_QUOTE_SIZE], text[DIAG_QUOTE_SIZE];
	enum number_status st = number_parse(rec->field[i], rec->len[i], out);

	if (st == NUMBER_OK && (!weight || *out >= 0.0))
		return 0;
	if (in->opts->skip_invalid) {
		note_skip(in, rec->line[i]);
		return 1;
	}
	column_name(in, i, name, sizeof name);
	diag_quote(text, sizeof text, rec->field[i], rec->len[i]);
	if (st == NUMBER_RANGE)
		diag_at(in->name, rec->line[i],
			"column %s: invalid %s '%s' (out of range)", name,
			weight ? "weight" : "number", text);
	else if (st == NUMBER_INVALID)
		diag_at(in->name, rec->line[i], "column %s: invalid %s '%s'",
			name, weight ? "weight" : "number", text);
	else
		diag_at(in->name, rec->line[i],
			"column %s: invalid weight '%s' (negative)", name,
			text);
	return -1;
}

static int
on_row(struct input *in, const struct csvin_record *rec)
{
	double w = 1.0;
	int r;

	if (rec->nfields != in->nfields) {
		diag_at(in->name, rec->line[0],
			"row has %zu field%s, %s has %zu", rec->nfields,
			rec->nfields == 1 ? "" : "s",
			in->names != NULL ? "the header" : "the first row",
			in->nfields);
		return -1;
	}
	in->rows_read++;
	for (size_t j = 0; j < in->file_pairs; j++) {
		if ((r = field_number(in, rec, in->tcol[j], false,
				      &in->t[j])) != 0 ||
		    (r = field_number(in, rec, in->pcol[j], false,
				      &in->p[j])) != 0)
			return r < 0 ? -1 : 0;
	}
	if (in->wcol != NO_COLUMN &&
	    (r = field_number(in, rec, in->wcol, true, &w)) != 0)
		return r < 0 ? -1 : 0;
	if (in->ecol == NO_COLUMN)
		return batcher_row(in->batcher, in->t, in->p, in->file_pairs, w,
				   NULL, 0);
	return batcher_row(in->batcher, in->t, in->p, in->file_pairs, w,
			   rec->field[in->ecol], rec->len[in->ecol]);
}

static int
on_record(void *ctx, const struct csvin_record *rec)
{
	struct input *in = ctx;

	in->records++;
	if (!in->columns_known) {
		in->nfields = rec->nfields;
		if (in->opts->header) {
			if (save_names(in, rec) != 0)
				return -1;
			return choose_columns(in, rec->line[0]);
		}
		if (choose_columns(in, rec->line[0]) != 0)
			return -1;
	}
	return on_row(in, rec);
}

static int
on_idle(void *ctx)
{
	struct input *in = ctx;

	return report_flush(in->batcher->report);
}

int
input_file(struct input *in, int fd, const char *name)
{
	const struct csvin_handler h = {on_record, on_idle, in};
	int status;

	in->name = name;
	batcher_file_begin(in->batcher);
	status = csvin_read(fd, name, in->opts->delim, &h);
	if (status == 0 && in->records == 0) {
		diag_at(name, 1, "empty input%s",
			in->opts->header ? ", expected a header line" : "");
		status = -1;
	} else if (status == 0 && in->opts->header && in->records == 1) {
		diag_at(name, 2, "no data rows after the header");
		status = -1;
	}
	if (status == 0)
		batcher_file_end(in->batcher);
	forget_file(in);
	return status;
}

void
input_report_skips(const struct input *in)
{
	char where[INPUT_SKIPS_SHOWN * 64] = "";
	size_t used = 0;

	if (in->rows_skipped == 0)
		return;
	for (uint64_t i = 0; i < in->rows_skipped && i < INPUT_SKIPS_SHOWN &&
			     used < sizeof where;
	     i++)
		used += (size_t)snprintf(where + used, sizeof where - used,
					 "%s%s:%" PRIu64, i ? ", " : "",
					 in->skipped[i].name,
					 in->skipped[i].line);
	diag("skipped %" PRIu64 " of %" PRIu64
	     " rows with invalid numbers (--skip-invalid), at %s%s",
	     in->rows_skipped, in->rows_read, where,
	     in->rows_skipped > INPUT_SKIPS_SHOWN ? ", ..." : "");
}
