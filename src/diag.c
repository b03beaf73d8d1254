/* diag.c: messages on standard error, all in the form "rmsetab: FILE:LINE:
 * ...". */
#include "diag.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "width.h"

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

size_t
diag_utf8_len(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;

	if (len == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	n = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	/* The second byte's range rules out overlong forms, surrogates and
	 * code points beyond U+10FFFF (RFC 3629, section 4). */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/* Whether C is in one of the N ranges R, which are in order. */
static bool
in_ranges(uint32_t c, const uint32_t (*r)[2], size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c < r[mid][0])
			hi = mid;
		else if (c > r[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

static size_t
code_width(uint32_t c)
{
	if (in_ranges(c, width_none, sizeof width_none / sizeof width_none[0]))
		return 0;
	if (in_ranges(c, width_two, sizeof width_two / sizeof width_two[0]))
		return 2;
	return 1;
}

size_t
diag_text_width(const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t w = 0, n;

	for (size_t i = 0; i < len; i += n) {
		uint32_t c;

		n = diag_utf8_len(text + i, len - i);
		if (n <= 1) {
			w++;
			n = 1;
			continue;
		}
		c = s[i] & (0x7f >> n);
		for (size_t k = 1; k < n; k++)
			c = c << 6 | (s[i + k] & 0x3f);
		w += code_width(c);
	}
	return w;
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
		} else if (c < 0x20 || c == 0x7f ||
			   (c >= 0x80 &&
			    diag_utf8_len(text + i, len - i) == 0)) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		} else {
			/* A whole UTF-8 character, or none of it. */
			size_t n =
				c < 0x80 ? 1 : diag_utf8_len(text + i, len - i);

			if (o + n > room) {
				buf[o++] = '.';
				buf[o++] = '.';
				buf[o++] = '.';
				break;
			}
			memcpy(buf + o, text + i, n);
			o += n;
			i += n - 1;
		}
	}
	buf[o] = '\0';
	return buf;
}

char *
diag_shell(char *buf, size_t size, const char *text, size_t len)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_-.,/:=+@%";
	char *shown = malloc(4 * len + 8);
	size_t o = 0;
	bool quote = len == 0, plain_text = true;

	if (shown == NULL || size < 8) {
		if (size > 0)
			*buf = '\0';
		free(shown);
		return buf;
	}
	/* Text that diag_quote would change is shown as it shows it. */
	for (size_t i = 0, k; plain_text && i < len; i += k) {
		unsigned char c = (unsigned char)text[i];

		k = diag_utf8_len(text + i, len - i);
		plain_text = k > 0 && c != 0x7f && (c >= 0x20 || k > 1);
	}
	if (plain_text) {
		memcpy(shown, text, len);
		shown[len] = '\0';
	} else {
		diag_quote(shown, 4 * len + 8, text, len);
	}
	for (const char *c = shown; *c != '\0'; c++)
		quote |= strchr(plain, *c) == NULL;
	if (quote)
		buf[o++] = '\'';
	for (const char *c = shown; *c != '\0' && o + 6 < size; c++) {
		if (*c == '\'') {
			memcpy(buf + o, "'\\''", 4);
			o += 4;
		} else {
			buf[o++] = *c;
		}
	}
	if (quote)
		buf[o++] = '\'';
	buf[o] = '\0';
	free(shown);
	return buf;
}
