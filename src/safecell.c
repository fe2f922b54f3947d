/* safecell.c — the spreadsheet-safe cell rule (see safecell.h). */
#include "safecell.h"

static int risky_char(char c) { return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'; }

int safecell_risky(const char *s) { return s && risky_char(s[0]); }

size_t safecell_unquote(const char *s, size_t len) { return len >= 2 && s[0] == '\'' && risky_char(s[1]) ? 1 : 0; }
