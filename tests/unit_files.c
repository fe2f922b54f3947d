/* unit_files.c — the output-file policy of util.h (issue 19 items 1, 2, 3
 * and 14): which output paths are refused, temporaries that a planted
 * symlink cannot redirect, the sweep of what killed processes left, and
 * names made from user data mapped to file names one to one. */
#define _POSIX_C_SOURCE 200809L
#include "testlib.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char D[512];

static void put(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static int has(const char *path, const char *text) {
    err e = {0};
    size_t len;
    char *d = file_read(path, 1 << 20, &len, &e);
    int same = d && len == strlen(text) && !memcmp(d, text, len);
    free(d);
    return same;
}

/* Files in D whose name contains `part` (temporaries left behind). */
static int count_named(const char *part) {
    DIR *d = opendir(D);
    int n = 0;
    for (struct dirent *de; d && (de = readdir(d));) n += strstr(de->d_name, part) != NULL;
    if (d) closedir(d);
    return n;
}

/* A pid that is certainly gone: a child that has exited and been reaped. */
static long dead_pid(void) {
    pid_t p = fork();
    if (p == 0) _exit(0);
    if (p > 0) waitpid(p, NULL, 0);
    return (long)p;
}

static void test_out_check(void) {
    char in[600], out[600], lnk[600], fifo[600], sub[600];
    snprintf(in, sizeof in, "%s/in.xml", D);
    snprintf(out, sizeof out, "%s/out.pdf", D);
    snprintf(lnk, sizeof lnk, "%s/link.pdf", D);
    snprintf(fifo, sizeof fifo, "%s/fifo", D);
    snprintf(sub, sizeof sub, "%s/sub", D);
    put(in, "<bulletin/>");
    const char *inputs[] = {in, NULL};
    err e = {0};
    CHECK("out: a new name is fine", file_out_check(out, 0, inputs, &e) == 0, "%s", e.msg);
    put(out, "old");
    memset(&e, 0, sizeof e);
    CHECK("out: an existing regular file is fine", file_out_check(out, 0, inputs, &e) == 0, "%s", e.msg);
    memset(&e, 0, sizeof e);
    CHECK("out: the input itself is refused", file_out_check(in, 0, inputs, &e) < 0 && e.code == TB_EOUTPUT &&
          strstr(e.msg, "same file as the input"), "%s", e.msg);
    if (symlink(in, lnk) == 0) {
        memset(&e, 0, sizeof e);
        CHECK("out: a symlink to the input is refused", file_out_check(lnk, 0, inputs, &e) < 0 &&
              strstr(e.msg, "same file as the input"), "%s", e.msg);
    }
    char hard[600];
    snprintf(hard, sizeof hard, "%s/hard.pdf", D);
    if (link(in, hard) == 0) {
        memset(&e, 0, sizeof e);
        CHECK("out: a hard link to the input is refused", file_out_check(hard, 0, inputs, &e) < 0, "%s", e.msg);
    }
    if (mkfifo(fifo, 0644) == 0) {
        memset(&e, 0, sizeof e);
        CHECK("out: a FIFO is refused", file_out_check(fifo, 0, inputs, &e) < 0 && strstr(e.msg, "FIFO"), "%s", e.msg);
    }
    memset(&e, 0, sizeof e);
    CHECK("out: /dev/null is refused, not replaced", file_out_check("/dev/null", 0, inputs, &e) < 0 &&
          strstr(e.msg, "character device"), "%s", e.msg);
    mkdir(sub, 0755);
    memset(&e, 0, sizeof e);
    CHECK("out: a directory is refused", file_out_check(sub, 0, inputs, &e) < 0 && strstr(e.msg, "is a directory"),
          "%s", e.msg);
    char missing[700];
    snprintf(missing, sizeof missing, "%s/no-such-dir/x.pdf", D);
    memset(&e, 0, sizeof e);
    CHECK("out: a missing directory is named", file_out_check(missing, 0, inputs, &e) < 0 &&
          strstr(e.msg, "does not exist"), "%s", e.msg);
    memset(&e, 0, sizeof e);
    CHECK("out: - is refused where standard output is not allowed",
          file_out_check("-", 0, inputs, &e) < 0 && e.code == TB_EUSAGE, "%s", e.msg);
    memset(&e, 0, sizeof e);
    int r = file_out_check("-", FILE_OUT_STDOUT, inputs, &e);
    CHECK("out: - means standard output where allowed (not a terminal)",
          isatty(STDOUT_FILENO) ? r < 0 : r == 1, "%d %s", r, e.msg);
}

/* Item 2: a symlink planted where tongbao used to put its temporary
 * (OUT.tmp.PID) must not be written through. */
static void test_planted_symlink(void) {
    char out[600], victim[600], trap[700];
    snprintf(out, sizeof out, "%s/shared.pdf", D);
    snprintf(victim, sizeof victim, "%s/victim.txt", D);
    snprintf(trap, sizeof trap, "%s.tmp.%ld", out, (long)getpid());
    put(victim, "precious");
    if (symlink(victim, trap) != 0) { CHECK("plant a symlink", 0, "%s", strerror(errno)); return; }
    err e = {0};
    int rc = file_write_atomic(out, "%PDF-new", 8, &e);
    struct stat sb;
    CHECK("temporary: a planted symlink is not written through", rc == 0 && has(victim, "precious") &&
          has(out, "%PDF-new") && lstat(out, &sb) == 0 && S_ISREG(sb.st_mode), "rc %d: %s", rc, e.msg);
    unlink(trap);
    CHECK("temporary: none left after a write", count_named(".tmp") == 0, "%d left", count_named(".tmp"));
}

static void test_sweep(void) {
    char out[600], p[800];
    snprintf(out, sizeof out, "%s/swept.pdf", D);
    long dead = dead_pid(), live = (long)getppid();
    const char *forms[] = {"%s/swept.pdf.part.%ld", "%s/swept.pdf.tmp.%ld", "%s/.swept.pdf.%ld.0123abcd.tmp"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, forms[i], D, dead);
        put(p, "stale");
        snprintf(p, sizeof p, forms[i], D, live);
        put(p, "in use");
    }
    snprintf(p, sizeof p, "%s/other.pdf.part.%ld", D, dead);
    put(p, "another file's");
    err e = {0};
    int rc = file_write_atomic(out, "x", 1, &e);
    int gone = 0, kept = 0;
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, forms[i], D, dead);
        gone += access(p, F_OK) != 0;
        snprintf(p, sizeof p, forms[i], D, live);
        kept += access(p, F_OK) == 0;
    }
    snprintf(p, sizeof p, "%s/other.pdf.part.%ld", D, dead);
    CHECK("sweep: a dead process's temporaries of the file go (.part, .tmp, new form)", rc == 0 && gone == 3,
          "%d of 3 gone: %s", gone, e.msg);
    CHECK("sweep: a live process's temporaries stay", kept == 3, "%d of 3 kept", kept);
    CHECK("sweep: another file's temporaries stay", access(p, F_OK) == 0, "removed");
    file_sweep_temps(D, NULL);
    CHECK("sweep: every dead temporary of a directory", access(p, F_OK) != 0, "still there");
}

static void test_names(void) {
    char a[FILE_NAME_MAX + 1], b[FILE_NAME_MAX + 1];
    err e = {0};
    file_name_escape("x/y", "series", a, sizeof a, &e);
    file_name_escape("x_y", "series", b, sizeof b, &e);
    CHECK("names: x/y and x_y stay apart", strcmp(a, b) != 0 && !strchr(a, '/'), "%s %s", a, b);
    file_name_escape("x%2Fy", "series", b, sizeof b, &e);
    CHECK("names: a literal %2F is not the escape of /", strcmp(a, b) != 0, "%s %s", a, b);
    file_name_escape(".hidden", "district", a, sizeof a, &e);
    CHECK("names: no hidden files", a[0] != '.', "%s", a);
    file_name_escape("东湖区", "district", a, sizeof a, &e);
    CHECK_STR("names: Chinese stays readable", a, "东湖区");
    static const char *const bad[] = {"", ".", "..", "a\x1b[31mb", "a\nb", "a\xC2\x85" "b", "\xFF"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char name[100];
        memset(&e, 0, sizeof e);
        snprintf(name, sizeof name, "names: refused #%zu", i);
        CHECK(name, file_name_escape(bad[i], "district", a, sizeof a, &e) < 0 && e.code == TB_EINPUT, "%s", a);
    }
    char longname[700] = "";
    for (int i = 0; i < 70; i++) strcat(longname, "区");
    memset(&e, 0, sizeof e);
    CHECK("names: over the file-name limit is refused", file_name_escape(longname, "series", a, sizeof a, &e) < 0 &&
          strstr(e.msg, "too long"), "%s", e.msg);
    /* one to one over a set of awkward names */
    static const char *const set[] = {"a", "a/", "a_", "a%", "a%25", "a%2F", "/a", ".a", "%2Ea", "a.", "a\\", "a%5C"};
    int clash = 0;
    char out[12][FILE_NAME_MAX + 1];
    for (size_t i = 0; i < 12; i++) file_name_escape(set[i], "x", out[i], sizeof out[i], &e);
    for (size_t i = 0; i < 12; i++)
        for (size_t j = i + 1; j < 12; j++) clash += !strcmp(out[i], out[j]);
    CHECK("names: one to one", clash == 0, "%d clashes", clash);
}

int main(void) {
    snprintf(D, sizeof D, "%s/tongbao-files.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(D)) { printf("FAIL mkdtemp: %s\n", strerror(errno)); return 1; }
    test_out_check();
    test_planted_symlink();
    test_sweep();
    test_names();
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", D);
    if (system(cmd) != 0) printf("# could not remove %s\n", D);
    return TESTS_DONE();
}
