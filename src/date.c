/* date.c — calendar dates (see date.h). */
#define _POSIX_C_SOURCE 200809L
#include "date.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const month_names[] = {"January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December"};

int date_days_in_month(int y, int m) {
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return dm[m - 1];
}

int date_valid_day(int y, int m, int d) {
    return y >= DATE_MIN_YEAR && y <= DATE_MAX_YEAR && m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m);
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

/* Days since 1970-01-01 of a proleptic Gregorian day, and back (the
 * civil-from-days arithmetic on 400-year eras: exact, no time zones). */
static long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d) {
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int date_add_days(date_val *t, long n) {
    int y, m, d;
    civil_from_days(days_from_civil(t->y, t->mo, t->d) + n, &y, &m, &d);
    if (y < DATE_MIN_YEAR || y > DATE_MAX_YEAR) return -1;
    t->y = y;
    t->mo = m;
    t->d = d;
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
    return days_from_civil(b->y, b->mo, b->d) - days_from_civil(a->y, a->mo, a->d);
}

int date_weekday(const date_val *t) {
    /* 1970-01-01 was a Thursday (4) */
    long z = days_from_civil(t->y, t->mo, t->d);
    long w = ((z % 7) + 7 + 3) % 7;   /* 0 = Monday */
    return (int)w + 1;
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
