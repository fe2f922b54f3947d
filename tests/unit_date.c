/* unit_date.c — the one date rule (src/date.h): what is a date, what is
 * said about one that is not, comparing, adding days, today. */
#include <stdio.h>
#include <time.h>

#include "date.h"
#include "testlib.h"

static void test_parse(void) {
    static const struct {
        const char *s;
        int flags, ok;
        const char *why;   /* the message, when refused */
    } t[] = {
        {"2026-11-22", 0, 1, ""},
        {"1900-01-01", 0, 1, ""},
        {"2999-12-31", 0, 1, ""},
        {"2024-02-29", 0, 1, ""},
        {"2000-02-29", 0, 1, ""},
        {"1899-12-31", 0, 0, "year 1899 is out of range (1900-2999)"},
        {"3000-01-01", 0, 0, "year 3000 is out of range (1900-2999)"},
        {"2026-13-01", 0, 0, "there is no month 13"},
        {"2026-00-10", 0, 0, "there is no month 00"},
        {"2026-02-29", 0, 0, "there is no day 29 in February 2026 (it has 28 days)"},
        {"1900-02-29", 0, 0, "there is no day 29 in February 1900 (it has 28 days)"},
        {"2026-11-31", 0, 0, "there is no day 31 in November 2026 (it has 30 days)"},
        {"2026-11-00", 0, 0, "there is no day 00 in November 2026 (it has 30 days)"},
        {"2026-11-22T17:00", 0, 0, ""},                 /* no time unless asked for */
        {"2026-11-22T17:00", DATE_TIME, 1, ""},
        {"2026-11-22T24:00", DATE_TIME, 0, "hour 24 does not exist: hours run 00-23 (midnight is T00:00 of the next day)"},
        {"2026-11-22T17:60", DATE_TIME, 0, "minute 60 does not exist: minutes run 00-59"},
        {"2026-11-22T17:00:30", DATE_TIME, 0, ""},
        {"2026-11-22T17:00:30", DATE_TIME | DATE_SECONDS, 1, ""},
        {"2026-11-22T17:00:60", DATE_TIME | DATE_SECONDS, 0, "second 60 does not exist: seconds run 00-59"},
        {"2026-11-22 17:00", DATE_TIME, 0, ""},
        {"2026-11-22 17:00", DATE_TIME | DATE_SPACE, 1, ""},
        {"2026-11-22T17", DATE_TIME, 0, ""},
        {"2026-11-22T17:00Z", DATE_TIME | DATE_SECONDS, 0, ""},
        {"2026/11/22", 0, 0, ""},
        {"2026-1-22", 0, 0, ""},
        {"20261122", 0, 0, ""},
        {"", 0, 0, ""},
        {"２０２６-11-22", 0, 0, ""},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char name[128], why[160] = "x";
        date_val v;
        int rc = date_parse(t[i].s, t[i].flags, &v, why, sizeof why);
        snprintf(name, sizeof name, "date_parse \"%s\" flags %d %s", t[i].s, t[i].flags, t[i].ok ? "accepted" : "refused");
        CHECK(name, (rc == 0) == t[i].ok, "rc %d", rc);
        if (!t[i].ok) {
            snprintf(name, sizeof name, "date_parse \"%s\" says why", t[i].s);
            CHECK_STR(name, why, t[i].why);
        }
    }
    date_val v;
    CHECK("date_parse NULL refused", date_parse(NULL, 0, &v, NULL, 0) < 0, "accepted");
    CHECK("date_parse fills the fields",
          date_parse("2026-11-22T09:05", DATE_TIME, &v, NULL, 0) == 0 && v.y == 2026 && v.mo == 11 && v.d == 22 &&
              v.h == 9 && v.mi == 5 && v.s == 0 && v.has_time,
          "%d-%d-%d %d:%d", v.y, v.mo, v.d, v.h, v.mi);
    CHECK("date_valid_day agrees", date_valid_day(2024, 2, 29) && !date_valid_day(2023, 2, 29) &&
                                       !date_valid_day(1899, 12, 31) && !date_valid_day(2026, 4, 31), "-");
    CHECK("days in month", date_days_in_month(2026, 2) == 28 && date_days_in_month(2024, 2) == 29 &&
                               date_days_in_month(2026, 12) == 31 && date_days_in_month(2026, 13) == 0, "-");
}

static void test_cmp_add(void) {
    date_val a, b;
    date_parse("2026-11-22", DATE_TIME, &a, NULL, 0);
    date_parse("2026-11-22T00:01", DATE_TIME, &b, NULL, 0);
    CHECK("cmp: a day is its midnight", date_cmp(&a, &b) < 0 && date_cmp(&b, &a) > 0 && date_cmp(&a, &a) == 0, "-");
    CHECK("cmp_day ignores the time", date_cmp_day(&a, &b) == 0, "-");
    date_parse("2026-12-01", 0, &b, NULL, 0);
    CHECK("cmp across months", date_cmp(&a, &b) < 0, "-");
    static const struct { const char *from; long n; const char *want; } t[] = {
        {"2026-11-22", 1, "2026-11-23"},   {"2026-11-30", 1, "2026-12-01"}, {"2026-12-31", 1, "2027-01-01"},
        {"2024-02-28", 1, "2024-02-29"},   {"2023-02-28", 1, "2023-03-01"}, {"2026-03-01", -1, "2026-02-28"},
        {"2026-01-01", -1, "2025-12-31"},  {"2026-11-22", 365, "2027-11-22"}, {"2000-01-01", 36524, "2099-12-31"},
        {"1970-01-01", -1, "1969-12-31"},
    };
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char name[96], out[11];
        date_val v;
        date_parse(t[i].from, 0, &v, NULL, 0);
        int rc = date_add_days(&v, t[i].n);
        date_format_day(&v, out);
        snprintf(name, sizeof name, "add %ld days to %s", t[i].n, t[i].from);
        CHECK_STR(name, rc == 0 ? out : "(refused)", t[i].want);
    }
    date_val v;
    date_parse("1900-01-01", 0, &v, NULL, 0);
    CHECK("add days refuses to leave the range", date_add_days(&v, -1) < 0 && v.y == 1900 && v.d == 1, "-");
    /* day by day across the whole range: 1,100 years of 365 days and 267
     * leap days (1900, 2100, 2200, 2300, 2500, 2600, 2700, 2900 are not) */
    long steps = 0;
    int walk_ok = 1;
    for (date_val w = v, prev = v; date_add_days(&w, 1) == 0; prev = w, steps++)
        if (!date_valid_day(w.y, w.mo, w.d) || date_cmp(&prev, &w) >= 0) walk_ok = 0;
    CHECK("every day from 1900-01-01 to 2999-12-31, one at a time", walk_ok && steps == 401766, "-");
    date_val far = v;
    CHECK("401,766 days after 1900-01-01 is 2999-12-31",
          date_add_days(&far, 401766) == 0 && far.y == 2999 && far.mo == 12 && far.d == 31, "-");
    far = v;
    CHECK("a count of days far outside the range is refused, the day unchanged",
          date_add_days(&far, 9223372036854775807L) < 0 && date_add_days(&far, -9223372036854775807L - 1) < 0 &&
              far.y == 1900 && far.mo == 1 && far.d == 1, "-");
    char out[32];
    date_parse("2026-01-02T08:05", DATE_TIME, &v, NULL, 0);
    date_format(&v, out, sizeof out);
    CHECK_STR("format with time", out, "2026-01-02T08:05");
}

static void test_today(void) {
    char t[11];
    date_today(t);
    CHECK("today is a date", date_parse(t, 0, NULL, NULL, 0) == 0, "%s", t);
    time_t now = time(NULL);
    struct tm tm;
    char want[11];
    localtime_r(&now, &tm);
    strftime(want, sizeof want, "%Y-%m-%d", &tm);
    CHECK_STR("today is the local date", t, want);
}

/* issue 16: the new deadline of a letter, N working days on */
static void test_working_days(void) {
    static const struct {
        const char *from, *want;
        int n;
    } t[] = {
        {"2026-03-10", "2026-03-13", 3},   /* Tuesday → Friday */
        {"2026-03-12", "2026-03-17", 3},   /* Thursday → next Tuesday */
        {"2026-03-13", "2026-03-18", 3},   /* Friday → Wednesday */
        {"2026-03-14", "2026-03-18", 3},   /* Saturday → Wednesday */
        {"2026-03-15", "2026-03-18", 3},   /* Sunday → Wednesday */
        {"2026-12-31", "2027-01-05", 3},   /* across the year (a Thursday) */
        {"2026-03-13", "2026-03-16", 1},
        {"2026-03-02", "2026-03-16", 10},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        date_val v;
        char got[11], name[96];
        date_parse(t[i].from, 0, &v, NULL, 0);
        date_add_working_days(&v, t[i].n);
        date_format_day(&v, got);
        snprintf(name, sizeof name, "%d working days after %s", t[i].n, t[i].from);
        CHECK_STR(name, got, t[i].want);
    }
    date_val a, b;
    date_parse("2026-03-02", 0, &a, NULL, 0);
    CHECK("2026-03-02 is a Monday", date_weekday(&a) == 1, "%d", date_weekday(&a));
    date_parse("2026-03-08", 0, &b, NULL, 0);
    CHECK("2026-03-08 is a Sunday", date_weekday(&b) == 7, "%d", date_weekday(&b));
    CHECK("six days from 03-02 to 03-08", date_days_between(&a, &b) == 6, "%ld", date_days_between(&a, &b));
    CHECK("minus six back", date_days_between(&b, &a) == -6, "%ld", date_days_between(&b, &a));
    date_parse("2025-12-30", 0, &b, NULL, 0);
    CHECK("62 days from 2025-12-30 to 2026-03-02", date_days_between(&b, &a) == 62, "%ld", date_days_between(&b, &a));
    date_parse("2999-12-31", 0, &b, NULL, 0);
    CHECK("no working day past 2999", date_add_working_days(&b, 1) == -1, "%s", "");
}

int main(void) {
    test_parse();
    test_working_days();
    test_cmp_add();
    test_today();
    return TESTS_DONE();
}
