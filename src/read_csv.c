/* read_csv.c: CSV records with their physical line numbers, two ways.
 *
 * Text with no quote character is split where it lies, with nothing copied:
 * that is most CSV that holds numbers, and it is fast.  libcsv parses the
 * rest; it knows nothing of lines, so they are counted from the terminators
 * it reports (CSV_REPALL_NL makes it report every one, blank lines and the
 * LF of CRLF included) and from the newlines inside quoted fields.  Both
 * follow the same rules: CR, LF and CRLF end a record, blank lines hold
 * none, nothing is trimmed. */
#include "read_csv.h"

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "diag.h"

enum { FEED_PIECE = 1 << 20 };

void
read_csv_init(struct read_csv *c, const char *name, unsigned char delim,
	      uint64_t line, read_csv_record_fn fn, void *ctx)
{
	memset(c, 0, sizeof *c);
	c->name = name;
	c->delim = delim;
	c->line = line;
	c->fn = fn;
	c->ctx = ctx;
}

void
read_csv_free(struct read_csv *c)
{
	if (c->parser_ready)
		csv_free(&c->parser);
	free(c->field);
	free(c->len);
	free(c->line_of);
	free(c->offset);
	free(c->text);
}

static int
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	size_t cap2 = *cap ? *cap : 64;
	void *q;

	while (cap2 < need)
		cap2 *= 2;
	if (cap2 == *cap)
		return 0;
	q = realloc(*p, cap2 * elem);
	if (q == NULL)
		return -1;
	*p = q;
	*cap = cap2;
	return 0;
}

/* The line on which the record being read starts. */
static uint64_t
record_line(const struct read_csv *c)
{
	return c->nfields > 0 ? c->line_of[0] : c->line;
}

/* Ends the reading with the reader's own error MSG. */
static void
fail(struct read_csv *c, const char *msg)
{
	c->error = msg;
	c->error_line = record_line(c);
	c->stop = true;
}

static bool
add_field(struct read_csv *c, const char *s, size_t len)
{
	if (c->nfields == READ_CSV_FIELDS_MAX) {
		fail(c, READ_CSV_WIDE);
		return false;
	}
	if (c->nfields == c->fields_cap) {
		void **arrays[] = {(void **)&c->field, (void **)&c->len,
				   (void **)&c->line_of, (void **)&c->offset};
		const size_t sizes[] = {sizeof *c->field, sizeof *c->len,
					sizeof *c->line_of, sizeof *c->offset};
		size_t cap = 0;

		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			cap = c->fields_cap;
			if (grow(arrays[i], &cap, c->nfields + 1, sizes[i])) {
				fail(c, "out of memory");
				return false;
			}
		}
		c->fields_cap = cap;
	}
	c->field[c->nfields] = s;
	c->len[c->nfields] = len;
	c->line_of[c->nfields] = c->line;
	c->nfields++;
	return true;
}

/* Hands the record in c->field to the handler; false once reading must
 * stop. */
static bool
emit(struct read_csv *c)
{
	struct read_csv_record rec = {c->nfields, c->field, c->len, c->line_of};

	c->nfields = 0;
	if (c->fn(c->ctx, &rec) != 0)
		c->stop = true;
	return !c->stop;
}

/* The position of the first byte at or after POS that is the delimiter, a
 * quote, CR or LF; LEN if none.  Sixteen bytes at a time where SSE2 is
 * there (every x86-64), since fields of numbers are short and many. */
static inline size_t
next_special(const char *text, size_t pos, size_t len, const bool *special,
	     unsigned char delim)
{
#ifdef __SSE2__
	const __m128i d = _mm_set1_epi8((char)delim), q = _mm_set1_epi8('"'),
		      cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');

	for (; pos + 16 <= len; pos += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(text + pos));
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d),
							_mm_cmpeq_epi8(v, q)),
					   _mm_or_si128(_mm_cmpeq_epi8(v, cr),
							_mm_cmpeq_epi8(v, lf)));
		unsigned mask = (unsigned)_mm_movemask_epi8(hit);

		if (mask != 0)
			return pos + (size_t)__builtin_ctz(mask);
	}
#else
	(void)delim;
#endif
	while (pos < len && !special[(unsigned char)text[pos]])
		pos++;
	return pos;
}

enum read_csv_split_status
read_csv_split(struct read_csv *c, const char *text, size_t len, bool final,
	       size_t *used)
{
	bool special[256] = {false};
	size_t pos = 0;

	special['\n'] = special['\r'] = special['"'] = true;
	special[c->delim] = true;
	*used = 0;
	while (pos < len) {
		size_t start = pos, field = pos;
		unsigned char ch;

		c->nfields = 0;
		for (;;) {
			pos = next_special(text, pos, len, special, c->delim);
			if (pos == len) {
				if (len - start > READ_CSV_RECORD_MAX) {
					fail(c, READ_CSV_LONG);
					return READ_CSV_SPLIT_ERROR;
				}
				if (!final)
					return READ_CSV_SPLIT_DONE;
				if (!add_field(c, text + field, pos - field))
					return READ_CSV_SPLIT_ERROR;
				/* Taken before it is handed out, as every
				 * record is: a handler that stops here must
				 * not leave it to be read again. */
				*used = len;
				if (!emit(c))
					return READ_CSV_SPLIT_STOP;
				return READ_CSV_SPLIT_DONE;
			}
			ch = (unsigned char)text[pos++];
			if (ch == c->delim) {
				if (!add_field(c, text + field,
					       pos - 1 - field))
					return READ_CSV_SPLIT_ERROR;
				field = pos;
				continue;
			}
			break;
		}
		if (ch == '"') {
			c->nfields = 0;
			return READ_CSV_SPLIT_QUOTE;
		}
		if (pos - 1 - start > READ_CSV_RECORD_MAX) {
			fail(c, READ_CSV_LONG);
			return READ_CSV_SPLIT_ERROR;
		}
		if (ch == '\n' && c->last_cr && pos - 1 == start) {
			c->last_cr = false; /* the LF of a CRLF */
			*used = pos;
			continue;
		}
		c->last_cr = ch == '\r';
		if (pos - 1 > start || c->nfields > 0) {
			if (!add_field(c, text + field, pos - 1 - field))
				return READ_CSV_SPLIT_ERROR;
			c->line++;
			*used = pos;
			/* The record's fields keep the line it started on. */
			if (!emit(c))
				return READ_CSV_SPLIT_STOP;
			continue;
		}
		c->line++;
		*used = pos;
	}
	return READ_CSV_SPLIT_DONE;
}

static void
libcsv_field(void *data, size_t len, void *ctx)
{
	struct read_csv *c = ctx;
	const char *s = data;

	if (c->stop)
		return;
	/* text_used holds the fields so far and a byte a delimiter. */
	if (c->text_used + len > READ_CSV_RECORD_MAX) {
		fail(c, READ_CSV_LONG);
		return;
	}
	c->last_cr = false;
	if (grow((void **)&c->text, &c->text_cap, c->text_used + len + 1, 1)) {
		fail(c, "out of memory");
		return;
	}
	if (!add_field(c, NULL, len))
		return;
	if (len > 0)
		memcpy(c->text + c->text_used, s, len);
	c->text[c->text_used + len] = '\0';
	c->offset[c->nfields - 1] = c->text_used;
	c->text_used += len + 1;
	for (const char *nl = s;
	     len > 0 && (nl = memchr(nl, '\n', len - (size_t)(nl - s))) != NULL;
	     nl++)
		c->line++;
}

static void
libcsv_record(int ch, void *ctx)
{
	struct read_csv *c = ctx;

	if (c->stop)
		return;
	if (ch == '\n' && c->last_cr && c->nfields == 0) {
		c->last_cr = false;
		return;
	}
	c->last_cr = ch == '\r';
	if (ch != -1)
		c->line++;
	if (c->nfields > 0) {
		for (size_t i = 0; i < c->nfields; i++)
			c->field[i] = c->text + c->offset[i];
		c->text_used = 0;
		emit(c);
	}
}

static int
no_space(unsigned char ch)
{
	(void)ch;
	return 0; /* libcsv trims blanks by default; a field is what it says */
}

/* Reports libcsv's strict-mode error at the byte it stopped on. */
static void
parse_error(struct read_csv *c, unsigned char bad)
{
	char q[DIAG_QUOTE_SIZE];
	const char *partial = (const char *)c->parser.entry_buf;
	size_t plen = c->parser.entry_pos;
	uint64_t line = c->line;

	for (size_t i = 0; i < plen; i++)
		line += partial[i] == '\n';
	if (c->parser.quoted)
		diag_at(c->name, line,
			"column %zu: '%s' after the closing quote of a quoted "
			"field",
			c->nfields + 1,
			diag_quote(q, sizeof q, (char *)&bad, 1));
	else
		diag_at(c->name, line,
			"column %zu: quote inside an unquoted field '%s\"'",
			c->nfields + 1, diag_quote(q, sizeof q, partial, plen));
}

/* -1, after reporting the reader's own error; a handler that stopped the
 * reading has reported its own. */
static int
stopped(const struct read_csv *c)
{
	if (c->error != NULL)
		diag_at(c->name, c->error_line, "%s", c->error);
	return -1;
}

int
read_csv_libcsv_feed(struct read_csv *c, const char *text, size_t len)
{
	size_t done;

	if (!c->parser_ready) {
		if (csv_init(&c->parser, CSV_STRICT | CSV_STRICT_FINI |
						 CSV_REPALL_NL) != 0) {
			diag("%s: out of memory", c->name);
			return -1;
		}
		csv_set_delim(&c->parser, c->delim);
		csv_set_space_func(&c->parser, no_space);
		c->parser_ready = true;
		c->nfields = 0;
	}
	/* In pieces, so that libcsv holds little more than READ_CSV_RECORD_MAX
	 * of a record when it is found too long. */
	while (len > 0) {
		size_t piece = len < FEED_PIECE ? len : FEED_PIECE;
		size_t held = c->parser.entry_size;

		/* libcsv grows its field buffer by a fixed step (128 bytes):
		 * where realloc copies, a long field took time quadratic in its
		 * length.  Doubling keeps it linear. */
		csv_set_blk_size(&c->parser,
				 held > FEED_PIECE ? held : FEED_PIECE);
		done = csv_parse(&c->parser, text, piece, libcsv_field,
				 libcsv_record, c);
		/* The record read so far, its last field unfinished. */
		if (!c->stop &&
		    c->text_used + c->parser.entry_pos > READ_CSV_RECORD_MAX)
			fail(c, READ_CSV_LONG);
		if (c->stop)
			return stopped(c);
		if (done != piece) {
			if (csv_error(&c->parser) == CSV_EPARSE)
				parse_error(c, (unsigned char)text[done]);
			else
				diag_at(c->name, c->line, "%s",
					csv_strerror(csv_error(&c->parser)));
			return -1;
		}
		text += piece;
		len -= piece;
	}
	return 0;
}

int
read_csv_libcsv_finish(struct read_csv *c)
{
	if (!c->parser_ready)
		return 0;
	if (csv_fini(&c->parser, libcsv_field, libcsv_record, c) != 0) {
		diag_at(c->name, c->line,
			"column %zu: unterminated quoted field",
			c->nfields + 1);
		return -1;
	}
	return c->stop ? stopped(c) : 0;
}
