/* crash.c — named crash points (see crash.h). */
#define _POSIX_C_SOURCE 200809L
#include "crash.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How often the chosen point was reached.  The one piece of mutable state,
 * and only ever touched when TONGBAO_CRASH_AT names a point: atomic, since
 * points are reached by the main thread and the nightly's writer. */
static atomic_long crash_hits;

void crash_point(const char *name) {
    const char *spec = getenv("TONGBAO_CRASH_AT");
    if (!spec || !*spec) return;
    size_t len = strcspn(spec, ":");
    if (len != strlen(name) || memcmp(spec, name, len) != 0) return;
    long n = 1;
    int stop = 0;
    const char *rest = spec + len;
    if (*rest == ':') {
        rest++;
        if (*rest >= '0' && *rest <= '9') {
            char *end;
            n = strtol(rest, &end, 10);
            rest = end;
            if (*rest == ':') rest++;
        }
        stop = strcmp(rest, "stop") == 0;
    }
    long hit = atomic_fetch_add(&crash_hits, 1) + 1;
    if (hit != n) return;
    char line[160];
    int l = snprintf(line, sizeof line, "tongbao: crash point %s #%ld (TONGBAO_CRASH_AT)\n", name, hit);
    if (l > 0) {
        /* one write(2): the line is whole even if another thread prints */
        ssize_t w = write(STDERR_FILENO, line, (size_t)l < sizeof line ? (size_t)l : sizeof line - 1);
        (void)w;   /* nothing to do if stderr is gone: the exit status says it too */
    }
    if (stop) {
        raise(SIGSTOP);
        return;   /* continued (SIGCONT): the test wanted to look, not to kill */
    }
    _exit(CRASH_EXIT);
}
