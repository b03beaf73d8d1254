/* read_csv.h: CSV records and the physical line of each of their fields, from
 * a fast splitter for text without quotes or from libcsv for the rest. */
#ifndef RMSETAB_READ_CSV_H
#define RMSETAB_READ_CSV_H

#include <csv.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The longest record read, its fields and delimiters without the line end
 * or the quotes of quoted fields, and the most fields a record may have:
 * bounds on the memory one record takes, since a file without line ends
 * would otherwise be read whole, and a line of commas costs more memory as
 * fields than as text.  A record beyond either is an error. */
enum { READ_CSV_RECORD_MAX = 64 << 20, READ_CSV_FIELDS_MAX = 1 << 20 };
#define READ_CSV_LONG "record longer than 64 MiB"
#define READ_CSV_WIDE "record with more than 1048576 fields"

struct read_csv_record {
	size_t nfields;
	const char *const *field; /* not NUL-terminated: use len */
	const size_t *len;
	const uint64_t *line; /* physical line on which each field starts */
};

/* Called for each record, blank lines aside; nonzero stops. */
typedef int (*read_csv_record_fn)(void *ctx, const struct read_csv_record *rec);

/* Where a reader stands, and room for the record it hands out. */
struct read_csv {
	const char *name; /* for messages */
	unsigned char delim;
	uint64_t line; /* physical line of the next byte */
	bool last_cr;  /* the last terminator was CR: an LF now ends CRLF */
	bool stop;     /* a handler, or an error, ended the reading */

	/* The reader's own error (READ_CSV_LONG, READ_CSV_WIDE, out of memory)
	 * and the line where its record starts. */
	const char *error;
	uint64_t error_line;

	read_csv_record_fn fn;
	void *ctx;

	size_t nfields, fields_cap;
	const char **field;
	size_t *len;
	uint64_t *line_of;
	size_t *offset;

	/* libcsv's side: it reuses its field buffer, so fields are copied. */
	struct csv_parser parser;
	bool parser_ready;
	char *text;
	size_t text_used, text_cap;
};

/* Starts a reader of the file NAME at physical line LINE. */
void read_csv_init(struct read_csv *c, const char *name, unsigned char delim,
		   uint64_t line, read_csv_record_fn fn, void *ctx);

void read_csv_free(struct read_csv *c);

enum read_csv_split_status {
	READ_CSV_SPLIT_DONE,  /* every record in the text was handed out */
	READ_CSV_SPLIT_QUOTE, /* stopped before the record that holds a quote */
	READ_CSV_SPLIT_STOP,  /* the handler stopped */
	READ_CSV_SPLIT_ERROR  /* c->error, not yet reported */
};

/* The fast path, for text that has no quote: hands out each record that
 * ends in TEXT[0..LEN), and with FINAL the unterminated last one too.  Sets
 * *USED to the bytes taken: up to the end of the last record handed out.
 * Meets a quote only to stop: such text is libcsv's.  A record too long
 * (even an unterminated one) or too wide is an error. */
enum read_csv_split_status read_csv_split(struct read_csv *c, const char *text,
					  size_t len, bool final, size_t *used);

/* libcsv's path: feed the text in order from a record boundary to the end,
 * then finish.  Each returns 0, or -1 once an error is reported (or the
 * handler stopped); a record too long or too wide is one. */
int read_csv_libcsv_feed(struct read_csv *c, const char *text, size_t len);
int read_csv_libcsv_finish(struct read_csv *c);

#endif
