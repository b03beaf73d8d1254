/* state_read.c: saved states read back, as state.c describes them, each
 * line checked, so that damage is found and named with its line: the
 * header, then the epochs one at a time, then the total and the
 * checksum. */
#include "state_read.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"

void
state_reader_init(struct state_reader *r, int fd, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->name = name;
}

static void
forget_state(struct state_reader *r)
{
	state_header_free(&r->h);
	for (int i = 0; i < STATE_HEADER_LINES; i++) {
		free(r->raw[i]);
		r->raw[i] = NULL;
	}
	metric_sums_free(&r->total);
}

void
state_reader_free(struct state_reader *r)
{
	forget_state(r);
	free(r->buf);
	r->buf = NULL;
}

/* The next line into r->line: 1, or 2 when it is the last and has no line
 * end; 0 at the end of the input; -1 after reporting a read error. */
static int
next_line(struct state_reader *r)
{
	for (;;) {
		char *nl = r->len > r->start ? memchr(r->buf + r->start, '\n',
						      r->len - r->start)
					     : NULL;
		ssize_t n;

		if (nl != NULL || (r->eof && r->start < r->len)) {
			size_t end =
				nl != NULL ? (size_t)(nl - r->buf) : r->len;

			r->line = r->buf + r->start;
			r->line_len = end - r->start;
			r->line[r->line_len] = '\0';
			r->start = nl != NULL ? end + 1 : end;
			r->lineno++;
			return nl != NULL ? 1 : 2;
		}
		if (r->eof)
			return 0;
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->len - r->start);
			r->len -= r->start;
			r->start = 0;
		}
		if (r->cap - r->len < 65536) {
			size_t cap = r->cap ? r->cap * 2 : 1 << 17;
			char *more = realloc(r->buf, cap + 1);

			if (more == NULL) {
				diag("%s: out of memory", r->name);
				return -1;
			}
			r->buf = more;
			r->cap = cap;
		}
		n = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag("%s: %s", r->name, strerror(errno));
			return -1;
		}
		if (n == 0)
			r->eof = true;
		r->len += (size_t)n;
	}
}

/* The next line of the state being read, hashed; -1 (reported) when the
 * input ends first. */
static int
state_line(struct state_reader *r, uint64_t *hash_before)
{
	int st = next_line(r);

	if (st < 0)
		return -1;
	if (st != 1) {
		diag_at(r->name, r->lineno + (st == 0),
			"truncated state: it ends before its 'end' line");
		return -1;
	}
	if (hash_before != NULL)
		*hash_before = r->hash;
	r->hash = state_hash(r->hash, r->line, r->line_len);
	r->hash = state_hash(r->hash, "\n", 1);
	return 0;
}

static int
corrupted(struct state_reader *r, const char *expected)
{
	char found[DIAG_QUOTE_SIZE];

	diag_at(r->name, r->lineno,
		"corrupted state: expected '%s', found '%s'", expected,
		diag_quote(found, sizeof found, r->line, r->line_len));
	return -1;
}

/* A cursor over the fields of the current line. */
struct cursor {
	const char *p, *end;
};

static struct cursor
fields(const struct state_reader *r)
{
	return (struct cursor){r->line, r->line + r->line_len};
}

/* The keyword WORD, alone or followed by a space. */
static bool
keyword(struct cursor *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0 ||
	    (c->p + n < c->end && c->p[n] != ' '))
		return false;
	c->p += n;
	return true;
}

static bool
at_end(const struct cursor *c)
{
	return c->p == c->end;
}

/* The next field, after one space: the text up to the next space. */
static bool
token(struct cursor *c, const char **s, size_t *n)
{
	if (c->p == c->end || *c->p != ' ')
		return false;
	*s = ++c->p;
	while (c->p < c->end && *c->p != ' ')
		c->p++;
	*n = (size_t)(c->p - *s);
	return *n > 0;
}

static bool
digits(const char *s, size_t n)
{
	if (n == 0 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A count, in canonical decimal. */
static bool
field_u64(struct cursor *c, uint64_t *v)
{
	const char *s;
	size_t n;

	if (!token(c, &s, &n) || !digits(s, n))
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return false;
		*v = *v * 10 + d;
	}
	return true;
}

static bool
field_i32(struct cursor *c, int32_t *v)
{
	const char *s;
	size_t n;
	bool neg;
	int64_t x = 0;

	if (!token(c, &s, &n))
		return false;
	neg = s[0] == '-';
	if (!digits(s + neg, n - neg) || (neg && s[1] == '0') || n > 11)
		return false;
	for (size_t i = neg; i < n; i++)
		x = x * 10 + (s[i] - '0');
	if (neg)
		x = -x;
	if (x < INT32_MIN || x > INT32_MAX)
		return false;
	*v = (int32_t)x;
	return true;
}

static bool
is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
}

/* A real number as %a writes it: [-]0xH[.HHH]p[+-]D, nan or inf. */
static bool
field_double(struct cursor *c, double *v)
{
	char text[64], *end;
	const char *s, *q;
	size_t n;

	if (!token(c, &s, &n) || n >= sizeof text)
		return false;
	memcpy(text, s, n);
	text[n] = '\0';
	q = text + (text[0] == '-');
	if (strcmp(q, "nan") != 0 && strcmp(q, "inf") != 0) {
		if (q[0] != '0' || q[1] != 'x' || !is_hex(q[2]))
			return false;
		for (q += 3; is_hex(*q); q++)
			;
		if (*q == '.' && is_hex(q[1]))
			for (q++; is_hex(*q); q++)
				;
		if (q[0] != 'p' || (q[1] != '+' && q[1] != '-') ||
		    !digits(q + 2, strlen(q + 2)))
			return false;
	}
	*v = strtod(text, &end);
	return *end == '\0';
}

static bool
field_xdd(struct cursor *c, struct xdd *x)
{
	return field_double(c, &x->v.hi) && field_double(c, &x->v.lo) &&
	       field_i32(c, &x->exp);
}

static int
hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Quoted text, its escapes undone, into *OUT (malloc'd, NUL added). */
static bool
field_text(struct cursor *c, char **out, size_t *len)
{
	char *t;
	size_t n = 0;

	if (c->end - c->p < 3 || c->p[0] != ' ' || c->p[1] != '"')
		return false;
	c->p += 2;
	if ((t = malloc((size_t)(c->end - c->p) + 1)) == NULL)
		return false;
	while (c->p < c->end && *c->p != '"') {
		char ch = *c->p++;

		if (ch == '\\') {
			int hi, lo;

			if (c->p == c->end)
				break;
			ch = *c->p++;
			if (ch == 'n')
				ch = '\n';
			else if (ch == 'r')
				ch = '\r';
			else if (ch == 't')
				ch = '\t';
			else if (ch == 'x' && c->end - c->p >= 2 &&
				 (hi = hex_digit(c->p[0])) >= 0 &&
				 (lo = hex_digit(c->p[1])) >= 0) {
				ch = (char)(hi * 16 + lo);
				c->p += 2;
			} else if (ch != '"' && ch != '\\') {
				break;
			}
		}
		t[n++] = ch;
	}
	if (c->p == c->end || *c->p != '"') {
		free(t);
		return false;
	}
	c->p++;
	t[n] = '\0';
	*out = t;
	if (len != NULL)
		*len = n;
	return true;
}

/* A column name: quoted text, or a bare column number with -n; "-" for
 * none when NONE_OK.  *INDEX says which kind it was. */
static bool
field_name(struct cursor *c, char **out, bool *index, bool none_ok)
{
	struct cursor d = *c;
	const char *s;
	size_t n;

	if (field_text(c, out, NULL)) {
		*index = false;
		return true;
	}
	*c = d;
	if (!token(c, &s, &n))
		return false;
	if (none_ok && n == 1 && s[0] == '-') {
		*out = NULL;
		return true;
	}
	if (!digits(s, n) || (*out = strndup(s, n)) == NULL)
		return false;
	*index = true;
	return true;
}

/* The names of a "true" or "pred" line: PAIRS of them, all of the same
 * kind as INDICES says (or sets, when FIRST). */
static bool
field_names(struct cursor *c, size_t pairs, char ***names, bool *indices,
	    bool first)
{
	if ((*names = calloc(pairs, sizeof **names)) == NULL)
		return false;
	for (size_t j = 0; j < pairs; j++) {
		bool index;

		if (!field_name(c, &(*names)[j], &index, false))
			return false;
		if (first && j == 0)
			*indices = index;
		if (index != *indices)
			return false;
	}
	return at_end(c);
}

static bool
column_line(struct cursor *c, char **out, bool indices)
{
	bool index = indices;

	return field_name(c, out, &index, true) && index == indices &&
	       at_end(c);
}

/* Header line I (1..9) of a state, in r->line. */
static int
header_line(struct state_reader *r, int i)
{
	struct state_header *h = &r->h;
	struct cursor c = fields(r);
	uint64_t n;
	const char *s;
	size_t len;
	char err[MEASURES_ERR_SIZE];

	switch (i) {
	case 1:
		if (keyword(&c, "dtype") && token(&c, &s, &len) && at_end(&c) &&
		    len == 7 && memcmp(s, "float32", 7) == 0) {
			diag_at(r->name, r->lineno,
				"dtype float32: float32 sums are rounded in "
				"row order and cannot be merged exactly");
			return -1;
		}
		c = fields(r);
		if (!keyword(&c, "dtype") || !keyword(&c, " float64") ||
		    !at_end(&c))
			return corrupted(r, "dtype float64");
		return 0;
	case 2:
		if (!keyword(&c, "batch-size") || !field_u64(&c, &n) ||
		    !at_end(&c) || n == 0 || n > SIZE_MAX)
			return corrupted(r, "batch-size N");
		h->batch_size = (size_t)n;
		return 0;
	case 3:
		if (keyword(&c, "reset") && keyword(&c, " epoch") && at_end(&c))
			h->reset_never = false;
		else if ((c = fields(r), keyword(&c, "reset")) &&
			 keyword(&c, " never") && at_end(&c))
			h->reset_never = true;
		else
			return corrupted(r, "reset epoch|never");
		return 0;
	case 4:
		if (!keyword(&c, "columns") || !token(&c, &s, &len) ||
		    !at_end(&c))
			return corrupted(r, "columns LIST");
		h->ncolumns = measures_parse(s, h->columns, err);
		if (h->ncolumns == 0) {
			diag_at(r->name, r->lineno, "corrupted state: %s", err);
			return -1;
		}
		if ((measures_needs(h->columns, h->ncolumns) &
		     MEASURES_BATCHES) &&
		    h->batch_size > STATE_SEGMENT_MAX_BATCH) {
			diag_at(r->name, r->lineno,
				"corrupted state: batch values with a batch "
				"size of %zu, above %d",
				h->batch_size, STATE_SEGMENT_MAX_BATCH);
			return -1;
		}
		return 0;
	case 5:
		/* More pairs than any CSV file has columns is damage. */
		if (!keyword(&c, "pairs") || !field_u64(&c, &n) ||
		    !at_end(&c) || n == 0 || n > (1u << 24))
			return corrupted(r, "pairs N");
		h->pairs = (size_t)n;
		return 0;
	case 6:
		if (!keyword(&c, "true") ||
		    !field_names(&c, h->pairs, &h->true_names, &h->indices,
				 true))
			return corrupted(r, "true NAME...");
		return 0;
	case 7:
		if (!keyword(&c, "pred") ||
		    !field_names(&c, h->pairs, &h->pred_names, &h->indices,
				 false))
			return corrupted(r, "pred NAME...");
		return 0;
	case 8:
		if (!keyword(&c, "weight-column") ||
		    !column_line(&c, &h->weight, h->indices))
			return corrupted(r, "weight-column NAME|-");
		return 0;
	default:
		if (!keyword(&c, "epoch-column") ||
		    !column_line(&c, &h->epoch_col, h->indices))
			return corrupted(r, "epoch-column NAME|-");
		return 0;
	}
}

int
state_read_header(struct state_reader *r)
{
	struct cursor c;
	uint64_t version;
	int st;

	forget_state(r);
	if ((st = next_line(r)) <= 0) {
		if (st == 0 && r->lineno == 0) {
			diag_at(r->name, 1,
				"empty input, expected an rmsetab state");
			return -1;
		}
		return st;
	}
	r->first_line = r->lineno;
	c = fields(r);
	if (!keyword(&c, STATE_MAGIC)) {
		char found[DIAG_QUOTE_SIZE];

		diag_at(r->name, r->lineno,
			"not an rmsetab state: expected '%s %d', found '%s'",
			STATE_MAGIC, STATE_VERSION,
			diag_quote(found, sizeof found, r->line, r->line_len));
		return -1;
	}
	if (!field_u64(&c, &version) || !at_end(&c))
		return corrupted(r, "rmsetab-state 1");
	if (version != STATE_VERSION) {
		diag_at(r->name, r->lineno,
			"state format version %" PRIu64
			": this rmsetab reads version %d",
			version, STATE_VERSION);
		return -1;
	}
	if (st == 2) {
		diag_at(r->name, r->lineno,
			"truncated state: it ends before its 'end' line");
		return -1;
	}
	r->hash = state_hash(STATE_HASH_BASIS, r->line, r->line_len);
	r->hash = state_hash(r->hash, "\n", 1);
	r->rows = 0;
	for (int i = 0; i < STATE_HEADER_LINES; i++) {
		if ((i > 0 && state_line(r, NULL) != 0) ||
		    (r->raw[i] = strndup(r->line, r->line_len)) == NULL)
			return -1;
		if (i > 0 && header_line(r, i) != 0)
			return -1;
	}
	state_config(&r->h, &r->sc);
	return 1;
}

/* A line "WORD HI LO EXP" into X. */
static int
sum_line(struct state_reader *r, const char *word, struct xdd *x)
{
	struct cursor c;
	char expected[64];

	snprintf(expected, sizeof expected, "%s HI LO EXP", word);
	if (state_line(r, NULL) != 0)
		return -1;
	c = fields(r);
	if (!keyword(&c, word) || !field_xdd(&c, x) || !at_end(&c))
		return corrupted(r, expected);
	return 0;
}

/* The lines of the sums of bias, max_error and r2 into S, when the
 * state's -c has them. */
static int
read_extra(struct state_reader *r, struct metric_sums *s)
{
	const struct metric_config *cfg = &r->sc.sums;
	struct cursor c;

	if (cfg->bias && sum_line(r, "bias", &s->x->bias) != 0)
		return -1;
	if (cfg->max_error) {
		if (state_line(r, NULL) != 0)
			return -1;
		c = fields(r);
		if (!keyword(&c, "max-error") ||
		    !field_double(&c, &s->x->max_error) || !at_end(&c) ||
		    !(s->x->max_error >= 0.0))
			return corrupted(r, "max-error X");
	}
	for (size_t j = 0; cfg->spread && j < cfg->pairs; j++) {
		struct metric_spread sp = {0};
		uint64_t n;
		char expected[64];

		snprintf(expected, sizeof expected, "spread %zu K MEAN M2",
			 j + 1);
		if (state_line(r, NULL) != 0)
			return -1;
		c = fields(r);
		if (!keyword(&c, "spread") || !field_u64(&c, &n) ||
		    n != j + 1 || !field_double(&c, &sp.k) ||
		    !field_xdd(&c, &sp.m) || !field_xdd(&c, &sp.m2) ||
		    !at_end(&c) || !isfinite(sp.k) || !(sp.m2.v.hi >= 0.0))
			return corrupted(r, expected);
		metric_spread_set(s, j, &sp, s->weight);
	}
	return 0;
}

/* The lines from "rows" on: the sums of an epoch or of the whole state,
 * into S (made empty with the state's configuration). */
static int
read_sums(struct state_reader *r, struct metric_sums *s, uint64_t *rows,
	  uint64_t *rows_line)
{
	const struct metric_config *cfg = &r->sc.sums;
	struct cursor c;

	if (state_line(r, NULL) != 0)
		return -1;
	*rows_line = r->lineno;
	c = fields(r);
	if (!keyword(&c, "rows") || !field_u64(&c, rows) || !at_end(&c) ||
	    *rows == 0)
		return corrupted(r, "rows N");
	s->rows = *rows;
	if (sum_line(r, "sq", &s->sq) != 0 ||
	    sum_line(r, "weight", &s->weight) != 0 ||
	    (cfg->abs && sum_line(r, "abs", &s->abs) != 0) ||
	    (cfg->row_loss && sum_line(r, "row-loss", &s->row_loss) != 0))
		return -1;
	for (size_t j = 0; cfg->per_output && j < cfg->pairs; j++) {
		char word[32];

		snprintf(word, sizeof word, "output %zu", j + 1);
		if (sum_line(r, word, &s->out[j]) != 0)
			return -1;
	}
	return read_extra(r, s);
}

/* The row and batch lines of an epoch's segment S. */
static int
read_batches(struct state_reader *r, struct state_segment *s)
{
	const struct state_segment_config *sc = &r->sc;
	size_t known = state_segment_known_rows(sc, s->rows);
	struct cursor c;

	for (size_t i = 0; i < known; i++) {
		struct metric_row *row = &s->known[i];

		if (state_line(r, NULL) != 0)
			return -1;
		c = fields(r);
		if (!keyword(&c, "row") || !field_xdd(&c, &row->sq) ||
		    !field_xdd(&c, &row->weight) ||
		    (sc->batch.row_loss && !field_xdd(&c, &row->row_loss)) ||
		    !at_end(&c))
			return corrupted(r, sc->batch.row_loss
						    ? "row SQ WEIGHT ROW-LOSS"
						    : "row SQ WEIGHT");
	}
	for (size_t a = 0; state_segment_is_long(sc, s) && a < sc->batch_size;
	     a++) {
		uint64_t got, whole = (s->rows - a) / sc->batch_size;
		char expected[64];

		snprintf(expected, sizeof expected, "batch %zu RMSE%s", a,
			 sc->batch.row_loss ? " ROW-LOSS" : "");
		if (state_line(r, NULL) != 0)
			return -1;
		c = fields(r);
		if (!keyword(&c, "batch") || !field_u64(&c, &got) || got != a ||
		    !field_xdd(&c, &s->rmse[a].total) ||
		    (sc->batch.row_loss &&
		     !field_xdd(&c, &s->row_loss[a].total)) ||
		    !at_end(&c))
			return corrupted(r, expected);
		s->rmse[a].rows = whole * sc->batch_size;
		if (sc->batch.row_loss)
			s->row_loss[a].rows = whole * sc->batch_size;
	}
	return 0;
}

/* The total and the end line, once "total" was read. */
static int
read_end(struct state_reader *r)
{
	uint64_t rows, rows_line, before, sum = 0;
	struct cursor c;
	const char *s;
	size_t n;

	if (metric_sums_init(&r->total, &r->sc.sums) != 0) {
		diag("%s: out of memory", r->name);
		return -1;
	}
	if (r->rows == 0) {
		diag_at(r->name, r->lineno,
			"corrupted state: it holds no epoch");
		return -1;
	}
	if (read_sums(r, &r->total, &rows, &rows_line) != 0)
		return -1;
	if (rows != r->rows) {
		diag_at(r->name, rows_line,
			"corrupted state: its total has %" PRIu64
			" rows, its epochs %" PRIu64,
			rows, r->rows);
		return -1;
	}
	if (state_line(r, &before) != 0)
		return -1;
	c = fields(r);
	if (!keyword(&c, "end") || !token(&c, &s, &n) || n != 16 || !at_end(&c))
		return corrupted(r, "end CHECKSUM");
	for (size_t i = 0; i < n; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return corrupted(r, "end CHECKSUM");
		sum = sum * 16 + (uint64_t)d;
	}
	if (sum != before) {
		diag_at(r->name, r->lineno,
			"corrupted state: checksum %016" PRIx64
			" does not match its lines (%016" PRIx64 ")",
			sum, before);
		return -1;
	}
	return 0;
}

int
state_read_epoch(struct state_reader *r, struct state_epoch *e)
{
	struct cursor c;
	uint64_t rows, rows_line;

	memset(e, 0, sizeof *e);
	if (state_line(r, NULL) != 0)
		return -1;
	c = fields(r);
	if (keyword(&c, "total") && at_end(&c))
		return read_end(r) == 0 ? 0 : -1;
	c = fields(r);
	e->line = r->lineno;
	if (!keyword(&c, "epoch") ||
	    (r->h.epoch_col != NULL
		     ? !field_text(&c, &e->key, &e->key_len)
		     : !field_u64(&c, &e->number) || e->number == 0) ||
	    !at_end(&c))
		return corrupted(r, r->h.epoch_col != NULL
					    ? "epoch \"VALUE\"' or 'total"
					    : "epoch NUMBER' or 'total");
	if (state_segment_init(&r->sc, &e->seg) != 0) {
		diag("%s: out of memory", r->name);
		return -1;
	}
	if (read_sums(r, &e->seg.sums, &rows, &rows_line) != 0)
		return -1;
	e->seg.rows = rows;
	if (state_segment_alloc(&r->sc, &e->seg) != 0) {
		diag("%s: out of memory", r->name);
		return -1;
	}
	if (read_batches(r, &e->seg) != 0)
		return -1;
	if (r->rows + rows < rows) {
		diag_at(r->name, e->line, "corrupted state: too many rows");
		return -1;
	}
	r->rows += rows;
	return 1;
}
