/* cellval.c — cell values as people mean them (see cellval.h). */
#include "cellval.h"
#include "date.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text ------------------------------------------------------------------ */

static void trim(const char **s, size_t *n) {
    const char *p = *s;
    size_t l = *n;
    for (;;) {
        if (l && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++, l--;
        else if (l >= 3 && !memcmp(p, "\xE3\x80\x80", 3)) p += 3, l -= 3;   /* U+3000 */
        else break;
    }
    for (;;) {
        if (l && (p[l - 1] == ' ' || p[l - 1] == '\t' || p[l - 1] == '\n' || p[l - 1] == '\r')) l--;
        else if (l >= 3 && !memcmp(p + l - 3, "\xE3\x80\x80", 3)) l -= 3;
        else break;
    }
    *s = p;
    *n = l;
}

/* A number as a person writes it: integral values without a point, others
 * with the fewest digits that give the same double back. */
static void number_text(const char *raw, char *out, size_t cap) {
    size_t n = strspn(raw, "0123456789");
    if (n && !raw[n] && n < 16 && n < cap && (raw[0] != '0' || n == 1)) {   /* a plain integer, as written */
        memcpy(out, raw, n + 1);
        return;
    }
    char *end;
    double v = strtod(raw, &end);
    if (end == raw || *end || !isfinite(v)) {
        snprintf(out, cap, "%s", raw);
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(out, cap, "%.0f", v);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(out, cap, "%.*g", prec, v);
        if (strtod(out, NULL) == v) return;
    }
}

const char *cellval_text(const grid_cell *c, char *out, size_t cap) {
    if (!c || c->kind == GRID_EMPTY || cap == 0) return NULL;
    if (c->kind == GRID_NUMBER) {
        number_text(c->text, out, cap);
        return out;
    }
    const char *s = c->text;
    size_t n = strlen(s);
    trim(&s, &n);
    if (!n) return NULL;
    if (n >= cap) n = cap - 1;
    memcpy(out, s, n);
    out[n] = 0;
    return out;
}

char *cellval_dup(arena *a, const grid_cell *c) {
    if (!c || c->kind == GRID_EMPTY) return NULL;
    if (c->kind == GRID_NUMBER) {
        char tmp[64];
        number_text(c->text, tmp, sizeof tmp);
        return arena_strdup(a, tmp);
    }
    const char *s = c->text;
    size_t n = strlen(s);
    trim(&s, &n);
    return n ? arena_strndup(a, s, n) : NULL;
}

/* ---- calendar ------------------------------------------------------------------ */

int cellval_valid_day(int y, int m, int d) { return date_valid_day(y, m, d); }   /* one calendar rule */

/* Days since 1970-01-01 → civil date (Howard Hinnant's algorithm). */
static void civil(long z, int *y, int *m, int *d) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long yy = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yy + (*m <= 2));
}

static void put_iso(char out[20], int y, int m, int d, int hh, int mm, int with_time) {
    if (with_time && hh >= 0)
        snprintf(out, 20, "%04u-%02u-%02uT%02u:%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u,
                 (unsigned)hh % 100u, (unsigned)mm % 100u);
    else
        snprintf(out, 20, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u, (unsigned)d % 100u);
}

static int serial_date(const char *raw, int date1904, int with_time, char out[20], const char **why) {
    char *end;
    double v = strtod(raw, &end);
    if (end == raw || *end || !isfinite(v)) {
        *why = "is not a date";
        return -1;
    }
    /* a date typed as digits: 20261122 */
    if (v >= 19000101 && v <= 29991231 && v == floor(v)) {
        long n = (long)v;
        int y = (int)(n / 10000), m = (int)(n / 100 % 100), d = (int)(n % 100);
        if (!cellval_valid_day(y, m, d)) {
            *why = "is not a real date";
            return -1;
        }
        put_iso(out, y, m, d, -1, 0, with_time);
        return 0;
    }
    if (v < 1 || v > 2958465) {
        *why = "is not a date";
        return -1;
    }
    long day = (long)floor(v);
    long minutes = lround((v - (double)day) * 1440.0);
    if (minutes >= 1440) day++, minutes = 0;
    long unix_day;
    if (date1904) unix_day = day - 24107;   /* 1904-01-01 is serial 0 */
    else if (day == 60) {
        *why = "is 1900-02-29, a day that never was (a spreadsheet quirk); type the date again";
        return -1;
    } else unix_day = day < 60 ? day - 25568 : day - 25569;   /* Excel counts the 1900 leap day */
    int y, m, d;
    civil(unix_day, &y, &m, &d);
    if (!cellval_valid_day(y, m, d)) {
        *why = "is not a date between 1900 and 2999";
        return -1;
    }
    put_iso(out, y, m, d, minutes ? (int)(minutes / 60) : -1, (int)(minutes % 60), with_time);
    return 0;
}

/* ---- dates as text ------------------------------------------------------------- */

/* Fold full-width digits and punctuation used in dates to ASCII. */
static void fold(const char *s, char *out, size_t cap) {
    size_t o = 0;
    while (*s && o + 4 < cap) {
        size_t adv;
        uint32_t cp = utf8_decode(s, strlen(s), &adv);
        if (cp >= 0xFF10 && cp <= 0xFF19) out[o++] = (char)('0' + (cp - 0xFF10));
        else if (cp == 0xFF1A) out[o++] = ':';
        else if (cp == 0xFF0D || cp == 0x2014 || cp == 0x2013) out[o++] = '-';
        else if (cp == 0xFF0F) out[o++] = '/';
        else if (cp == 0xFF0E) out[o++] = '.';
        else if (cp == 0x3000) out[o++] = ' ';
        else {
            memcpy(out + o, s, adv);
            o += adv;
        }
        s += adv;
    }
    out[o] = 0;
}

static int digits(const char **p, int max, int *v) {
    int n = 0, x = 0;
    while (n < max && **p >= '0' && **p <= '9') x = x * 10 + (*(*p)++ - '0'), n++;
    *v = x;
    return n;
}

static int lit(const char **p, const char *w) {
    size_t n = strlen(w);
    if (strncmp(*p, w, n)) return 0;
    *p += n;
    return 1;
}

static void spaces(const char **p) {
    while (**p == ' ' || **p == '\t') (*p)++;
}

/* An optional time after a date: 17:00, 17:00:00, 17时, 17时30分, 17点, 17点30分.
 * Returns 1 with the hour and minute set, 0 when there is none (p untouched), -1 bad. */
static int time_part(const char **p, int *hh, int *mm) {
    const char *q = *p;
    spaces(&q);
    if (*q == 'T') q++;
    int h, m = 0, s;
    if (!digits(&q, 2, &h)) return 0;
    if (*q == ':') {
        q++;
        if (digits(&q, 2, &m) != 2) return -1;
        if (*q == ':') {
            q++;
            if (digits(&q, 2, &s) != 2) return -1;
            if (*q == '.') { q++; while (*q >= '0' && *q <= '9') q++; }
        }
    } else if (lit(&q, "时") || lit(&q, "点")) {
        const char *r = q;
        if (digits(&r, 2, &m) && lit(&r, "分")) q = r;
        else m = 0;
    } else return 0;
    if (h > 24 || m > 59 || (h == 24 && m)) return -1;
    *hh = h == 24 ? 23 : h;
    *mm = h == 24 ? 59 : m;
    *p = q;
    return 1;
}

int cellval_date_text(const char *s0, int year_hint, int with_time, char out[20], size_t *used, const char **why) {
    char s[256];
    fold(s0, s, sizeof s);
    const char *p = s;
    spaces(&p);
    int y = 0, m = 0, d = 0, n;
    const char *start = p;
    n = digits(&p, 8, &y);
    if (n == 8 && !(*p >= '0' && *p <= '9')) {           /* 20261122 */
        m = y / 100 % 100, d = y % 100, y /= 10000;
    } else if (n == 4 && (*p == '-' || *p == '/' || *p == '.')) {   /* 2026-11-22 */
        char sep = *p++;
        if (!digits(&p, 2, &m) || *p++ != sep || !digits(&p, 2, &d)) {
            *why = "is not a date; write it like 2026-11-22";
            return -1;
        }
    } else if (n == 4 && lit(&p, "年")) {                /* 2026年11月22日 */
        if (!digits(&p, 2, &m) || !lit(&p, "月") || !digits(&p, 2, &d) || !(lit(&p, "日") || lit(&p, "号"))) {
            *why = "is not a date; write it like 2026年11月22日";
            return -1;
        }
    } else if ((n == 1 || n == 2) && lit(&p, "月")) {    /* 11月22日 */
        m = y;
        if (!digits(&p, 2, &d) || !(lit(&p, "日") || lit(&p, "号"))) {
            *why = "is not a date; write it like 11月22日";
            return -1;
        }
        if (!year_hint) {
            *why = "has no year; write it like 2026-11-22";
            return -1;
        }
        y = year_hint;
    } else if ((n == 1 || n == 2) && *p == '/' && year_hint) {   /* 11/22, the year from the bulletin */
        m = y;
        p++;
        if (!digits(&p, 2, &d)) {
            *why = "is not a date; write it like 2026-11-22";
            return -1;
        }
        y = year_hint;
    } else {
        (void)start;
        *why = "is not a date; write it like 2026-11-22 (or 11月22日)";
        return -1;
    }
    if (!cellval_valid_day(y, m, d)) {
        *why = "is not a real date";
        return -1;
    }
    int hh = -1, mm = 0;
    int t = time_part(&p, &hh, &mm);
    if (t < 0) {
        *why = "has a time that is not one; write it like 17:00";
        return -1;
    }
    if (t > 0 && !with_time) {
        /* a date-time where a date is wanted: midnight is a plain date */
        if (hh || mm) {
            *why = "has a time, but a date alone is wanted here";
            return -1;
        }
        hh = -1;
    }
    if (t > 0 && with_time && hh == 0 && mm == 0) hh = -1;   /* 00:00 is the day */
    put_iso(out, y, m, d, hh, mm, with_time);
    *used = (size_t)(p - s);   /* in folded bytes: callers use it to test for a rest only */
    return 0;
}

/* What follows a date: only white space, or 前 (by). */
static int rest_ok(const char *s0, size_t used) {
    char s[256];
    fold(s0, s, sizeof s);
    const char *p = s + used;
    spaces(&p);
    lit(&p, "前");
    lit(&p, "之前");
    spaces(&p);
    return *p == 0;
}

int cellval_date(const grid_cell *c, int date1904, int year_hint, int with_time, char out[20], const char **why) {
    if (!c || c->kind == GRID_EMPTY) {
        *why = "is empty";
        return -1;
    }
    if (c->kind == GRID_NUMBER) return serial_date(c->text, date1904, with_time, out, why);
    if (c->kind == GRID_BOOL || c->kind == GRID_ERROR) {
        *why = "is not a date";
        return -1;
    }
    size_t used;
    char tmp[256];
    const char *t = cellval_text(c, tmp, sizeof tmp);
    if (!t) {
        *why = "is empty";
        return -1;
    }
    /* a number stored as text: a serial the sheet lost the format of */
    char *end;
    double v = strtod(t, &end);
    if (end != t && !*end && v >= 1 && strchr(t, '-') == NULL && !(v >= 1000 && v < 10000))
        return serial_date(t, date1904, with_time, out, why);
    if (cellval_date_text(t, year_hint, with_time, out, &used, why) < 0) return -1;
    if (!rest_ok(t, used)) {
        *why = "has more than a date in it; write only the date, like 2026-11-22";
        return -1;
    }
    return 0;
}
