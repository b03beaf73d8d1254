/* report.c: formatting of result lines.  The machine formats print 17
 * significant digits, enough for every binary64 value to read back exactly;
 * the table and Markdown print --precision digits, for people.  Each line is
 * built in memory and written with one call: a run can have millions. */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "explain.h"
#include "numfmt.h"

static const char *const kind_name[] = {"batch", "epoch", "total"};

void
report_init(struct report *r, FILE *out, const struct report_config *cfg)
{
	memset(r, 0, sizeof *r);
	r->out = out;
	r->cfg = cfg;
}

void
report_free(struct report *r)
{
	for (size_t j = 0; j < r->outputs; j++)
		free(r->output_names[j]);
	free(r->output_names);
	free(r->buf);
}

/* One name of a list, with its place, for sorting. */
struct named {
	const char *name;
	size_t j;
};

static int
by_name(const void *x, const void *y)
{
	const struct named *a = x, *b = y;
	int c = strcmp(a->name, b->name);

	return c != 0 ? c : (a->j > b->j) - (a->j < b->j);
}

/* Whether the N NAMES are all different: 1, or 0 with two that are the
 * same in *A < *B; -1 when out of memory. */
static int
all_different(const char *const *names, size_t n, size_t *a, size_t *b)
{
	struct named *v = malloc((n ? n : 1) * sizeof *v);
	int status = 1;

	if (v == NULL)
		return -1;
	for (size_t j = 0; j < n; j++)
		v[j] = (struct named){names[j], j};
	qsort(v, n, sizeof *v, by_name);
	for (size_t i = 0; i + 1 < n && status == 1; i++) {
		if (strcmp(v[i].name, v[i + 1].name) != 0)
			continue;
		*a = v[i].j;
		*b = v[i + 1].j;
		status = 0;
	}
	free(v);
	return status;
}

static bool
prints_per_output(const struct report_config *cfg)
{
	for (size_t i = 0; i < cfg->nmeasures; i++)
		if (cfg->measures[i] == M_PER_OUTPUT)
			return true;
	return false;
}

/* The names between the brackets of rmse[NAME], into NAMES (malloc'd):
 * the true columns' when they are all different, else the predicted
 * columns', else both as TRUE:PRED.  Returns 1 with ERR set when even
 * those repeat, -1 when out of memory. */
static int
pair_names(char **names, const char *const *tnames, const char *const *pnames,
	   size_t pairs, char *err)
{
	const char *const *from = tnames;
	size_t a, b;
	bool both = false;
	int st = all_different(tnames, pairs, &a, &b);

	if (st == 0 && (st = all_different(pnames, pairs, &a, &b)) >= 0) {
		from = pnames;
		both = st == 0;
	}
	if (st < 0)
		return -1;
	for (size_t j = 0; j < pairs; j++) {
		size_t len = strlen(tnames[j]) + strlen(pnames[j]) + 2;

		if (!both)
			names[j] = strdup(from[j]);
		else if ((names[j] = malloc(len)) != NULL)
			snprintf(names[j], len, "%s:%s", tnames[j], pnames[j]);
		if (names[j] == NULL)
			return -1;
	}
	if (!both)
		return 0;
	if ((st = all_different((const char *const *)names, pairs, &a, &b)) < 0)
		return -1;
	if (st == 0) {
		char q[DIAG_QUOTE_SIZE];

		snprintf(err, REPORT_ERR_SIZE,
			 "-c per_output would name pairs %zu and %zu both "
			 "'rmse[%s]': select each pair once, or give their "
			 "columns names that tell them apart",
			 a + 1, b + 1,
			 diag_quote(q, sizeof q, names[a], strlen(names[a])));
		return 1;
	}
	return 0;
}

/* The names of the pairs when none must be told apart: the true columns',
 * or without a header the pairs' numbers. */
static int
plain_names(char **names, const char *const *tnames, size_t pairs)
{
	for (size_t j = 0; j < pairs; j++) {
		char num[24];

		snprintf(num, sizeof num, "%zu", j + 1);
		if ((names[j] = strdup(tnames != NULL ? tnames[j] : num)) ==
		    NULL)
			return -1;
	}
	return 0;
}

int
report_set_outputs(struct report *r, const char *const *tnames,
		   const char *const *pnames, size_t pairs, char *err)
{
	char **names = calloc(pairs, sizeof *names);
	int st;

	r->output_names = calloc(pairs, sizeof *r->output_names);
	r->outputs = r->output_names != NULL ? pairs : 0;
	if (names == NULL || r->output_names == NULL)
		st = -1;
	else if (tnames != NULL && prints_per_output(r->cfg))
		st = pair_names(names, tnames, pnames, pairs, err);
	else
		st = plain_names(names, tnames, pairs);
	for (size_t j = 0; st == 0 && j < pairs; j++) {
		size_t len = strlen(names[j]) + sizeof "rmse[]";

		if ((r->output_names[j] = malloc(len)) == NULL)
			st = -1;
		else
			snprintf(r->output_names[j], len, "rmse[%s]", names[j]);
	}
	for (size_t j = 0; names != NULL && j < pairs; j++)
		free(names[j]);
	free(names);
	if (st < 0)
		diag("out of memory");
	return st;
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

/* The length of the control character that S (N bytes) starts with, a
 * C0 one, DEL or a C1 one in UTF-8 (U+0080 to U+009F), or 0: text from
 * the input shows each as a space, so that a line stays one line and
 * nothing in a key or a label reaches a terminal as a command. */
static size_t
control_len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];

	if (c < 0x20 || c == 0x7f)
		return 1;
	if (c == 0xc2 && n > 1 && (unsigned char)s[1] >= 0x80 &&
	    (unsigned char)s[1] <= 0x9f)
		return 2;
	return 0;
}

/* Text S of N bytes from the input, its control characters as spaces
 * (control_len). */
static void
put_shown(struct report *r, const char *s, size_t n)
{
	for (size_t i = 0, k; i < n; i += k) {
		if ((k = control_len(s + i, n - i)) > 0) {
			put_char(r, ' ');
		} else {
			put_char(r, s[i]);
			k = 1;
		}
	}
}

/* Text S of N bytes from the input right-aligned in WIDTH columns of a
 * terminal, as put_shown shows it: the columns its characters take
 * (diag_text_width: a control character one, as its space), not its
 * bytes. */
static void
put_text(struct report *r, const char *s, size_t n, size_t width)
{
	size_t w = diag_text_width(s, n);

	put_padded(r, "", 0, width > w ? width - w : 0);
	put_shown(r, s, n);
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
			char u[6] = {'\\', 'u',		'0',
				     '0',  hex[c >> 4], hex[c & 15]};

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
	 * as infinite (an r2 or a bias may be below the most negative). */
	if (isnan(v))
		put_str(r, r->cfg->format == REPORT_JSONL ? "null" : "nan");
	else if (isinf(v))
		put_str(r, r->cfg->format == REPORT_JSONL
				   ? (v < 0 ? "-1e999" : "1e999")
				   : (v < 0 ? "-inf" : "inf"));
	else
		put(r, buf, (size_t)numfmt_g17(buf, v));
}

/* Loops over the printed columns: I counts the -c list, M is the measure,
 * and J the pair of a per-output column (0 for the others). */
#define FOR_EACH_COLUMN(r, i, j, m)                                            \
	for (size_t i = 0; i < (r)->cfg->nmeasures; i++)                       \
		for (size_t j = 0, m = (r)->cfg->measures[i];                  \
		     j < ((m) == M_PER_OUTPUT ? (r)->outputs : 1); j++)

static const char *
column_name(const struct report *r, size_t m, size_t j, bool label)
{
	if (m == M_PER_OUTPUT)
		return r->output_names[j];
	return label ? measures_label((enum measure)m)
		     : measures_name((enum measure)m);
}

static double
column_value(const struct batcher_line *l, size_t m, size_t j)
{
	return m == M_PER_OUTPUT ? l->per_output[j] : l->v[m];
}

/* Whether the line has no value in column M: it is then empty, null in
 * JSON. */
static bool
column_absent(const struct batcher_line *l, size_t m)
{
	return (l->absent >> m) & 1;
}

enum { EPOCH_WIDTH = 5, BATCH_WIDTH = 6, ROWS_WIDTH = 9 };

/* SGR escapes, used only when the config says color. */
#define SGR_BOLD  "\033[1m"
#define SGR_FAINT "\033[2m"
#define SGR_RESET "\033[0m"

/* The table's number columns: right-aligned in at least PRECISION + 5
 * characters, the longest text %g gives below 1e100 ("0.000" and the
 * digits, or "1.23e-05"), so that the lines stay aligned; wider when the
 * heading is. */
static size_t
number_width(const struct report *r, const char *head)
{
	size_t w = (size_t)r->cfg->precision + 5,
	       hw = diag_text_width(head, strlen(head));

	return hw > w ? hw : w;
}

static size_t
table_width(const struct report *r)
{
	size_t w = EPOCH_WIDTH + 2 + BATCH_WIDTH + 2 + ROWS_WIDTH;

	if (r->cfg->grouped)
		w += r->group_width + 2;

	FOR_EACH_COLUMN(r, i, j, m)
	w += 2 + number_width(r, column_name(r, m, j, true));
	return w;
}

/* The text of a number in the table and in Markdown: PRECISION digits. */
static size_t
number_text(const struct report *r, char *buf, double v)
{
	if (isnan(v)) {
		strcpy(buf, "nan");
		return 3;
	}
	return (size_t)numfmt_digits(buf, v, r->cfg->precision);
}

static void
table_header(struct report *r)
{
	if (r->cfg->color)
		put_str(r, SGR_BOLD);
	if (r->cfg->grouped) {
		put_str(r, "group");
		put_padded(r, "", 0, r->group_width - 5 + 2);
	}
	put_padded(r, "epoch", 5, EPOCH_WIDTH);
	put(r, "  ", 2);
	put_padded(r, "batch", 5, BATCH_WIDTH);
	put(r, "  ", 2);
	put_padded(r, "rows", 4, ROWS_WIDTH);
	FOR_EACH_COLUMN(r, i, j, m)
	{
		const char *head = column_name(r, m, j, true);

		put(r, "  ", 2);
		put_text(r, head, strlen(head), number_width(r, head));
	}
	if (r->cfg->color)
		put_str(r, SGR_RESET);
	put_char(r, '\n');
}

/* Epoch and total lines stand apart from the batch lines: a rule above an
 * epoch line that follows batches, a blank line after an epoch's group. */
static void
table_separator(struct report *r, const struct batcher_line *l)
{
	enum batcher_kind kind = l->kind;

	if (!r->header_done)
		return;
	/* Each group's lines stand apart from the next group's. */
	if (r->cfg->grouped && l->group != r->last_group) {
		put_char(r, '\n');
	} else if (kind == BATCHER_EPOCH && r->last_kind == BATCHER_BATCH) {
		size_t n = table_width(r);

		if (r->cfg->color)
			put_str(r, SGR_FAINT);
		for (size_t i = 0; i < n; i++)
			put_char(r, '-');
		if (r->cfg->color)
			put_str(r, SGR_RESET);
		put_char(r, '\n');
	} else if (kind != BATCHER_EPOCH && r->last_kind == BATCHER_EPOCH) {
		put_char(r, '\n');
	}
}

/* The table's group column: left-aligned, as text is, the key with its
 * control bytes shown as spaces so that the line stays one line. */
static void
put_group_cell(struct report *r, const struct batcher_line *l)
{
	size_t n = l->group != NULL ? l->group_len : 0;

	put_shown(r, l->group, n);
	put_padded(r, "", 0, r->group_width - diag_text_width(l->group, n) + 2);
}

static void
line_table(struct report *r, const struct batcher_line *l)
{
	bool bold = r->cfg->color && l->kind != BATCHER_BATCH;
	char num[21], buf[NUMFMT_SIZE];
	size_t owed = 0; /* spaces of blank columns, not yet written */

	if (!r->header_done)
		table_header(r);
	table_separator(r, l);
	if (bold)
		put_str(r, SGR_BOLD);
	if (r->cfg->grouped)
		put_group_cell(r, l);
	if (l->kind == BATCHER_TOTAL)
		put_padded(r, "total", 5, EPOCH_WIDTH);
	else if (l->epoch_key != NULL)
		put_text(r, l->epoch_key, strlen(l->epoch_key), EPOCH_WIDTH);
	else
		put_padded(r, num, u64_text(num, l->epoch), EPOCH_WIDTH);
	put(r, "  ", 2);
	if (l->kind == BATCHER_BATCH)
		put_padded(r, num, u64_text(num, l->batch), BATCH_WIDTH);
	else
		put_padded(r, "all", 3, BATCH_WIDTH);
	put(r, "  ", 2);
	put_padded(r, num, u64_text(num, l->rows), ROWS_WIDTH);
	FOR_EACH_COLUMN(r, i, j, m)
	{
		size_t width = number_width(r, column_name(r, m, j, true));

		/* A blank column is padding owed to the next one that is not:
		 * blanks at the end leave no trailing spaces. */
		if (column_absent(l, m)) {
			owed += 2 + width;
			continue;
		}
		put_padded(r, "", 0, owed);
		owed = 0;
		put(r, "  ", 2);
		put_padded(r, buf, number_text(r, buf, column_value(l, m, j)),
			   width);
	}
	if (bold)
		put_str(r, SGR_RESET);
	put_char(r, '\n');
	if (r->cfg->explain && l->kind == BATCHER_EPOCH) {
		const struct explain_facts facts = {l->v, l->rows,
						    l->running_rows, l->pairs,
						    l->reset_never};
		char text[1024];

		put_str(r, explain_epoch(text, sizeof text, r->cfg, &facts));
	}
}

/* Text from the input (a key, an epoch label, a pair's name) as the text
 * of a GitHub table cell, in WIDTH columns, right-aligned or, with LEFT,
 * left-aligned: a pipe would end the cell and a line end the row; the
 * marks of emphasis, code, links and HTML are escaped so that the text
 * shows as it is. */
static void
put_markdown_text(struct report *r, const char *s, size_t width, bool left)
{
	static const char marks[] = "\\|`*_[]<>~&";
	size_t len = strlen(s), n = diag_text_width(s, len);

	for (const char *c = s; *c; c++)
		n += strchr(marks, *c) != NULL;
	if (!left)
		put_padded(r, "", 0, width > n ? width - n : 0);
	for (size_t i = 0, k; i < len; i += k) {
		k = 1;
		if (strchr(marks, s[i]) != NULL) {
			put_char(r, '\\');
			put_char(r, s[i]);
		} else if ((k = control_len(s + i, len - i)) > 0) {
			put_char(r, ' ');
		} else {
			put_char(r, s[i]);
			k = 1;
		}
	}
	if (left)
		put_padded(r, "", 0, width > n ? width - n : 0);
}

/* A GitHub-flavoured Markdown table with the columns of the CSV format and
 * the numbers of the table format, padded as the table is so that the text
 * reads well before it is rendered too. */
static void
markdown_header(struct report *r)
{
	put_str(r, r->cfg->grouped
			   ? "| kind  | group | epoch |  batch |      rows |"
			   : "| kind  | epoch |  batch |      rows |");
	FOR_EACH_COLUMN(r, i, j, m)
	{
		const char *name = column_name(r, m, j, false);

		/* Only the pairs' names come from the input. */
		put_char(r, ' ');
		if (m == M_PER_OUTPUT)
			put_markdown_text(r, name, number_width(r, name),
					  false);
		else
			put_padded(r, name, strlen(name),
				   number_width(r, name));
		put_str(r, " |");
	}
	put_str(r, r->cfg->grouped
			   ? "\n|-------|-------|------:|-------:|----------:|"
			   : "\n|-------|------:|-------:|----------:|");
	FOR_EACH_COLUMN(r, i, j, m)
	{
		size_t n = number_width(r, column_name(r, m, j, false)) + 1;

		while (n-- > 0)
			put_char(r, '-');
		put_str(r, ":|");
	}
	put_char(r, '\n');
}

static void
line_markdown(struct report *r, const struct batcher_line *l)
{
	char num[21], buf[NUMFMT_SIZE];
	size_t n;

	if (!r->header_done)
		markdown_header(r);
	put_str(r, "| ");
	put_str(r, kind_name[l->kind]);
	put_str(r, " | ");
	if (r->cfg->grouped) {
		put_markdown_text(r, l->group != NULL ? l->group : "", 5, true);
		put_str(r, " | ");
	}
	if (l->kind == BATCHER_TOTAL)
		put_padded(r, "", 0, EPOCH_WIDTH);
	else if (l->epoch_key != NULL)
		put_markdown_text(r, l->epoch_key, EPOCH_WIDTH, false);
	else
		put_padded(r, num, u64_text(num, l->epoch), EPOCH_WIDTH);
	put_str(r, " | ");
	n = l->kind == BATCHER_BATCH ? u64_text(num, l->batch) : 0;
	put_padded(r, num, n, BATCH_WIDTH);
	put_str(r, " | ");
	put_padded(r, num, u64_text(num, l->rows), ROWS_WIDTH);
	FOR_EACH_COLUMN(r, i, j, m)
	{
		size_t k = column_absent(l, m)
				   ? 0
				   : number_text(r, buf, column_value(l, m, j));

		put_str(r, " | ");
		put_padded(r, buf, k,
			   number_width(r, column_name(r, m, j, false)));
	}
	put_str(r, " |\n");
}

static void
line_delimited(struct report *r, const struct batcher_line *l, char delim)
{
	if (!r->header_done) {
		put_str(r, "kind");
		put_char(r, delim);
		if (r->cfg->grouped) {
			put_str(r, "group");
			put_char(r, delim);
		}
		put_str(r, "epoch");
		put_char(r, delim);
		put_str(r, "batch");
		put_char(r, delim);
		put_str(r, "rows");
		FOR_EACH_COLUMN(r, i, j, m)
		{
			put_char(r, delim);
			if (r->cfg->format == REPORT_CSV)
				put_csv_text(r, column_name(r, m, j, false),
					     delim);
			else
				put_tsv_text(r, column_name(r, m, j, false));
		}
		put_char(r, '\n');
	}
	put_str(r, kind_name[l->kind]);
	put_char(r, delim);
	if (r->cfg->grouped) {
		if (l->group == NULL)
			;
		else if (r->cfg->format == REPORT_CSV)
			put_csv_text(r, l->group, delim);
		else
			put_tsv_text(r, l->group);
		put_char(r, delim);
	}
	if (l->kind == BATCHER_TOTAL)
		;
	else if (l->epoch_key == NULL)
		put_u64(r, l->epoch);
	else if (r->cfg->format == REPORT_CSV)
		put_csv_text(r, l->epoch_key, delim);
	else
		put_tsv_text(r, l->epoch_key);
	put_char(r, delim);
	if (l->kind == BATCHER_BATCH)
		put_u64(r, l->batch);
	put_char(r, delim);
	put_u64(r, l->rows);
	FOR_EACH_COLUMN(r, i, j, m)
	{
		put_char(r, delim);
		if (!column_absent(l, m))
			put_number(r, column_value(l, m, j));
	}
	put_char(r, '\n');
}

static void
line_jsonl(struct report *r, const struct batcher_line *l)
{
	put_str(r, "{\"kind\":\"");
	put_str(r, kind_name[l->kind]);
	if (r->cfg->grouped) {
		put_str(r, "\",\"group\":");
		if (l->group == NULL)
			put_str(r, "null");
		else
			put_json_text(r, l->group);
		put_str(r, ",\"epoch\":");
	} else {
		put_str(r, "\",\"epoch\":");
	}
	if (l->kind == BATCHER_TOTAL)
		put_str(r, "null");
	else if (l->epoch_key == NULL)
		put_u64(r, l->epoch);
	else
		put_json_text(r, l->epoch_key);
	put_str(r, ",\"batch\":");
	if (l->kind == BATCHER_BATCH)
		put_u64(r, l->batch);
	else
		put_str(r, "null");
	put_str(r, ",\"rows\":");
	put_u64(r, l->rows);
	FOR_EACH_COLUMN(r, i, j, m)
	{
		put_char(r, ',');
		put_json_text(r, column_name(r, m, j, false));
		put_char(r, ':');
		if (column_absent(l, m))
			put_str(r, "null");
		else
			put_number(r, column_value(l, m, j));
	}
	put_str(r, "}\n");
}

void
report_line(struct report *r, const struct batcher_line *line)
{
	/* The table leaves out the total of one epoch, which is that epoch;
	 * the machine formats always end with it, for scripts to select. */
	if ((line->kind == BATCHER_BATCH && r->cfg->summary) ||
	    (line->kind == BATCHER_TOTAL && line->epochs < 2 &&
	     r->cfg->format == REPORT_TABLE))
		return;
	switch (r->cfg->format) {
	case REPORT_TABLE: line_table(r, line); break;
	case REPORT_CSV: line_delimited(r, line, ','); break;
	case REPORT_TSV: line_delimited(r, line, '\t'); break;
	case REPORT_JSONL: line_jsonl(r, line); break;
	case REPORT_MARKDOWN: line_markdown(r, line); break;
	}
	r->header_done = 1;
	r->last_kind = line->kind;
	r->last_group = line->group;
	if (r->before_write != NULL)
		r->before_write(r->before_write_ctx);
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
