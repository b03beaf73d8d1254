/* numfmt.h: fast, exact printing of doubles, byte for byte as printf. */
#ifndef RMSETAB_NUMFMT_H
#define RMSETAB_NUMFMT_H

/* Room for any result, NUL included. */
#define NUMFMT_SIZE 32

/* Writes V as printf's "%.17g" would: 17 significant digits, enough for
 * every double to read back exactly.  Returns the length. */
int numfmt_g17(char *buf, double v);

/* Writes the first of "%.15g", "%.16g", "%.17g" that reads back as V: the
 * shortest such text, as 15 digits always tell two doubles apart.
 * Returns the length. */
int numfmt_shortest(char *buf, double v);

#endif
