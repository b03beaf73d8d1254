/* state_read.c: saved states read back, as state.c describes them, each
 * line checked, so that damage is found and named with its line: the
 * header, then the epochs one at a time, then the checksum.  Every value is
 * checked too, whatever the checksum says (state.c says why).
 *
 * The reader holds one line at a time (at most STATE_LINE_MAX bytes) and
 * looks at each byte once, so that its memory is bounded and its time
 * linear in the size of the input, whatever the input is. */
#include "state_read.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"

/* Bytes asked of read(2) at a time; the first line of a state is short
 * ("rmsetab-state 2"), so that what is not a state is found at once. */
enum { READ_CHUNK = 1 << 16, MAGIC_LINE_MAX = 64 };

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
	free(r->options);
	free(r->run);
	free(r->sources);
	r->options = r->run = NULL;
	r->sources = NULL;
	r->options_len = r->nsources = r->sources_cap = 0;
	memset(&r->part, 0, sizeof r->part);
	r->epochs = 0;
	r->groups = 0;
	r->all_rows = r->group_rows = 0;
	for (size_t i = 0; i < r->ntally; i++)
		free(r->tally[i].key);
	free(r->tally);
	r->tally = NULL;
	r->ntally = r->tally_cap = 0;
	r->tally_sorted = false;
}

void
state_reader_free(struct state_reader *r)
{
	forget_state(r);
	free(r->buf);
	r->buf = NULL;
}

static int
out_of_memory(const struct state_reader *r)
{
	diag("%s: out of memory", r->name);
	return -1;
}

/* The next line into r->line: 1, or 2 when it is the last and has no line
 * end; 0 at the end of the input; -1 after reporting a read error; -2,
 * not reported, when it is longer than MAX bytes (r->line then holds its
 * first MAX bytes, and r->lineno is the line before). */
static int
next_line(struct state_reader *r, size_t max)
{
	for (;;) {
		char *nl = r->scan < r->len ? memchr(r->buf + r->scan, '\n',
						     r->len - r->scan)
					    : NULL;
		size_t end = nl != NULL ? (size_t)(nl - r->buf) : r->len;
		ssize_t n;

		r->scan = end;
		if (end - r->start > max) {
			r->line = r->buf + r->start;
			r->line_len = max;
			return -2;
		}
		if (nl != NULL || (r->eof && r->start < r->len)) {
			r->line = r->buf + r->start;
			r->line_len = end - r->start;
			r->line[r->line_len] = '\0';
			r->start = r->scan = nl != NULL ? end + 1 : end;
			r->lineno++;
			return nl != NULL ? 1 : 2;
		}
		if (r->eof)
			return 0;
		/* The line so far to the front, then room for a read: the
		 * buffer holds at most a line and a read. */
		if (r->cap - r->len < READ_CHUNK && r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->len - r->start);
			r->len -= r->start;
			r->scan -= r->start;
			r->start = 0;
		}
		if (r->cap - r->len < READ_CHUNK) {
			size_t cap = r->cap ? r->cap * 2 : 2 * READ_CHUNK;
			char *more = realloc(r->buf, cap + 1);

			if (more == NULL)
				return out_of_memory(r);
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
 * input ends first or the line is too long. */
static int
state_line(struct state_reader *r, uint64_t *hash_before)
{
	int st = next_line(r, STATE_LINE_MAX);

	if (st == -2) {
		diag_at(r->name, r->lineno + 1,
			"corrupted state: a line longer than 1 MiB (%d bytes), "
			"which no state has",
			STATE_LINE_MAX);
		return -1;
	}
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

/* The current line holds a value that no state can hold: WHY. */
static int
bad_value(struct state_reader *r, const char *why)
{
	char found[DIAG_QUOTE_SIZE];

	diag_at(r->name, r->lineno, "corrupted state: %s: found '%s'", why,
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

/* A count, in canonical decimal, of at most MAX. */
static bool
field_u64(struct cursor *c, uint64_t *v, uint64_t max)
{
	const char *s;
	size_t n;

	if (!token(c, &s, &n) || !digits(s, n))
		return false;
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (*v > (max - d) / 10)
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

static int
hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
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

enum text { TEXT_OK, TEXT_BAD, TEXT_NUL, TEXT_OOM };

/* Quoted text, its escapes undone, into *OUT (malloc'd, NUL added, as long
 * as it is).  Control bytes must be escaped; a NUL byte is in no name or
 * epoch value (the CSV reader refuses them). */
static enum text
field_text(struct cursor *c, char **out, size_t *len)
{
	const char *p;
	size_t n = 0;
	char *t;

	if (c->end - c->p < 3 || c->p[0] != ' ' || c->p[1] != '"')
		return TEXT_BAD;
	/* First its length, and whether it is well formed. */
	for (p = c->p + 2; p < c->end && *p != '"'; n++) {
		unsigned char ch = (unsigned char)*p++;

		if (ch < 0x20 || ch == 0x7f)
			return TEXT_BAD;
		if (ch != '\\')
			continue;
		if (p == c->end)
			return TEXT_BAD;
		ch = (unsigned char)*p++;
		if (ch == 'x') {
			if (c->end - p < 2 || hex_digit(p[0]) < 0 ||
			    hex_digit(p[1]) < 0)
				return TEXT_BAD;
			if (p[0] == '0' && p[1] == '0')
				return TEXT_NUL;
			p += 2;
		} else if (strchr("\"\\nrt", ch) == NULL || ch == '\0') {
			return TEXT_BAD;
		}
	}
	if (p == c->end)
		return TEXT_BAD;
	if ((t = malloc(n + 1)) == NULL)
		return TEXT_OOM;
	n = 0;
	for (p = c->p + 2; *p != '"'; n++) {
		char ch = *p++;

		if (ch == '\\') {
			ch = *p++;
			if (ch == 'n')
				ch = '\n';
			else if (ch == 'r')
				ch = '\r';
			else if (ch == 't')
				ch = '\t';
			else if (ch == 'x') {
				ch = (char)(hex_digit(p[0]) * 16 +
					    hex_digit(p[1]));
				p += 2;
			}
		}
		t[n] = ch;
	}
	t[n] = '\0';
	c->p = p + 1;
	*out = t;
	*len = n;
	return TEXT_OK;
}

static int
nul_byte(struct state_reader *r)
{
	return bad_value(r, "a NUL byte (\\x00) in quoted text, which no "
			    "column name, epoch value or group key holds");
}

/* A quoted text field that must be there: 0, or -1 after reporting what is
 * wrong (EXPECTED names the line). */
static int
text_or_report(struct state_reader *r, struct cursor *c, char **out,
	       size_t *len, const char *expected)
{
	enum text st = field_text(c, out, len);

	if (st == TEXT_OK)
		return 0;
	if (st == TEXT_OOM)
		return out_of_memory(r);
	if (st == TEXT_NUL)
		return nul_byte(r);
	return corrupted(r, expected);
}

/* A column name: quoted text, or a bare column number with -n; "-" for
 * none when NONE_OK.  *INDEX says which kind it was.  0, or -1 after
 * reporting. */
static int
field_name(struct state_reader *r, struct cursor *c, char **out, bool *index,
	   bool none_ok, const char *expected)
{
	const char *s;
	size_t n;
	uint64_t v;

	if (c->end - c->p >= 2 && c->p[0] == ' ' && c->p[1] == '"') {
		*index = false;
		if (text_or_report(r, c, out, &n, expected) != 0)
			return -1;
		if (n == 0) {
			free(*out);
			*out = NULL;
			return corrupted(r, expected);
		}
		return 0;
	}
	*index = true;
	if (!token(c, &s, &n))
		return corrupted(r, expected);
	if (none_ok && n == 1 && s[0] == '-') {
		*out = NULL;
		return 0;
	}
	c->p = s - 1;
	if (!field_u64(c, &v, STATE_COLUMN_MAX) || v == 0)
		return corrupted(r, expected);
	if ((*out = strndup(s, n)) == NULL)
		return out_of_memory(r);
	return 0;
}

/* Pair line J of a state, in r->line. */
static int
pair_line(struct state_reader *r, size_t j)
{
	static const char expected[] = "pair TRUE PRED";
	struct state_header *h = &r->h;
	struct cursor c = fields(r);
	bool index, index2;

	if (!keyword(&c, "pair"))
		return corrupted(r, expected);
	if (field_name(r, &c, &h->true_names[j], &index, false, expected) !=
		    0 ||
	    field_name(r, &c, &h->pred_names[j], &index2, false, expected) != 0)
		return -1;
	if (j == 0)
		h->indices = index;
	if (index != h->indices || index2 != h->indices || !at_end(&c))
		return corrupted(r, expected);
	return 0;
}

/* "weight-column" or "epoch-column" (WORD), in r->line. */
static int
column_line(struct state_reader *r, const char *word, char **out)
{
	char expected[64];
	struct cursor c = fields(r);
	bool index = r->h.indices;

	snprintf(expected, sizeof expected, "%s NAME|-", word);
	if (!keyword(&c, word))
		return corrupted(r, expected);
	if (field_name(r, &c, out, &index, true, expected) != 0)
		return -1;
	if ((*out != NULL && index != r->h.indices) || !at_end(&c))
		return corrupted(r, expected);
	return 0;
}

/* "group-columns NAME..." (version 3), in r->line: one name or more. */
static int
group_columns_line(struct state_reader *r)
{
	static const char expected[] = "group-columns NAME...";
	struct state_header *h = &r->h;
	struct cursor c = fields(r);
	size_t cap = 0;

	if (!keyword(&c, "group-columns") || at_end(&c))
		return corrupted(r, expected);
	while (!at_end(&c)) {
		bool index = h->indices;

		if (h->ngroup_cols == cap) {
			size_t more = cap ? 2 * cap : 4;
			char **v = realloc(h->group_names, more * sizeof *v);

			if (v == NULL)
				return out_of_memory(r);
			h->group_names = v;
			cap = more;
		}
		if (field_name(r, &c, &h->group_names[h->ngroup_cols], &index,
			       false, expected) != 0)
			return -1;
		h->ngroup_cols++;
		if (index != h->indices)
			return corrupted(r, expected);
	}
	return 0;
}

/* Header line I (1..5) of a state, in r->line. */
static int
option_line(struct state_reader *r, int i)
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
		if (!keyword(&c, "batch-size") ||
		    !field_u64(&c, &n, SIZE_MAX) || !at_end(&c) || n == 0)
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
	default:
		if (!keyword(&c, "pairs") ||
		    !field_u64(&c, &n, STATE_PAIRS_MAX) || !at_end(&c) ||
		    n == 0)
			return corrupted(r, "pairs N");
		h->pairs = (size_t)n;
		h->true_names = calloc(h->pairs, sizeof *h->true_names);
		h->pred_names = calloc(h->pairs, sizeof *h->pred_names);
		if (h->true_names == NULL || h->pred_names == NULL)
			return out_of_memory(r);
		return 0;
	}
}

/* Keeps the current line as one of the options, which the states merged
 * must share. */
static int
keep_option(struct state_reader *r, size_t *cap)
{
	size_t need = r->options_len + r->line_len + 1;

	if (need > *cap) {
		size_t more = *cap ? *cap * 2 : 1024;
		char *p;

		while (more < need)
			more *= 2;
		if ((p = realloc(r->options, more)) == NULL)
			return out_of_memory(r);
		r->options = p;
		*cap = more;
	}
	memcpy(r->options + r->options_len, r->line, r->line_len);
	r->options[r->options_len + r->line_len] = '\n';
	r->options_len = need;
	return 0;
}

/* The line "part -" or "part FIRST LAST N RUN". */
static int
part_line(struct state_reader *r)
{
	static const char expected[] = "part FIRST LAST N RUN' or 'part -";
	struct state_part *p = &r->part;
	struct cursor c = fields(r);
	size_t len;

	memset(p, 0, sizeof *p);
	r->part_line = r->lineno;
	if (!keyword(&c, "part"))
		return corrupted(r, expected);
	if (keyword(&c, " -") && at_end(&c))
		return 0;
	if (!field_u64(&c, &p->first, UINT64_MAX) ||
	    !field_u64(&c, &p->last, UINT64_MAX) ||
	    !field_u64(&c, &p->of, UINT64_MAX) || p->first == 0 ||
	    p->first > p->last || p->last > p->of)
		return corrupted(r, expected);
	if (keyword(&c, " -")) {
		p->run = NULL;
	} else {
		if (text_or_report(r, &c, &r->run, &len, expected) != 0)
			return -1;
		if (len == 0 || len > STATE_RUN_MAX)
			return corrupted(r, expected);
		p->run = r->run;
		p->run_len = len;
	}
	return at_end(&c) ? 0 : corrupted(r, expected);
}

/* A "source ID" line, in r->line: 1, or 0 when the line is not one (it is
 * the first of the epochs). */
static int
source_line(struct state_reader *r)
{
	struct cursor c = fields(r);
	struct state_id id;
	const char *s;
	size_t n;

	if (!keyword(&c, "source"))
		return 0;
	if (!token(&c, &s, &n) || n != 2 * STATE_ID_BYTES || !at_end(&c))
		return corrupted(r, "source ID");
	for (size_t i = 0; i < n; i += 2) {
		int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);

		if (hi < 0 || lo < 0)
			return corrupted(r, "source ID");
		id.b[i / 2] = (unsigned char)(hi * 16 + lo);
	}
	if (r->nsources == r->sources_cap) {
		size_t cap = r->sources_cap ? 2 * r->sources_cap : 4;
		struct state_id *v = realloc(r->sources, cap * sizeof *v);

		if (v == NULL)
			return out_of_memory(r);
		r->sources = v;
		r->sources_cap = cap;
	}
	if (r->nsources == 0)
		r->sources_line = r->lineno;
	r->sources[r->nsources++] = id;
	return 1;
}

/* The first line of a state, in r->line (ST from next_line). */
static int
magic_line(struct state_reader *r, int st)
{
	char found[DIAG_QUOTE_SIZE];
	struct cursor c = fields(r);
	uint64_t version;

	if (st == -2 || !keyword(&c, STATE_MAGIC)) {
		diag_at(r->name, r->lineno + (st == -2),
			"not an rmsetab state: expected '%s %d' or '%s %d', "
			"found '%s'",
			STATE_MAGIC, STATE_VERSION_UNGROUPED, STATE_MAGIC,
			STATE_VERSION,
			diag_quote(found, sizeof found, r->line, r->line_len));
		return -1;
	}
	if (!field_u64(&c, &version, UINT64_MAX) || !at_end(&c))
		return corrupted(r, "rmsetab-state 3");
	if (version == 1) {
		diag_at(r->name, r->lineno,
			"state format version 1: this rmsetab reads versions "
			"%d and %d; save the state again from its input with "
			"this rmsetab",
			STATE_VERSION_UNGROUPED, STATE_VERSION);
		return -1;
	}
	if (version != STATE_VERSION && version != STATE_VERSION_UNGROUPED) {
		diag_at(r->name, r->lineno,
			"state format version %" PRIu64
			": this rmsetab reads versions %d and %d",
			version, STATE_VERSION_UNGROUPED, STATE_VERSION);
		return -1;
	}
	r->version = version;
	if (st == 2) {
		diag_at(r->name, r->lineno,
			"truncated state: it ends before its 'end' line");
		return -1;
	}
	return 0;
}

int
state_read_header(struct state_reader *r)
{
	size_t cap = 0;
	int st;

	forget_state(r);
	st = next_line(r, MAGIC_LINE_MAX);
	if (st == 0 && r->lineno == 0) {
		diag_at(r->name, 1, "empty input, expected an rmsetab state");
		return -1;
	}
	if (st == 0 || st == -1)
		return st;
	r->first_line = r->lineno + (st == -2);
	if (magic_line(r, st) != 0)
		return -1;
	r->hash = state_hash(STATE_HASH_BASIS, r->line, r->line_len);
	r->hash = state_hash(r->hash, "\n", 1);
	for (int i = 1; i <= 5; i++)
		if (state_line(r, NULL) != 0 || keep_option(r, &cap) != 0 ||
		    option_line(r, i) != 0)
			return -1;
	for (size_t j = 0; j < r->h.pairs; j++)
		if (state_line(r, NULL) != 0 || keep_option(r, &cap) != 0 ||
		    pair_line(r, j) != 0)
			return -1;
	if (state_line(r, NULL) != 0 || keep_option(r, &cap) != 0 ||
	    column_line(r, "weight-column", &r->h.weight) != 0 ||
	    state_line(r, NULL) != 0 || keep_option(r, &cap) != 0 ||
	    column_line(r, "epoch-column", &r->h.epoch_col) != 0)
		return -1;
	/* Version 3 has groups, version 2 none. */
	if (r->version == STATE_VERSION &&
	    (state_line(r, NULL) != 0 || keep_option(r, &cap) != 0 ||
	     group_columns_line(r) != 0))
		return -1;
	if (state_line(r, NULL) != 0 || part_line(r) != 0)
		return -1;
	do {
		if (state_line(r, &r->pending_hash) != 0 ||
		    (st = source_line(r)) < 0)
			return -1;
	} while (st == 1);
	if (r->nsources == 0)
		return corrupted(r, "source ID");
	r->pending = true;
	state_config(&r->h, &r->sc);
	return 1;
}

/* Whether X is a sum that a state may hold: 0, or -1 after reporting
 * it; NaN only with NAN_OK. */
static int
check_sum(struct state_reader *r, struct xdd x, bool nan_ok)
{
	const char *why = state_sum_error(x, nan_ok);

	return why == NULL ? 0 : bad_value(r, why);
}

/* Without a weight column every weight is 1: *W must be N exactly (the
 * sums of up to 2^64 ones are exact). */
static int
check_unweighted(struct state_reader *r, struct xdd w, uint64_t n)
{
	struct dd d = dd_from_u64(n);
	char why[96];

	if (r->h.weight != NULL ||
	    (w.exp == 0 && w.v.hi == d.hi && w.v.lo == d.lo))
		return 0;
	snprintf(why, sizeof why,
		 "without a weight column, the weight is the number of rows, "
		 "%" PRIu64,
		 n);
	return bad_value(r, why);
}

/* Where the weights add up to 0, so do the weighted errors. */
static int
check_zero(struct state_reader *r, struct xdd w, struct xdd x)
{
	if (w.v.hi != 0.0 || x.v.hi == 0.0)
		return 0;
	return bad_value(r, "the weights add up to 0 but a weighted sum "
			    "does not");
}

/* A line "WORD HI LO EXP" into X, where the weights add up to WEIGHT
 * (NULL: this is the weight). */
static int
sum_line(struct state_reader *r, const char *word, struct xdd *x,
	 const struct xdd *weight)
{
	struct cursor c;
	char expected[64];

	snprintf(expected, sizeof expected, "%s HI LO EXP", word);
	if (state_line(r, NULL) != 0)
		return -1;
	c = fields(r);
	if (!keyword(&c, word) || !field_xdd(&c, x) || !at_end(&c))
		return corrupted(r, expected);
	if (check_sum(r, *x, false) != 0 ||
	    (weight != NULL && check_zero(r, *weight, *x) != 0))
		return -1;
	return 0;
}

/* Whether X, a sum of terms of either sign, is one that a state may hold,
 * and 0 where the weights add up to 0 (WEIGHT): 0, or -1 after reporting
 * it. */
static int
check_signed(struct state_reader *r, struct xdd x, struct xdd weight)
{
	const char *why = state_signed_sum_error(x);

	if (why != NULL)
		return bad_value(r, why);
	return check_zero(r, weight, x);
}

/* The max-error line into *X: a largest |p - t|, not NaN (infinite where
 * p - t is beyond the largest double), 0 where no row weighs more than 0,
 * and where it is 0 so are the squared errors. */
static int
max_error_line(struct state_reader *r, const struct metric_sums *s, double *x)
{
	struct cursor c;

	if (state_line(r, NULL) != 0)
		return -1;
	c = fields(r);
	if (!keyword(&c, "max-error") || !field_double(&c, x) || !at_end(&c))
		return corrupted(r, "max-error X");
	if (!(*x >= 0.0))
		return bad_value(r, "the max error must be 0 or more");
	if (s->weight.v.hi == 0.0 && *x != 0.0)
		return bad_value(r, "the weights add up to 0 but the max error "
				    "is not 0");
	if (*x == 0.0 && s->sq.v.hi != 0.0)
		return bad_value(r, "the max error is 0 but the squared errors "
				    "add up to more");
	return 0;
}

/* Output J's spread line into SP: K a finite double, the double nearest
 * the mean K + M (so M within an ulp of K), M2 a sum; where the weights
 * add up to 0, all 0. */
static int
spread_line(struct state_reader *r, const struct metric_sums *s, size_t j,
	    struct metric_spread *sp)
{
	struct cursor c;
	uint64_t n;
	char expected[64];
	double ulp;

	snprintf(expected, sizeof expected, "spread %zu K HI LO EXP HI LO EXP",
		 j + 1);
	if (state_line(r, NULL) != 0)
		return -1;
	c = fields(r);
	if (!keyword(&c, "spread") || !field_u64(&c, &n, UINT64_MAX) ||
	    n != j + 1 || !field_double(&c, &sp->k) || !field_xdd(&c, &sp->m) ||
	    !field_xdd(&c, &sp->m2) || !at_end(&c))
		return corrupted(r, expected);
	if (!isfinite(sp->k))
		return bad_value(r, "the mean K must be finite");
	if (check_signed(r, sp->m, s->weight) != 0 ||
	    check_sum(r, sp->m2, false) != 0 ||
	    check_zero(r, s->weight, sp->m2) != 0)
		return -1;
	if (s->weight.v.hi == 0.0 && sp->k != 0.0)
		return bad_value(r, "the weights add up to 0 but the mean K "
				    "is not 0");
	ulp = nextafter(fabs(sp->k), INFINITY) - fabs(sp->k);
	if (!(fabs(xdd_signed_value(sp->m)) <= ulp))
		return bad_value(r, "K is not the double nearest the mean: "
				    "the rest is more than an ulp of K");
	return 0;
}

/* The lines of the sums of bias, max_error and r2 into S, when the
 * state's -c has them. */
static int
read_extra(struct state_reader *r, struct metric_sums *s)
{
	const struct metric_config *cfg = &r->sc.sums;

	if (cfg->bias) {
		struct cursor c;

		if (state_line(r, NULL) != 0)
			return -1;
		c = fields(r);
		if (!keyword(&c, "bias") || !field_xdd(&c, &s->x->bias) ||
		    !at_end(&c))
			return corrupted(r, "bias HI LO EXP");
		if (check_signed(r, s->x->bias, s->weight) != 0)
			return -1;
	}
	if (cfg->max_error && max_error_line(r, s, &s->x->max_error) != 0)
		return -1;
	for (size_t j = 0; cfg->spread && j < cfg->pairs; j++) {
		struct metric_spread sp = {0};

		if (spread_line(r, s, j, &sp) != 0)
			return -1;
		metric_spread_set(s, j, &sp, s->weight);
	}
	return 0;
}

/* An epoch of no rows (every row of its file skipped) weighs 0, and so,
 * by check_zero, are all its sums. */
static int
check_empty(struct state_reader *r, const struct metric_sums *s)
{
	if (s->rows != 0 || s->weight.v.hi == 0.0)
		return 0;
	return bad_value(r, "an epoch of 0 rows has weights adding up to "
			    "more than 0");
}

/* The lines from "rows" on: the sums of an epoch, into S (made empty with
 * the state's configuration).  Only an epoch of all the rows may have 0:
 * a group's has 1 at least, which bounds how many groups there are. */
static int
read_sums(struct state_reader *r, struct metric_sums *s, bool of_group)
{
	const struct metric_config *cfg = &r->sc.sums;
	struct cursor c;

	if (state_line(r, NULL) != 0)
		return -1;
	c = fields(r);
	if (!keyword(&c, "rows") || !field_u64(&c, &s->rows, UINT64_MAX) ||
	    !at_end(&c))
		return corrupted(r, "rows N");
	if (of_group && s->rows == 0)
		return bad_value(r, "a group's epoch holds 1 row at least");
	if (sum_line(r, "sq", &s->sq, NULL) != 0 ||
	    sum_line(r, "weight", &s->weight, NULL) != 0 ||
	    check_unweighted(r, s->weight, s->rows) != 0 ||
	    check_empty(r, s) != 0 || check_zero(r, s->weight, s->sq) != 0 ||
	    (cfg->abs && sum_line(r, "abs", &s->abs, &s->weight) != 0) ||
	    (cfg->row_loss &&
	     sum_line(r, "row-loss", &s->row_loss, &s->weight) != 0))
		return -1;
	for (size_t j = 0; cfg->per_output && j < cfg->pairs; j++) {
		char word[32];

		snprintf(word, sizeof word, "output %zu", j + 1);
		if (sum_line(r, word, &s->out[j], &s->weight) != 0)
			return -1;
	}
	return read_extra(r, s);
}

/* A row line into ROW. */
static int
row_line(struct state_reader *r, struct metric_row *row)
{
	const struct state_segment_config *sc = &r->sc;
	struct cursor c = fields(r);

	if (!keyword(&c, "row") || !field_xdd(&c, &row->sq) ||
	    !field_xdd(&c, &row->weight) ||
	    (sc->batch.row_loss && !field_xdd(&c, &row->row_loss)) ||
	    !at_end(&c))
		return corrupted(r, sc->batch.row_loss
					    ? "row SQ WEIGHT ROW-LOSS"
					    : "row SQ WEIGHT");
	if (check_sum(r, row->sq, false) != 0 ||
	    check_sum(r, row->weight, false) != 0 ||
	    (sc->batch.row_loss && check_sum(r, row->row_loss, false) != 0) ||
	    check_unweighted(r, row->weight, 1) != 0 ||
	    check_zero(r, row->weight, row->sq) != 0 ||
	    (sc->batch.row_loss &&
	     check_zero(r, row->weight, row->row_loss) != 0))
		return -1;
	return 0;
}

/* The row and batch lines of an epoch's segment S. */
static int
read_batches(struct state_reader *r, struct state_segment *s)
{
	const struct state_segment_config *sc = &r->sc;
	size_t known = state_segment_known_rows(sc, s->rows);
	struct cursor c;

	for (size_t i = 0; i < known; i++)
		if (state_line(r, NULL) != 0 || row_line(r, &s->known[i]) != 0)
			return -1;
	for (size_t a = 0; state_segment_is_long(sc, s) && a < sc->batch_size;
	     a++) {
		uint64_t got, whole = (s->rows - a) / sc->batch_size;
		char expected[64];

		snprintf(expected, sizeof expected, "batch %zu RMSE%s", a,
			 sc->batch.row_loss ? " ROW-LOSS" : "");
		if (state_line(r, NULL) != 0)
			return -1;
		c = fields(r);
		if (!keyword(&c, "batch") || !field_u64(&c, &got, UINT64_MAX) ||
		    got != a || !field_xdd(&c, &s->rmse[a].total) ||
		    (sc->batch.row_loss &&
		     !field_xdd(&c, &s->row_loss[a].total)) ||
		    !at_end(&c))
			return corrupted(r, expected);
		if (check_sum(r, s->rmse[a].total, true) != 0 ||
		    (sc->batch.row_loss &&
		     check_sum(r, s->row_loss[a].total, true) != 0))
			return -1;
		s->rmse[a].rows = whole * sc->batch_size;
		if (sc->batch.row_loss)
			s->row_loss[a].rows = whole * sc->batch_size;
	}
	return 0;
}

/* The end line, in r->line; HASH is that of the lines before. */
static int
read_end(struct state_reader *r, uint64_t hash)
{
	struct cursor c = fields(r);
	uint64_t sum = 0;
	const char *s;
	size_t n;

	/* Epochs are files, and every file is one, rows or not; with -e,
	 * the values of the rows: none where every row was skipped. */
	if (r->epochs == 0 && r->h.epoch_col == NULL) {
		diag_at(r->name, r->lineno,
			"corrupted state: it holds no epoch");
		return -1;
	}
	/* No group, only where no row was kept (all skipped). */
	if (r->h.ngroup_cols > 0 && r->groups == 0 && r->all_rows > 0) {
		diag_at(r->name, r->lineno,
			"corrupted state: it has group columns but holds no "
			"group");
		return -1;
	}
	if (r->groups > 0 && r->group_rows != r->all_rows) {
		diag_at(r->name, r->lineno,
			"corrupted state: its groups hold %" PRIu64
			" rows, but all its rows are %" PRIu64,
			r->group_rows, r->all_rows);
		return -1;
	}
	if (!keyword(&c, "end") || !token(&c, &s, &n) || n != 16 || !at_end(&c))
		return corrupted(r, "end CHECKSUM");
	for (size_t i = 0; i < n; i++) {
		int d = hex_digit(s[i]);

		if (d < 0)
			return corrupted(r, "end CHECKSUM");
		sum = sum * 16 + (uint64_t)d;
	}
	if (sum != hash) {
		diag_at(r->name, r->lineno,
			"corrupted state: checksum %016" PRIx64
			" does not match its lines (%016" PRIx64 ")",
			sum, hash);
		return -1;
	}
	return 0;
}

/* What the line of an epoch should have been, in a message: in a state
 * with group columns a group may come instead, but not right after one
 * (AFTER_GROUP). */
static const char *
epoch_expected(const struct state_reader *r, bool after_group)
{
	bool keyed = r->h.epoch_col != NULL;

	if (after_group)
		return keyed ? "epoch \"VALUE\"" : "epoch NUMBER";
	if (r->h.ngroup_cols > 0)
		return keyed ? "epoch \"VALUE\"', 'group \"KEY\"' or 'end"
			     : "epoch NUMBER', 'group \"KEY\"' or 'end";
	return keyed ? "epoch \"VALUE\"' or 'end" : "epoch NUMBER' or 'end";
}

/* A group line, in r->line, its keyword read (C): a new group, whose key
 * goes to E, and the line after it read, which must be its first epoch. */
static int
group_line(struct state_reader *r, struct cursor *c, struct state_epoch *e)
{
	static const char expected[] = "group \"KEY\"";

	if (r->epochs == 0)
		return corrupted(r, epoch_expected(r, true));
	if (text_or_report(r, c, &e->group_key, &e->group_len, expected) != 0)
		return -1;
	if (!at_end(c))
		return corrupted(r, expected);
	e->group_line = r->lineno;
	r->groups++;
	if (state_line(r, NULL) != 0)
		return -1;
	*c = fields(r);
	if (!keyword(c, "epoch"))
		return corrupted(r, epoch_expected(r, true));
	return 0;
}

static int
tally_cmp(const void *a, const void *b)
{
	const struct state_tally *x = a, *y = b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = n > 0 ? memcmp(x->key, y->key, n) : 0;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	if (c != 0)
		return c;
	return x->key_len < y->key_len ? -1 : x->key_len > y->key_len;
}

/* Epoch E of all the rows, in the tally. */
static int
tally_add(struct state_reader *r, const struct state_epoch *e)
{
	struct state_tally *t;

	if (r->ntally == r->tally_cap) {
		size_t cap = r->tally_cap ? 2 * r->tally_cap : 16;

		t = realloc(r->tally, cap * sizeof *t);
		if (t == NULL)
			return out_of_memory(r);
		r->tally = t;
		r->tally_cap = cap;
	}
	t = &r->tally[r->ntally];
	memset(t, 0, sizeof *t);
	t->number = e->number;
	t->rows = e->seg.rows;
	if (e->key != NULL) {
		if ((t->key = malloc(e->key_len + 1)) == NULL)
			return out_of_memory(r);
		memcpy(t->key, e->key, e->key_len);
		t->key_len = e->key_len;
	}
	r->ntally++;
	return 0;
}

/* The tally sorted, the rows of epochs of one number or key (a key may
 * come back) added into one. */
static void
tally_sort(struct state_reader *r)
{
	size_t n = 0;

	if (r->ntally > 0)
		qsort(r->tally, r->ntally, sizeof *r->tally, tally_cmp);
	for (size_t i = 0; i < r->ntally; i++) {
		if (n > 0 && tally_cmp(&r->tally[n - 1], &r->tally[i]) == 0) {
			/* Within all_rows, which did not wrap. */
			r->tally[n - 1].rows += r->tally[i].rows;
			free(r->tally[i].key);
		} else {
			r->tally[n++] = r->tally[i];
		}
	}
	r->ntally = n;
	r->tally_sorted = true;
}

/* A group's epoch E: one of all the rows has its number (or key), and the
 * groups' rows of it stay within that epoch's rows (their sum, at the
 * end, comes to all the rows: so each epoch's comes to its own). */
static int
tally_group(struct state_reader *r, const struct state_epoch *e)
{
	struct state_tally want = {
		.number = e->number, .key = e->key, .key_len = e->key_len};
	struct state_tally *t;
	char q[DIAG_QUOTE_SIZE], name[DIAG_QUOTE_SIZE + 2];

	if (!r->tally_sorted)
		tally_sort(r);
	if (e->key != NULL)
		snprintf(name, sizeof name, "\"%s\"",
			 diag_quote(q, sizeof q, e->key, e->key_len));
	else
		snprintf(name, sizeof name, "%" PRIu64, e->number);
	t = r->ntally == 0
		    ? NULL
		    : bsearch(&want, r->tally, r->ntally, sizeof *t, tally_cmp);
	if (t == NULL) {
		diag_at(r->name, e->line,
			"corrupted state: this group has an epoch %s, but all "
			"its rows have none",
			name);
		return -1;
	}
	t->group_rows += e->seg.rows; /* within group_rows: no wrap */
	if (t->group_rows > t->rows) {
		diag_at(r->name, e->line + 1,
			"corrupted state: its groups hold more rows of epoch "
			"%s than all its rows, %" PRIu64,
			name, t->rows);
		return -1;
	}
	return 0;
}

/* The rows of an epoch just read, E, added up: those of the groups must
 * stay within those of all the rows, which bounds how many groups there
 * are, and so must those of each epoch. */
static int
count_rows(struct state_reader *r, const struct state_epoch *e)
{
	uint64_t *sum = r->groups > 0 ? &r->group_rows : &r->all_rows;
	char why[160];

	if (*sum + e->seg.rows < *sum) {
		snprintf(why, sizeof why,
			 "the rows of its epochs add up to more than %" PRIu64,
			 UINT64_MAX);
		return bad_value(r, why);
	}
	*sum += e->seg.rows;
	if (r->groups > 0 && r->group_rows > r->all_rows) {
		diag_at(r->name, e->line + 1,
			"corrupted state: its groups hold more rows than all "
			"its rows, %" PRIu64,
			r->all_rows);
		return -1;
	}
	if (r->h.ngroup_cols == 0)
		return 0;
	return r->groups == 0 ? tally_add(r, e) : tally_group(r, e);
}

int
state_read_epoch(struct state_reader *r, struct state_epoch *e)
{
	struct cursor c;
	uint64_t before = r->hash;
	enum text st = TEXT_BAD;
	bool is_epoch, after_group = false;

	memset(e, 0, sizeof *e);
	if (r->pending) {
		/* The line after the sources, read and hashed already. */
		r->pending = false;
		before = r->pending_hash;
	} else if (state_line(r, &before) != 0) {
		return -1;
	}
	c = fields(r);
	if (keyword(&c, "end"))
		return read_end(r, before) == 0 ? 0 : -1;
	if (r->h.ngroup_cols > 0 && keyword(&c, "group")) {
		if (group_line(r, &c, e) != 0)
			return -1;
		after_group = is_epoch = true;
	} else {
		is_epoch = keyword(&c, "epoch");
	}
	e->group = r->groups;
	e->line = r->lineno;
	if (is_epoch) {
		if (r->h.epoch_col == NULL) {
			if (field_u64(&c, &e->number, UINT64_MAX) &&
			    e->number > 0)
				st = TEXT_OK;
		} else {
			st = field_text(&c, &e->key, &e->key_len);
		}
	}
	if (st == TEXT_OOM)
		return out_of_memory(r);
	if (st == TEXT_NUL)
		return nul_byte(r);
	if (st != TEXT_OK || !at_end(&c))
		return corrupted(r, epoch_expected(r, after_group));
	if (state_segment_init(&r->sc, &e->seg) != 0)
		return out_of_memory(r);
	if (read_sums(r, &e->seg.sums, r->groups > 0) != 0)
		return -1;
	e->seg.rows = e->seg.sums.rows;
	if (state_segment_alloc(&r->sc, &e->seg) != 0)
		return out_of_memory(r);
	if (read_batches(r, &e->seg) != 0 || count_rows(r, e) != 0)
		return -1;
	r->epochs++;
	return 1;
}
