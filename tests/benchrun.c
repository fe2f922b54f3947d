/* benchrun.c — run a command N times in fresh processes; print wall time
 * (min/median/max, ms), peak RSS (MiB, the largest child's) and CPU time
 * (user + system of the child and what it waited for, min/median ms: the
 * figure to compare on a loaded machine), so make bench needs no external
 * timing tool.  usage: benchrun N CMD [ARGS...] */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: benchrun N CMD [ARGS...]\n");
        return 2;
    }
    int n = atoi(argv[1]);
    if (n < 1 || n > 1000) n = 1;
    double *ms = calloc((size_t)n, sizeof *ms), *cpu = calloc((size_t)n, sizeof *cpu);
    if (!ms || !cpu) return 1;
    long maxrss = 0;
    for (int i = 0; i < n; i++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        pid_t pid = fork();
        if (pid < 0) return 1;
        if (pid == 0) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0) { dup2(fd, 1); dup2(fd, 2); }
            execvp(argv[2], argv + 2);
            _exit(127);
        }
        int st;
        struct rusage ru;
        if (wait4(pid, &st, 0, &ru) < 0) return 1;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            fprintf(stderr, "benchrun: %s failed (status %d)\n", argv[2], st);
            return 1;
        }
        ms[i] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
        if (ru.ru_maxrss > maxrss) maxrss = ru.ru_maxrss;
        cpu[i] = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
                 (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
    }
    qsort(ms, (size_t)n, sizeof *ms, cmp);
    qsort(cpu, (size_t)n, sizeof *cpu, cmp);
    /* the CPU figures' words differ from the wall ones ("min", "median"),
     * which the bench scripts pick out of this line */
    printf("runs %d  wall ms min %.1f  median %.1f  max %.1f  peak RSS %.1f MiB  CPU ms least %.1f  mid %.1f\n", n,
           ms[0], ms[n / 2], ms[n - 1], (double)maxrss / 1024.0, cpu[0], cpu[n / 2]);
    free(ms);
    free(cpu);
    return 0;
}
