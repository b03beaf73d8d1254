/* csvin.c: CSV records with their physical line numbers.
 *
 * Input with no quote character takes a fast path: the records are split
 * where they lie in the read buffer, with nothing copied.  From the first
 * block that holds a quote to the end of the file, libcsv parses: it copies
 * each field out of its own buffer, and knows nothing of lines, so they are
 * counted from the terminators it reports (CSV_REPALL_NL makes it report
 * every one, blank lines and the LF of CRLF included) and from the newlines
 * inside quoted fields.  Both paths follow the same rules: CR, LF and CRLF
 * end a record, blank lines hold none, nothing is trimmed. */
#include "csvin.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"

enum { BLOCK_SIZE = 1 << 20 };

struct reader {
	const char *name;
	const struct csvin_handler *h;
	unsigned char delim;
	uint64_t line; /* physical line of the next byte to be handed out */
	bool last_cr;  /* the last terminator was CR: an LF now ends CRLF */
	bool stop;

	/* The record being handed out. */
	size_t nfields, fields_cap;
	const char **field;
	size_t *len;
	uint64_t *line_of;

	/* libcsv reuses its field buffer, so its fields are copied here. */
	char *text;
	size_t text_used, text_cap;
	size_t *offset;
};

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

static int
grow_fields(struct reader *r)
{
	void **arrays[] = {(void **)&r->field, (void **)&r->len,
			   (void **)&r->line_of, (void **)&r->offset};
	const size_t sizes[] = {sizeof *r->field, sizeof *r->len,
				sizeof *r->line_of, sizeof *r->offset};
	size_t need = r->nfields + 1, cap = 0;

	if (need <= r->fields_cap)
		return 0;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		cap = r->fields_cap;
		if (grow(arrays[i], &cap, need, sizes[i]) != 0)
			return -1;
	}
	r->fields_cap = cap;
	return 0;
}

/* Hands the record in r->field to the handler; false when reading must
 * stop. */
static bool
emit(struct reader *r)
{
	struct csvin_record rec = {r->nfields, r->field, r->len, r->line_of};

	r->nfields = 0;
	if (r->h->record(r->h->ctx, &rec) != 0)
		r->stop = true;
	return !r->stop;
}

static bool
add_field(struct reader *r, const char *s, size_t len)
{
	if (r->nfields == r->fields_cap && grow_fields(r) != 0) {
		diag("%s: out of memory", r->name);
		r->stop = true;
		return false;
	}
	r->field[r->nfields] = s;
	r->len[r->nfields] = len;
	r->line_of[r->nfields] = r->line;
	r->nfields++;
	return true;
}

/* The fast path: hands out every record that ends in BUF[0..LEN), and at
 * EOF the unterminated one too.  Returns the bytes used. */
static size_t
fast_records(struct reader *r, const char *buf, size_t len, bool eof)
{
	bool special[256] = {false};
	size_t pos = 0;

	special['\n'] = special['\r'] = special[r->delim] = true;
	while (pos < len) {
		size_t start = pos, field = pos;

		r->nfields = 0;
		for (;;) {
			unsigned char c;

			while (pos < len && !special[(unsigned char)buf[pos]])
				pos++;
			if (pos == len) {
				if (!eof)
					return start;
				if (add_field(r, buf + field, pos - field))
					emit(r);
				return len;
			}
			c = (unsigned char)buf[pos++];
			if (c == r->delim) {
				if (!add_field(r, buf + field, pos - 1 - field))
					return len;
				field = pos;
				continue;
			}
			if (c == '\n' && r->last_cr && pos - 1 == start) {
				r->last_cr = false; /* the LF of a CRLF */
				break;
			}
			r->last_cr = c == '\r';
			if (pos - 1 > start || r->nfields > 0) {
				if (!add_field(r, buf + field, pos - 1 - field) ||
				    !emit(r))
					return len;
			}
			r->line++;
			break;
		}
	}
	return pos;
}

static void
libcsv_field(void *data, size_t len, void *ctx)
{
	struct reader *r = ctx;
	const char *s = data;

	if (r->stop)
		return;
	r->last_cr = false;
	if (grow((void **)&r->text, &r->text_cap, r->text_used + len + 1, 1)) {
		diag("%s: out of memory", r->name);
		r->stop = true;
		return;
	}
	if (!add_field(r, NULL, len))
		return;
	if (len > 0)
		memcpy(r->text + r->text_used, s, len);
	r->text[r->text_used + len] = '\0';
	r->offset[r->nfields - 1] = r->text_used;
	r->text_used += len + 1;
	for (const char *nl = s;
	     len > 0 && (nl = memchr(nl, '\n', len - (size_t)(nl - s))) != NULL;
	     nl++)
		r->line++;
}

static void
libcsv_record(int c, void *ctx)
{
	struct reader *r = ctx;

	if (r->stop)
		return;
	if (c == '\n' && r->last_cr && r->nfields == 0) {
		r->last_cr = false;
		return;
	}
	r->last_cr = c == '\r';
	if (r->nfields > 0) {
		for (size_t i = 0; i < r->nfields; i++)
			r->field[i] = r->text + r->offset[i];
		r->text_used = 0;
		emit(r);
	}
	if (c != -1)
		r->line++;
}

static int
no_space(unsigned char c)
{
	(void)c;
	return 0; /* libcsv trims blanks by default; a field is what it says */
}

/* Reports libcsv's strict-mode error at the byte it stopped on. */
static void
parse_error(struct reader *r, struct csv_parser *p, unsigned char bad)
{
	char q[DIAG_QUOTE_SIZE];
	const char *partial = (const char *)p->entry_buf;
	size_t plen = p->entry_pos;
	uint64_t line = r->line;

	for (size_t i = 0; i < plen; i++)
		line += partial[i] == '\n';
	if (p->quoted)
		diag_at(r->name, line,
			"column %zu: '%s' after the closing quote of a quoted "
			"field",
			r->nfields + 1,
			diag_quote(q, sizeof q, (char *)&bad, 1));
	else
		diag_at(r->name, line,
			"column %zu: quote inside an unquoted field '%s\"'",
			r->nfields + 1, diag_quote(q, sizeof q, partial, plen));
}

/* Feeds LEN bytes to libcsv; false after an error. */
static bool
libcsv_feed(struct reader *r, struct csv_parser *p, const char *data,
	    size_t len)
{
	size_t done = csv_parse(p, data, len, libcsv_field, libcsv_record, r);

	if (r->stop)
		return false;
	if (done != len) {
		if (csv_error(p) == CSV_EPARSE)
			parse_error(r, p, (unsigned char)data[done]);
		else
			diag_at(r->name, r->line, "%s",
				csv_strerror(csv_error(p)));
		return false;
	}
	return true;
}

int
csvin_read(int fd, const char *name, unsigned char delim,
	   const struct csvin_handler *h)
{
	static const char bom[3] = "\xef\xbb\xbf";
	struct reader r = {.name = name, .h = h, .delim = delim, .line = 1};
	struct csv_parser p;
	char *buf = NULL;
	size_t cap = BLOCK_SIZE, have = 0, skip = 0;
	bool fast = true, bom_checked = false, eof = false;
	int status = -1;

	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
		diag("%s: out of memory", name);
		return -1;
	}
	csv_set_delim(&p, delim);
	csv_set_space_func(&p, no_space);
	if ((buf = malloc(cap)) == NULL) {
		diag("%s: out of memory", name);
		goto out;
	}
	while (!eof) {
		ssize_t n = read(fd, buf + have, cap - have);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			diag("%s: %s", name, strerror(errno));
			goto out;
		}
		eof = n == 0;
		have += (size_t)n;
		if (!bom_checked) {
			/* A byte order mark is skipped, even one that arrives
			 * a byte at a time through a pipe. */
			if (!eof && have < 3 && memcmp(buf, bom, have) == 0)
				continue;
			bom_checked = true;
			skip = have >= 3 && memcmp(buf, bom, 3) == 0 ? 3 : 0;
		}
		if (fast && memchr(buf + skip, '"', have - skip) != NULL)
			fast = false;
		if (fast) {
			size_t used = skip + fast_records(&r, buf + skip,
							  have - skip, eof);

			if (r.stop)
				goto out;
			memmove(buf, buf + used, have - used);
			have -= used;
			/* A record longer than the buffer: make room. */
			if (have == cap) {
				char *more = realloc(buf, 2 * cap);

				if (more == NULL) {
					diag("%s: out of memory", name);
					goto out;
				}
				buf = more;
				cap *= 2;
			}
		} else {
			if (!libcsv_feed(&r, &p, buf + skip, have - skip))
				goto out;
			have = 0;
		}
		skip = 0;
		if (h->idle != NULL && h->idle(h->ctx) != 0)
			goto out;
	}
	if (!fast && csv_fini(&p, libcsv_field, libcsv_record, &r) != 0) {
		diag_at(name, r.line, "column %zu: unterminated quoted field",
			r.nfields + 1);
		goto out;
	}
	status = r.stop ? -1 : 0;
out:
	csv_free(&p);
	free(buf);
	free(r.text);
	free(r.offset);
	free(r.len);
	free(r.line_of);
	free(r.field);
	return status;
}
