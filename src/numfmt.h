/* numfmt.h: fast, exact printing of doubles, byte for byte as printf. */
#ifndef RMSETAB_NUMFMT_H
#define RMSETAB_NUMFMT_H

/* Room for any result, NUL included. */
#define NUMFMT_SIZE 32

/* Writes V as printf's "%.17g" would: 17 significant digits, enough for
 * every double to read back exactly.  Returns the length. */
int numfmt_g17(char *buf, double v);

/* Writes V with PREC significant digits, 1 <= PREC <= 17, trailing zeros
 * kept so that numbers of one magnitude line up: printf's "%#.PRECg",
 * except that a decimal point with no digit after it is left out ("5" at
 * PREC 1, "5.000" at PREC 4).  Returns the length. */
int numfmt_digits(char *buf, double v, int prec);

#endif
