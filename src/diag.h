/* diag.h: the one format of rmsetab's messages on standard error. */
#ifndef RMSETAB_DIAG_H
#define RMSETAB_DIAG_H

#include <stddef.h>
#include <stdint.h>

/* "rmsetab: MESSAGE" */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "rmsetab: FILE:LINE: MESSAGE" */
void diag_at(const char *file, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* FN(CTX) is called before each message from now on: the progress display
 * erases its line there.  NULL: nothing is. */
void diag_set_hook(void (*fn)(void *ctx), void *ctx);

/* Writes TEXT into BUF as something safe to put between quotes on one line:
 * control bytes and bytes that are not UTF-8 escaped (\x00), long text cut
 * with "...".  Returns BUF. */
char *diag_quote(char *buf, size_t size, const char *text, size_t len);

/* Writes TEXT into BUF as one word for a POSIX shell, for the commands a
 * message suggests: as it is when it holds only characters a shell takes
 * literally, else in single quotes (a single quote as '\''), with
 * control bytes and bytes that are not UTF-8 escaped as diag_quote does;
 * cut short (and then no longer a word) when it does not fit.  Returns
 * BUF. */
char *diag_shell(char *buf, size_t size, const char *text, size_t len);

/* The length of the UTF-8 character that TEXT (LEN bytes) starts with,
 * 1 to 4, or 0 when it does not start with one. */
size_t diag_utf8_len(const char *text, size_t len);

/* The columns a terminal gives the LEN bytes of TEXT: a UTF-8 character
 * one, an East Asian wide or fullwidth one two, a combining mark or a
 * format character (a zero-width joiner) none (src/width.h); a byte that
 * is not part of a UTF-8 character one.  For tables whose columns line
 * up. */
size_t diag_text_width(const char *text, size_t len);

/* Room diag_quote needs for its longest result. */
#define DIAG_QUOTE_SIZE 96

#endif
