/* diag.c: messages on standard error, all in the form "rmsetab: FILE:LINE:
 * ...". */
#include "diag.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

/* Set once by main.  Static here rather than passed along, since every
 * module reports errors and none should have to know of the display. */
static void (*hook)(void *);
static void *hook_ctx;

void
diag_set_hook(void (*fn)(void *ctx), void *ctx)
{
	hook = fn;
	hook_ctx = ctx;
}

static void
before_message(void)
{
	if (hook != NULL)
		hook(hook_ctx);
}

void
diag(const char *fmt, ...)
{
	va_list ap;

	before_message();
	va_start(ap, fmt);
	fputs("rmsetab: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void
diag_at(const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	before_message();
	va_start(ap, fmt);
	fprintf(stderr, "rmsetab: %s:%" PRIu64 ": ", file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

char *
diag_quote(char *buf, size_t size, const char *text, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	/* Keep room for the longest escape (4 bytes), "..." and the NUL. */
	size_t room = size - 8, o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (o >= room) {
			buf[o++] = '.';
			buf[o++] = '.';
			buf[o++] = '.';
			break;
		}
		if (c == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else if (c == '\r') {
			buf[o++] = '\\';
			buf[o++] = 'r';
		} else if (c == '\t') {
			buf[o++] = '\\';
			buf[o++] = 't';
		} else if (c == '\\') {
			buf[o++] = '\\';
			buf[o++] = '\\';
		} else if (c < 0x20 || c == 0x7f) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o] = '\0';
	return buf;
}
