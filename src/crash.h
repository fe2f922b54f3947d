/* crash.h — named crash points, for testing what a killed process leaves.
 *
 * The README's "order of effects" promises that a process killed at any
 * moment leaves the history and the files in a state the next run
 * finishes: nothing lost, nothing issued twice, no number skipped.  The
 * tests make that moment exact: each step of the order calls
 * crash_point("name"), and with
 *
 *     TONGBAO_CRASH_AT=name[:n][:stop]
 *
 * in the environment the n-th time (default the first) the process reaches
 * that step it writes one line on stderr,
 *
 *     tongbao: crash point name #n (TONGBAO_CRASH_AT)
 *
 * and ends at once with _exit(CRASH_EXIT): no atexit handlers, no flushing,
 * no SQLite rollback, other threads stopped where they are — what kill -9
 * does.  With ":stop" it stops itself (SIGSTOP) instead, so a test can
 * kill -9 it there, a real SIGKILL landing at a known step.
 *
 * Unset (always, in production) a crash point is one getenv() and nothing
 * else.  The steps are listed, in order, in the README ("Crash points"). */
#ifndef TB_CRASH_H
#define TB_CRASH_H

#define CRASH_EXIT 99   /* the exit status of a crash point: no other exit uses it */

void crash_point(const char *name);

#endif
