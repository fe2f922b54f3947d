/* date.c — calendar dates (see date.h).  The calendar itself (month
 * lengths, leap years, counting days) is GLib's GDate; reading and the
 * messages are ours, because GLib's own parser (g_date_set_parse) follows
 * the locale and guesses, where a bulletin's date must be exactly
 * YYYY-MM-DD. */
#define _POSIX_C_SOURCE 200809L
#include "date.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const month_names[] = {"January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December"};

int date_days_in_month(int y, int m) {
    /* GDate takes years 1..65535; asked outside them, it complains */
    if (m < 1 || m > 12 || y < 1 || y > 65535) return 0;
    return g_date_get_days_in_month((GDateMonth)m, (GDateYear)y);
}

int date_valid_day(int y, int m, int d) {
    return y >= DATE_MIN_YEAR && y <= DATE_MAX_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= 31 &&
           g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

/* n ASCII digits at s, or -1. */
static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static void say(char *why, size_t n, const char *fmt, int a, int b, int c, int d) {
    if (why && n) snprintf(why, n, fmt, a, b, c, d);
}

int date_parse(const char *s, int flags, date_val *out, char *why, size_t n) {
    if (why && n) why[0] = 0;
    if (!s) return -1;
    size_t len = strlen(s);
    int timed = flags & DATE_TIME;
    if (!(len == 10 || (timed && len == 16) || (timed && (flags & DATE_SECONDS) && len == 19))) return -1;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    if (y < 0 || m < 0 || d < 0 || s[4] != '-' || s[7] != '-') return -1;
    int hh = 0, mm = 0, ss = 0;
    if (len > 10) {
        hh = digits(s + 11, 2);
        mm = digits(s + 14, 2);
        if (!(s[10] == 'T' || (s[10] == ' ' && (flags & DATE_SPACE))) || s[13] != ':' || hh < 0 || mm < 0) return -1;
        if (len == 19 && (s[16] != ':' || (ss = digits(s + 17, 2)) < 0)) return -1;
    }
    if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR) {
        say(why, n, "year %d is out of range (%d-%d)", y, DATE_MIN_YEAR, DATE_MAX_YEAR, 0);
        return -1;
    }
    if (m < 1 || m > 12) {
        say(why, n, "there is no month %02d", m, 0, 0, 0);
        return -1;
    }
    if (d < 1 || d > date_days_in_month(y, m)) {
        if (why && n)
            snprintf(why, n, "there is no day %02d in %s %d (it has %d days)", d, month_names[m - 1], y,
                     date_days_in_month(y, m));
        return -1;
    }
    if (hh > 23) {
        say(why, n, "hour %02d does not exist: hours run 00-23 (midnight is T00:00 of the next day)", hh, 0, 0, 0);
        return -1;
    }
    if (mm > 59) {
        say(why, n, "minute %02d does not exist: minutes run 00-59", mm, 0, 0, 0);
        return -1;
    }
    if (ss > 59) {
        say(why, n, "second %02d does not exist: seconds run 00-59", ss, 0, 0, 0);
        return -1;
    }
    if (out) *out = (date_val){y, m, d, hh, mm, ss, len > 10};
    return 0;
}

int date_cmp(const date_val *a, const date_val *b) {
    const int x[6] = {a->y, a->mo, a->d, a->h, a->mi, a->s}, z[6] = {b->y, b->mo, b->d, b->h, b->mi, b->s};
    for (int i = 0; i < 6; i++)
        if (x[i] != z[i]) return x[i] < z[i] ? -1 : 1;
    return 0;
}

int date_cmp_day(const date_val *a, const date_val *b) {
    date_val x = {a->y, a->mo, a->d, 0, 0, 0, 0}, z = {b->y, b->mo, b->d, 0, 0, 0, 0};
    return date_cmp(&x, &z);
}

/* t's day as a GDate: 0, or -1 when it is not a day of the range (GDate
 * would only complain on stderr). */
static int gdate_of(const date_val *t, GDate *g) {
    g_date_clear(g, 1);
    if (!date_valid_day(t->y, t->mo, t->d)) return -1;
    g_date_set_dmy(g, (GDateDay)t->d, (GDateMonth)t->mo, (GDateYear)t->y);
    return 0;
}

/* The day n days later through GDate's day count (proleptic Gregorian,
 * no time zones).  n is bounded first: the years allowed span under
 * 1,100 * 366 days, and GDate must not be asked to leave its own range. */
int date_add_days(date_val *t, long n) {
    const long span = (long)(DATE_MAX_YEAR - DATE_MIN_YEAR + 1) * 366;
    GDate g;
    if (gdate_of(t, &g) < 0 || n > span || n < -span) return -1;
    if (n >= 0) g_date_add_days(&g, (guint)n);
    else g_date_subtract_days(&g, (guint)-n);
    if (!g_date_valid(&g)) return -1;
    int y = g_date_get_year(&g);
    if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR) return -1;
    t->y = y;
    t->mo = g_date_get_month(&g);
    t->d = g_date_get_day(&g);
    return 0;
}

/* Fields as unsigned, so the widths are known to fit. */
#define U(x, m) ((unsigned)(x) % (m))

void date_format_day(const date_val *t, char out[11]) {
    snprintf(out, 11, "%04u-%02u-%02u", U(t->y, 10000u), U(t->mo, 100u), U(t->d, 100u));
}

void date_format(const date_val *t, char *out, size_t n) {
    if (t->has_time)
        snprintf(out, n, "%04u-%02u-%02uT%02u:%02u", U(t->y, 10000u), U(t->mo, 100u), U(t->d, 100u), U(t->h, 100u),
                 U(t->mi, 100u));
    else snprintf(out, n, "%04u-%02u-%02u", U(t->y, 10000u), U(t->mo, 100u), U(t->d, 100u));
}

void date_today(char out[11]) {
    time_t now = time(NULL);
    struct tm tm;
    if (!localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10) snprintf(out, 11, "1970-01-01");
}

/* ---- days and working days ----------------------------------------------- */
long date_days_between(const date_val *a, const date_val *b) {
    GDate ga, gb;
    if (gdate_of(a, &ga) < 0 || gdate_of(b, &gb) < 0) return 0;
    return g_date_days_between(&ga, &gb);
}

int date_weekday(const date_val *t) {
    GDate g;
    /* GDate's weekdays are ISO's: G_DATE_MONDAY = 1 … G_DATE_SUNDAY = 7 */
    return gdate_of(t, &g) < 0 ? 0 : (int)g_date_get_weekday(&g);
}

int date_add_working_days(date_val *t, int n) {
    date_val x = *t;
    while (n > 0) {
        if (date_add_days(&x, 1) < 0) return -1;
        if (date_weekday(&x) <= 5) n--;
    }
    *t = x;
    return 0;
}
