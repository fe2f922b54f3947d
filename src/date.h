/* date.h — calendar dates, one rule for every part of tongbao.
 *
 * Owns: reading YYYY-MM-DD, optionally followed by a time THH:MM (or
 * THH:MM:SS), checking it is a real day of the Gregorian calendar in
 * DATE_MIN_YEAR..DATE_MAX_YEAR with hours 00-23 and minutes and seconds
 * 00-59; comparing, adding days, and today's local date.  The parser's
 * rules, compose's dates, the store's numbering year and "today", the
 * history figures and the command line (--date, --today) all go through
 * date_parse, so a date one part accepts no other part refuses or silently
 * replaces.  What a caller allows beyond the day (a time, seconds, a space
 * for the T) it says in flags; the day itself is always checked the same
 * way.  No locale, no time zone: dates are local, as bulletins write them. */
#ifndef TB_DATE_H
#define TB_DATE_H

#include <stddef.h>

#define DATE_MIN_YEAR 1900
#define DATE_MAX_YEAR 2999

typedef struct {
    int y, mo, d;       /* the day */
    int h, mi, s;       /* the time, 0 when there is none */
    int has_time;
} date_val;

/* What may follow the day (flags of date_parse). */
enum {
    DATE_TIME = 1,      /* THH:MM */
    DATE_SECONDS = 2,   /* THH:MM:SS as well (with DATE_TIME) */
    DATE_SPACE = 4      /* a space instead of the T (with DATE_TIME) */
};

/* Read s.  0 and *out filled (out may be NULL), or -1; then, if why != NULL,
 * why gets what is wrong in words ("there is no day 31 in November 2026 (it
 * has 30 days)"), or "" when s does not have the shape at all. */
int date_parse(const char *s, int flags, date_val *out, char *why, size_t n);
/* The same yes/no for a day given as numbers. */
int date_valid_day(int y, int m, int d);
int date_days_in_month(int y, int m);

/* <0, 0, >0 as a is earlier, the same moment, later (no time = 00:00). */
int date_cmp(const date_val *a, const date_val *b);
/* The same for the days alone. */
int date_cmp_day(const date_val *a, const date_val *b);
/* The day n days later (n < 0: earlier); the time stays.  -1 when that
 * leaves DATE_MIN_YEAR..DATE_MAX_YEAR (t unchanged). */
int date_add_days(date_val *t, long n);

/* "YYYY-MM-DD" (11 bytes with the NUL), "YYYY-MM-DDTHH:MM" with its time. */
void date_format_day(const date_val *t, char out[11]);
void date_format(const date_val *t, char *out, size_t n);
/* Today's local date as YYYY-MM-DD. */
void date_today(char out[11]);

/* ---- days and working days (issue 16: escalation deadlines) ------------ */
/* b minus a in whole days (the times ignored): 1 when b is the day after a;
 * 0 when either is not a day of the range. */
long date_days_between(const date_val *a, const date_val *b);
/* ISO weekday of the day: 1 Monday … 7 Sunday (0: not a day of the range). */
int date_weekday(const date_val *t);
/* The day n working days (Monday to Friday) after t, n >= 1: 3 working days
 * after a Friday is the Wednesday.  Public holidays and 调休 working
 * Saturdays are not known here.  -1 (t unchanged) past DATE_MAX_YEAR. */
int date_add_working_days(date_val *t, int n);

#endif
