/* test_scan: the structural scan (read_scan.c) against a loop over bytes
 * and against read_csv_split's own count of records, in both builds (AVX2
 * where this processor has it, and SSE2, which the dispatch falls back
 * to), called directly so that each is tested whatever the dispatch
 * would choose:
 *
 * - every byte value (each class: the delimiter, CR, LF, quote, NUL,
 *   bytes above 127, the rest) at every offset of three 64-byte words
 *   (so on both sides of each 16- and 32-byte half the builds compare),
 *   in a text that ends there or goes on, with four delimiters;
 * - CR, LF, CRLF and blank lines on both sides of every word boundary;
 * - random texts of every length up to 300 bytes, also placed at the very
 *   end of a page followed by one that cannot be read (the last word is
 *   read from a copy, never past the text). */
#include "read_csv.h"
#include "read_scan.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

enum { TEXT_MAX = 4096 };

/* The scan. */

/* The masks and records of TEXT as a loop over bytes has them. */
static void
scan_bytes(const char *text, size_t len, unsigned char delim, uint64_t *mask,
	   struct read_scan *r)
{
	bool prev_end = true;

	memset(mask, 0, read_scan_words(len) * sizeof *mask);
	r->records = 0;
	r->quote = false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		bool end = c == '\n' || c == '\r';

		if (end || c == delim)
			mask[i / 64] |= UINT64_C(1) << (i % 64);
		if (end && !prev_end)
			r->records++;
		r->quote |= c == '"';
		prev_end = end;
	}
	if (len > 0 && !prev_end)
		r->records++;
}

static int
count_record(void *ctx, const struct read_csv_record *rec)
{
	(void)rec;
	++*(uint64_t *)ctx;
	return 0;
}

/* Records as read_csv_split counts them, in text without quotes. */
static uint64_t
split_records(const char *text, size_t len, unsigned char delim)
{
	struct read_csv c;
	uint64_t n = 0;
	size_t used;

	read_csv_init(&c, "", delim, 1, count_record, &n);
	read_csv_split(&c, text, len, true, &used);
	read_csv_free(&c);
	return n;
}

/* Random text of LEN bytes, mostly from a CSV's alphabet. */
static void
random_text(char *text, size_t len, bool quotes)
{
	static const char alphabet[] = "0123456789.,,,;-e\n\n\r\"ab ";

	for (size_t i = 0; i < len; i++) {
		text[i] = alphabet[rng_below(sizeof alphabet - 1)];
		if (!quotes && text[i] == '"')
			text[i] = '7';
		if (rng_below(50) == 0)
			text[i] = (char)rng_below(256);
	}
}

static void
check_scan(const char *what, const char *text, size_t len, unsigned char delim)
{
	uint64_t want[TEXT_MAX / 64 + 1], got[TEXT_MAX / 64 + 1];
	struct read_scan rw, rg;
	size_t words = read_scan_words(len);

	scan_bytes(text, len, delim, want, &rw);
	for (int build = 0; build < 2; build++) {
		if (build == 1 && !read_scan_has_avx2())
			break;
		/* Nothing left from the build before can pass. */
		memset(got, 0xa5, sizeof got);
		rg = (struct read_scan){.records = UINT64_MAX,
					.quote = !rw.quote};
		(build ? read_scan_avx2 : read_scan_portable)(text, len, delim,
							      got, &rg);
		for (size_t w = 0; w < words; w++)
			if (!CHECK_U64(got[w], want[w]))
				printf("  %s, %s build, %zu bytes, word %zu\n",
				       what, build ? "AVX2" : "SSE2", len, w);
		CHECK_U64(rg.records, rw.records);
		CHECK_INT(rg.quote, rw.quote);
	}
	if (!rw.quote)
		CHECK_U64(rw.records, split_records(text, len, delim));
}

static void
test_scan(char *page, size_t page_size)
{
	char text[TEXT_MAX];

	rng_state = 1;
	for (size_t len = 0; len <= 300; len++) {
		for (int k = 0; k < 20; k++) {
			unsigned char delim = k % 3 ? ',' : ';';

			random_text(text, len, k % 4 == 0);
			check_scan("random", text, len, delim);
			/* At the end of a page: no byte after it is read. */
			memcpy(page + page_size - len, text, len);
			check_scan("page end", page + page_size - len, len,
				   delim);
		}
	}
	/* Line ends on both sides of every word boundary. */
	for (size_t at = 0; at < 200; at++) {
		static const char *const ends[] = {"\r\n", "\n\n", "\r\r",
						   "\n\r", "\r\n\r\n"};

		for (size_t e = 0; e < sizeof ends / sizeof ends[0]; e++) {
			size_t n = strlen(ends[e]);

			memset(text, '1', 256);
			text[3] = ',';
			memcpy(text + at, ends[e], n);
			check_scan("line ends", text, 256, ',');
			check_scan("line ends at the end", text, at + n, ',');
		}
	}
}

/* Each byte value at each offset of 192 bytes of digits, in a text that
 * ends right after it, one byte later, or 192 bytes on. */
static void
test_byte_classes(void)
{
	static const unsigned char delims[] = {',', ';', '\t', '|'};
	char text[256];

	for (size_t d = 0; d < sizeof delims; d++) {
		for (unsigned c = 0; c < 256; c++) {
			for (size_t at = 0; at < 192; at++) {
				memset(text, '5', sizeof text);
				text[at] = (char)c;
				check_scan("byte class", text, at + 1,
					   delims[d]);
				check_scan("byte class", text, at + 2,
					   delims[d]);
				check_scan("byte class", text, 192, delims[d]);
			}
		}
	}
}

int
main(void)
{
	long ps = sysconf(_SC_PAGESIZE);
	size_t page_size = ps > 0 ? (size_t)ps : 4096;
	char *pages = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (pages == MAP_FAILED ||
	    mprotect(pages + page_size, page_size, PROT_NONE) != 0) {
		perror("test_scan: mmap");
		return 1;
	}
	printf("test_scan: AVX2 build %s\n",
	       read_scan_has_avx2() ? "tested" : "not run (no AVX2 here)");
	test_byte_classes();
	test_scan(pages, page_size);
	return check_finish("test_scan");
}
