/* report.c: formatting of result lines.  The machine formats print 17
 * significant digits, enough for every binary64 value to read back exactly;
 * the table prints the shortest text that reads back exactly.  Each line is
 * built in memory and written with one call: a run can have millions. */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "numfmt.h"

static const char *const kind_name[] = {"batch", "epoch", "total"};

void
report_init(struct report *r, FILE *out, enum out_format format)
{
	memset(r, 0, sizeof *r);
	r->out = out;
	r->format = format;
}

void
report_free(struct report *r)
{
	free(r->buf);
}

static void
put(struct report *r, const char *s, size_t n)
{
	if (r->len + n > r->cap) {
		size_t cap = r->cap ? r->cap : 256;
		char *more;

		while (cap < r->len + n)
			cap *= 2;
		if ((more = realloc(r->buf, cap)) == NULL) {
			/* Keep going unbuffered: slower, never wrong. */
			fwrite(r->buf, 1, r->len, r->out);
			fwrite(s, 1, n, r->out);
			r->len = 0;
			return;
		}
		r->buf = more;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
}

static void
put_str(struct report *r, const char *s)
{
	put(r, s, strlen(s));
}

static void
put_char(struct report *r, char c)
{
	put(r, &c, 1);
}

/* S right-aligned in WIDTH columns, as printf's %*s. */
static void
put_padded(struct report *r, const char *s, size_t n, size_t width)
{
	static const char spaces[] = "                    ";

	while (n < width) {
		size_t k = width - n < sizeof spaces - 1 ? width - n
							 : sizeof spaces - 1;

		put(r, spaces, k);
		width -= k;
	}
	put(r, s, n);
}

static size_t
u64_text(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

static void
put_u64(struct report *r, uint64_t v)
{
	char buf[21];

	put(r, buf, u64_text(buf, v));
}

static void
put_csv_text(struct report *r, const char *s, char delim)
{
	if (strchr(s, delim) == NULL && strpbrk(s, "\"\r\n") == NULL) {
		put_str(r, s);
		return;
	}
	put_char(r, '"');
	for (; *s; s++) {
		if (*s == '"')
			put_char(r, '"');
		put_char(r, *s);
	}
	put_char(r, '"');
}

/* TSV has no quoting: the characters that would break a line are escaped
 * the way PostgreSQL's text format and Miller do it. */
static void
put_tsv_text(struct report *r, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\t': put_str(r, "\\t"); break;
		case '\n': put_str(r, "\\n"); break;
		case '\r': put_str(r, "\\r"); break;
		case '\\': put_str(r, "\\\\"); break;
		default: put_char(r, *s);
		}
	}
}

/* JSON text is UTF-8 (RFC 8259): a byte that is not part of a UTF-8
 * character becomes U+FFFD, the replacement character. */
static void
put_json_text(struct report *r, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t len = strlen(s), n;

	put_char(r, '"');
	for (size_t i = 0; i < len; i += n) {
		unsigned char c = (unsigned char)s[i];

		n = 1;
		if (c == '"' || c == '\\') {
			put_char(r, '\\');
			put_char(r, (char)c);
		} else if (c < 0x20) {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};

			put(r, u, sizeof u);
		} else if (c < 0x80) {
			put_char(r, (char)c);
		} else if ((n = diag_utf8_len(s + i, len - i)) > 0) {
			put(r, s + i, n);
		} else {
			put_str(r, "\\ufffd");
			n = 1;
		}
	}
	put_char(r, '"');
}

static void
put_number(struct report *r, double v)
{
	char buf[NUMFMT_SIZE];

	/* JSON has no NaN and no infinity: an undefined RMSE is null, and
	 * one beyond the largest double is a number that JSON readers take
	 * as infinite. */
	if (isnan(v))
		put_str(r, r->format == FORMAT_JSONL ? "null" : "nan");
	else if (isinf(v))
		put_str(r, r->format == FORMAT_JSONL ? "1e999" : "inf");
	else
		put(r, buf, (size_t)numfmt_g17(buf, v));
}

static void
line_table(struct report *r, const struct report_line *l)
{
	const double v[3] = {l->rmse, l->mean_batch_rmse, l->running_rmse};
	char num[21], buf[NUMFMT_SIZE];

	if (!r->header_done)
		put_str(r, "epoch  batch    rows          batch rmse     mean "
			   "batch rmse        running rmse\n");
	if (l->kind == REPORT_TOTAL)
		put_padded(r, "total", 5, 5);
	else if (l->epoch_key != NULL)
		put_padded(r, l->epoch_key, strlen(l->epoch_key), 5);
	else
		put_padded(r, num, u64_text(num, l->epoch), 5);
	put(r, "  ", 2);
	if (l->kind == REPORT_BATCH)
		put_padded(r, num, u64_text(num, l->batch), 5);
	else
		put_padded(r, "all", 3, 5);
	put(r, "  ", 2);
	put_padded(r, num, u64_text(num, l->rows), 6);
	for (int i = 0; i < 3; i++) {
		size_t n = isnan(v[i]) ? (strcpy(buf, "nan"), 3)
				       : (size_t)numfmt_shortest(buf, v[i]);

		put(r, "  ", 2);
		put_padded(r, buf, n, 18);
	}
	put_char(r, '\n');
}

static void
line_delimited(struct report *r, const struct report_line *l, char delim)
{
	const double v[3] = {l->rmse, l->mean_batch_rmse, l->running_rmse};
	static const char *const names[] = {"kind", "epoch", "batch", "rows",
					    "rmse", "mean_batch_rmse",
					    "running_rmse"};

	if (!r->header_done) {
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			if (i > 0)
				put_char(r, delim);
			put_str(r, names[i]);
		}
		put_char(r, '\n');
	}
	put_str(r, kind_name[l->kind]);
	put_char(r, delim);
	if (l->kind == REPORT_TOTAL)
		;
	else if (l->epoch_key == NULL)
		put_u64(r, l->epoch);
	else if (r->format == FORMAT_CSV)
		put_csv_text(r, l->epoch_key, delim);
	else
		put_tsv_text(r, l->epoch_key);
	put_char(r, delim);
	if (l->kind == REPORT_BATCH)
		put_u64(r, l->batch);
	put_char(r, delim);
	put_u64(r, l->rows);
	for (int i = 0; i < 3; i++) {
		put_char(r, delim);
		put_number(r, v[i]);
	}
	put_char(r, '\n');
}

static void
line_jsonl(struct report *r, const struct report_line *l)
{
	put_str(r, "{\"kind\":\"");
	put_str(r, kind_name[l->kind]);
	put_str(r, "\",\"epoch\":");
	if (l->kind == REPORT_TOTAL)
		put_str(r, "null");
	else if (l->epoch_key == NULL)
		put_u64(r, l->epoch);
	else
		put_json_text(r, l->epoch_key);
	put_str(r, ",\"batch\":");
	if (l->kind == REPORT_BATCH)
		put_u64(r, l->batch);
	else
		put_str(r, "null");
	put_str(r, ",\"rows\":");
	put_u64(r, l->rows);
	put_str(r, ",\"rmse\":");
	put_number(r, l->rmse);
	put_str(r, ",\"mean_batch_rmse\":");
	put_number(r, l->mean_batch_rmse);
	put_str(r, ",\"running_rmse\":");
	put_number(r, l->running_rmse);
	put_str(r, "}\n");
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
	if (fwrite(r->buf, 1, r->len, r->out) != r->len && r->error == 0)
		r->error = errno != 0 ? errno : EIO;
	r->len = 0;
}

int
report_check(struct report *r)
{
	if (r->error == 0 && ferror(r->out))
		r->error = EIO; /* a write failed out of sight */
	if (r->error == 0)
		return 0;
	if (!r->reported)
		diag("standard output: %s", strerror(r->error));
	r->reported = true;
	return -1;
}

int
report_flush(struct report *r)
{
	if (fflush(r->out) != 0 && r->error == 0)
		r->error = errno != 0 ? errno : EIO;
	return report_check(r);
}
