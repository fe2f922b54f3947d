/* unit_util.c — the shared arena's growable arrays and the out-of-memory
 * policy (src/util.c): an allocation that cannot be had ends the process
 * with the one message and TB_ENOMEM, in a child so the test goes on. */
#define _POSIX_C_SOURCE 200809L
#include "testlib.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_arena_grow(void) {
    arena *a = arena_new();
    int *xs = NULL;
    size_t cap = 0, n = 0;
    for (int i = 0; i < 20; i++) {
        arena_grow(a, (void **)&xs, &cap, n, sizeof *xs);
        xs[n++] = i;
    }
    CHECK("arena_grow keeps growing", cap >= 20 && n == 20, "cap %zu", cap);
    /* A second pass over the same list with a fresh cap (what a repeated
     * template element did): the copy must fit, nothing is lost. */
    size_t cap2 = 0;
    arena_grow(a, (void **)&xs, &cap2, n, sizeof *xs);
    int ok = cap2 > n;
    xs[n++] = 20;
    for (size_t i = 0; i < n; i++) ok &= xs[i] == (int)i;
    CHECK("arena_grow with its cap behind the count makes room past it", ok, "cap %zu for %zu", cap2, n);
    arena_free(a);
}

/* Run fn in a child; its exit status and what it wrote on stderr. */
static int in_child(void (*fn)(void), char *err, size_t n) {
    int p[2];
    if (pipe(p) < 0) return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(p[1], STDERR_FILENO);
        close(p[0]);
        fn();
        _exit(0);
    }
    close(p[1]);
    size_t got = 0;
    ssize_t r;
    while (got + 1 < n && (r = read(p[0], err + got, n - 1 - got)) > 0) got += (size_t)r;
    err[got] = 0;
    close(p[0]);
    int st;
    if (waitpid(pid, &st, 0) < 0) return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void grow_overflow(void) {
    arena *a = arena_new();
    int *xs = NULL;
    size_t cap = 1;
    arena_grow(a, (void **)&xs, &cap, 1, SIZE_MAX / 2);
}
static void malloc_huge(void) { (void)!xmalloc(SIZE_MAX - 64); }
static void calloc_overflow(void) { (void)!xcalloc(SIZE_MAX / 2, 4); }
static void buf_huge(void) {
    buf b;
    buf_init(&b);
    buf_add(&b, "x", SIZE_MAX / 2);
}
static void arena_huge(void) { (void)!arena_alloc(arena_new(), SIZE_MAX - 64); }

static void test_oom(void) {
    static const struct { const char *name; void (*fn)(void); const char *want; } cases[] = {
        {"xmalloc of more than there is", malloc_huge, "tongbao: out of memory allocating 18446744073709551551 bytes\n"},
        {"xcalloc whose size overflows", calloc_overflow, "tongbao: out of memory allocating 18446744073709551615 bytes\n"},
        {"arena_grow whose size overflows", grow_overflow, "tongbao: out of memory allocating 18446744073709551614 bytes\n"},
        {"arena_alloc of more than there is", arena_huge, "tongbao: out of memory allocating 18446744073709551551 bytes\n"},
        {"buf_add of more than there is", buf_huge, "tongbao: out of memory allocating 9223372036854775807 bytes\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char err[256], name[128];
        int rc = in_child(cases[i].fn, err, sizeof err);
        snprintf(name, sizeof name, "out of memory: %s ends with the message and exit %d", cases[i].name, TB_ENOMEM);
        /* the last line: under ASan a warning of its own comes first */
        size_t el = strlen(err), wl = strlen(cases[i].want);
        int last = el >= wl && !strcmp(err + el - wl, cases[i].want) && (el == wl || err[el - wl - 1] == '\n');
        CHECK(name, rc == TB_ENOMEM && last, "exit %d, stderr \"%s\"", rc, err);
    }
}

int main(void) {
    test_arena_grow();
    test_oom();
    return TESTS_DONE();
}
