/* report.c: formatting of result lines.  The machine formats print 17
 * significant digits, enough for every binary64 value to read back exactly;
 * the table prints the shortest text that reads back exactly. */
#include "report.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static const char *const kind_name[] = {"batch", "epoch", "total"};

void
report_init(struct report *r, FILE *out, enum out_format format)
{
	r->out = out;
	r->format = format;
	r->header_done = 0;
}

/* Shortest of %.15g, %.16g, %.17g that reads back as V: no shorter text
 * can, since 15 digits always suffice to tell two doubles' neighbours. */
static void
shortest(char *buf, size_t size, double v)
{
	if (isnan(v)) {
		snprintf(buf, size, "nan");
		return;
	}
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

static void
put_csv_text(FILE *out, const char *s, unsigned char delim)
{
	if (strchr(s, delim) == NULL && strpbrk(s, "\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	putc('"', out);
}

/* TSV has no quoting: the characters that would break a line are escaped
 * the way PostgreSQL's text format and Miller do it. */
static void
put_tsv_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\t': fputs("\\t", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\\': fputs("\\\\", out); break;
		default: putc(*s, out);
		}
	}
}

static void
put_json_text(FILE *out, const char *s)
{
	putc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			putc(c, out);
	}
	putc('"', out);
}

static void
put_number(FILE *out, double v, enum out_format format)
{
	if (!isfinite(v))
		fputs(format == FORMAT_JSONL ? "null" : "nan", out);
	else
		fprintf(out, "%.17g", v);
}

static void
line_table(struct report *r, const struct report_line *l)
{
	char epoch[32], batch[32], num[3][32];
	const char *epoch_text = epoch;

	if (!r->header_done)
		fprintf(r->out, "%5s  %5s  %6s  %18s  %18s  %18s\n", "epoch",
			"batch", "rows", "batch rmse", "mean batch rmse",
			"running rmse");
	if (l->kind == REPORT_TOTAL)
		epoch_text = "total";
	else if (l->epoch_key != NULL)
		epoch_text = l->epoch_key;
	else
		snprintf(epoch, sizeof epoch, "%" PRIu64, l->epoch);
	if (l->kind == REPORT_BATCH)
		snprintf(batch, sizeof batch, "%" PRIu64, l->batch);
	else
		snprintf(batch, sizeof batch, "all");
	shortest(num[0], sizeof num[0], l->rmse);
	shortest(num[1], sizeof num[1], l->mean_batch_rmse);
	shortest(num[2], sizeof num[2], l->running_rmse);
	fprintf(r->out, "%5s  %5s  %6" PRIu64 "  %18s  %18s  %18s\n",
		epoch_text, batch, l->rows, num[0], num[1], num[2]);
}

static void
line_delimited(struct report *r, const struct report_line *l,
	       unsigned char delim)
{
	const double v[3] = {l->rmse, l->mean_batch_rmse, l->running_rmse};

	if (!r->header_done)
		fprintf(r->out,
			"kind%cepoch%cbatch%crows%crmse%cmean_batch_rmse%c"
			"running_rmse\n",
			delim, delim, delim, delim, delim, delim);
	fprintf(r->out, "%s%c", kind_name[l->kind], delim);
	if (l->kind == REPORT_TOTAL)
		;
	else if (l->epoch_key == NULL)
		fprintf(r->out, "%" PRIu64, l->epoch);
	else if (r->format == FORMAT_CSV)
		put_csv_text(r->out, l->epoch_key, delim);
	else
		put_tsv_text(r->out, l->epoch_key);
	putc(delim, r->out);
	if (l->kind == REPORT_BATCH)
		fprintf(r->out, "%" PRIu64, l->batch);
	fprintf(r->out, "%c%" PRIu64, delim, l->rows);
	for (int i = 0; i < 3; i++) {
		putc(delim, r->out);
		put_number(r->out, v[i], r->format);
	}
	putc('\n', r->out);
}

static void
line_jsonl(struct report *r, const struct report_line *l)
{
	fprintf(r->out, "{\"kind\":\"%s\",\"epoch\":", kind_name[l->kind]);
	if (l->kind == REPORT_TOTAL)
		fputs("null", r->out);
	else if (l->epoch_key == NULL)
		fprintf(r->out, "%" PRIu64, l->epoch);
	else
		put_json_text(r->out, l->epoch_key);
	fputs(",\"batch\":", r->out);
	if (l->kind == REPORT_BATCH)
		fprintf(r->out, "%" PRIu64, l->batch);
	else
		fputs("null", r->out);
	fprintf(r->out, ",\"rows\":%" PRIu64 ",\"rmse\":", l->rows);
	put_number(r->out, l->rmse, r->format);
	fputs(",\"mean_batch_rmse\":", r->out);
	put_number(r->out, l->mean_batch_rmse, r->format);
	fputs(",\"running_rmse\":", r->out);
	put_number(r->out, l->running_rmse, r->format);
	fputs("}\n", r->out);
}

void
report_line(struct report *r, const struct report_line *line)
{
	switch (r->format) {
	case FORMAT_TABLE: line_table(r, line); break;
	case FORMAT_CSV: line_delimited(r, line, ','); break;
	case FORMAT_TSV: line_delimited(r, line, '\t'); break;
	case FORMAT_JSONL: line_jsonl(r, line); break;
	}
	r->header_done = 1;
}

int
report_flush(struct report *r)
{
	if (fflush(r->out) != 0 || ferror(r->out)) {
		diag("standard output: %s", strerror(errno));
		return -1;
	}
	return 0;
}
