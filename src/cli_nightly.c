/* cli_nightly.c — `tongbao nightly`: the command around the nightly engine
 * (nightly.h): options and help, the nightly lock beside the database,
 * signals, the progress bar, the closing summary and the exit status.  The
 * engine does the work: scanning, parsing, numbering, rendering,
 * committing, writing and restoring. */
#define _GNU_SOURCE /* flock(2), sysconf(_SC_NPROCESSORS_ONLN) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "date.h"
#include "escalate.h"
#include "nightly.h"

static const char nt_help[] =
    "usage: tongbao nightly INBOX [--out DIR] [--db PATH] [--format pdf|ofd|pdf,ofd] [--pdfa]\n"
    "                     [--jobs N] [--dry-run] [--quiet] [--allow-backdated]\n"
    "                     [--escalate [--today D] [--after N]]\n"
    "Issues every INBOX/*.xml whose bulletin id is not issued yet in its series:\n"
    "validates, numbers, renders and archives it, and writes one 整改通知 extract\n"
    "per district into DIR/<series>/<year>/<NNN>/ as <series>-<year>-<NNN>.pdf\n"
    "(and .ofd when the bulletin is issued as OFD) and <district>.pdf\n"
    "('/', '\\' and '%' in a name are written %2F, %5C, %25;\n"
    "a leading '.' %2E).  Inputs are issued in bulletin date order (then id): 期号\n"
    "follow dates, and a bulletin dated before the last one issued in its series\n"
    "is rejected unless --allow-backdated.  A done input moves\n"
    "to INBOX/done/; a bad one to INBOX/rejected/ beside FILE.xml.err, which says\n"
    "what to fix; the others go on.  An input issued before (same id, same bytes)\n"
    "gets any missing outputs rewritten from the archive and moves to done/; the\n"
    "same id with different content is rejected.  A run that was killed is\n"
    "finished by running it again: nothing is issued twice and no number is lost.\n"
    "  --out DIR     where the PDFs go (default ./out)\n"
    "  --format F    the forms each bulletin is issued and archived in: pdf, ofd or\n"
    "                both (pdf,ofd); default: its template's <output formats=…>, else pdf\n"
    "  --pdfa        every PDF is PDF/A-2b (default: the template's <output pdfa=…>);\n"
    "                the extracts are PDF/A when their bulletin's PDF is\n"
    "  --db PATH     history database (default $TONGBAO_DB, else ./tongbao.db);\n"
    "                PATH.nightly.lock and a lock on INBOX keep a second nightly\n"
    "                on the same database or the same inbox out\n"
    "  --jobs N      render threads (default: the number of online CPUs)\n"
    "  --dry-run     validate and show what would be issued, with the numbers it\n"
    "                would get; writes and moves nothing (does not render)\n"
    "  --quiet       print only errors (for cron)\n"
    "  --escalate    then run tongbao escalate over every series with findings:\n"
    "                DIR/<series>/督办/<date>/<district>-督办通知书.pdf for each\n"
    "                district with overdue findings (see tongbao escalate --help);\n"
    "                --today D and --after N as there\n"
    "  --allow-backdated  issue a bulletin dated before its series' last issue\n"
    "                (it still gets the next number)\n"
    "On a terminal a progress bar shows files and pages; unless --quiet a summary\n"
    "table closes the run.  TONGBAO_NIGHTLY_TIMES=1 adds per-phase timings.\n"
    "exit status:\n"
    "   0  every input went through (or there was nothing to do)\n"
    "  10  some inputs were rejected (see INBOX/rejected/*.err), the others went through\n"
    "  11  another nightly holds the lock on this database or inbox; nothing was done\n"
    "   5  a template does not load: the inputs using it stay in INBOX, the others went through\n"
    "   2  bad command line or unreadable INBOX      4  fonts      6  output (disk)\n"
    "   7  database      70  internal error: the run stopped; what is not done stays in INBOX\n"
    "      and the next run finishes it\n"
    "  130/143  stopped by SIGINT/SIGTERM after the current bulletin; run again to finish\n";


/* ---- output: progress bar, summary ---------------------------------------------- */

static void cli_nightly_bar_clear(nt_run *r) {
    if (r->bar_shown) {
        fputs("\r\033[K", stdout);
        r->bar_shown = 0;
    }
}

static void cli_nightly_bar_draw(nt_run *r, int force) {
    if (!r->tty || r->quiet || r->dry) return;
    double now = nt_now();
    if (!force && now - r->last_draw < 0.1) return;
    r->last_draw = now;
    const int width = 24;
    int fill = r->n ? (int)((double)r->finished * width / (double)r->n) : width;
    char bar[width + 1];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '-';
    bar[width] = 0;
    double el = now - r->t0;
    printf("\r[%s] %zu/%zu files  %ld pages  %.1f bulletins/s\033[K", bar, r->finished, r->n, r->pages,
           el > 0 ? (double)r->issued / el : 0.0);
    fflush(stdout);
    r->bar_shown = 1;
}

static void cli_nightly_bar(nt_run *r) { cli_nightly_bar_draw(r, 0); }

/* ---- setup ------------------------------------------------------------------ */

/* Lock `what` (the database, or the inbox) through p: two nightlies on one
 * database would race for numbers, two on one inbox (each with its own
 * database) would both issue its files.  For the database p is the lock
 * file PATH.nightly.lock, which gets our pid; for the inbox it is the
 * inbox directory itself (flock works on a directory, and the inbox gets
 * no file of ours).  0 and *fd_out held until exit, or the exit status
 * (the message printed). */
static int cli_nightly_lock(const char *p, const char *what, int is_dir, int *fd_out) {
    int fail_code = is_dir ? TB_EUSAGE : TB_EDB;
    int fd = is_dir ? open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 && is_dir) {
        fprintf(stderr, "tongbao: nightly: cannot read the inbox %s: %s\n", p, strerror(errno));
        return fail_code;
    }
    if (fd < 0) {
        fprintf(stderr, "tongbao: nightly: cannot create the lock file %s: %s; check that %s's directory exists and is writable\n",
                p, strerror(errno), what);
        return fail_code;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        if (errno == EINTR) continue;
        int en = errno;
        if (en == EWOULDBLOCK) {
            char pid[32] = "";
            ssize_t n = is_dir ? 0 : pread(fd, pid, sizeof pid - 1, 0);
            pid[n > 0 ? n : 0] = 0;
            pid[strcspn(pid, "\n")] = 0;
            fprintf(stderr, "tongbao: nightly: another nightly is running on %s (it holds %s%s%s); "
                            "nothing was done — run again when it has finished\n",
                    what, p, pid[0] ? ", process " : "", pid);
            close(fd);
            return TB_EBUSY;
        }
        fprintf(stderr, "tongbao: nightly: cannot lock %s: %s\n", p, strerror(en));
        close(fd);
        return fail_code;
    }
    /* The pid is only a hint for the busy message: failing to write it is harmless. */
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (!is_dir && ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)n, 0) != n) {
        /* ignored, see above */
    }
    *fd_out = fd;
    return 0;
}

static void cli_nightly_summary(nt_run *r) {
    if (r->quiet) return;
    cli_nightly_bar_clear(r);
    double el = nt_now() - r->t0;
    const char *w = r->dry ? "would issue" : "issued";
    if (r->dry) printf("\nnightly dry run of %s: nothing was written or moved\n", r->inbox);
    else printf("\nnightly summary: %s → %s\n", r->inbox, r->outdir);
    printf("  %-16s %8ld\n", w, r->issued);
    printf("  %-16s %8ld\n", "extracts", r->extracts);
    printf("  %-16s %8ld\n", "already issued", r->already);
    if (r->rejected)
        printf("  %-16s %8ld   %s %s/rejected/*.err\n", "rejected", r->rejected, r->dry ? "would go to" : "see", r->inbox);
    else printf("  %-16s %8ld\n", "rejected", r->rejected);
    if (r->n - r->finished + (size_t)r->held)
        printf("  %-16s %8zu   left in the inbox for the next run\n", "not done", r->n - r->finished + (size_t)r->held);
    if (!r->dry) {
        printf("  %-16s %8ld\n", "pages", r->pages);
        if (r->restored) printf("  %-16s %8ld\n", "files restored", r->restored);
    }
    printf("  %-16s %8.2f\n", "seconds", el);
    printf("  %-16s %8.1f\n", "bulletins/s", el > 0 ? (double)r->issued / el : 0.0);
    if (!r->dry && r->pages) printf("  %-16s %8.1f\n", "pages/s", el > 0 ? (double)r->pages / el : 0.0);
    fflush(stdout);
}

static void cli_nightly_times(nt_run *r) {
    double parse = 0, render = 0, extracts = 0, cpu = 0, hash = 0, window = 0;
    long np = 0, nr = 0;
    for (int i = 0; r->workers && i < r->jobs; i++) {
        parse += r->workers[i].t_parse;
        render += r->workers[i].t_render;
        extracts += r->workers[i].t_extracts;
        cpu += r->workers[i].c_render;
        hash += r->workers[i].t_hash;
        window += r->workers[i].t_window;
        np += r->workers[i].n_parse;
        nr += r->workers[i].n_render;
    }
    double el = nt_now() - r->t0, proc = nt_clock(CLOCK_PROCESS_CPUTIME_ID);
    /* The main thread's serial share: what it does per bulletin that
     * nothing else can do meanwhile (waiting not included). */
    double serial = r->tm_reserve + r->tm_commit + r->tm_write + r->tm_move + r->tm_report + r->tm_restore;
    fprintf(stderr,
            "nightly times (s), %d jobs, wall %.3f, process CPU %.3f:\n"
            "  main: scan %.3f  parse-wait %.3f  reserve %.3f (%ld parts ahead, %ld renumbered)  commit %.3f (%ld groups)  write %.3f  move %.3f"
            "  report %.3f  wait-render %.3f  restore %.3f; serial %.2f ms per issued bulletin; CPU %.3f"
            " (reserve %.3f, commit %.3f: %.2f ms per issued bulletin)\n"
            "  writer: %ld batches, %ld files: write %.3f  sync %.3f  rename %.3f  move %.3f;"
            " %ld checkpoints %.3f; CPU %.3f\n"
            "  workers (sum): parse %.3f (%ld files, %.2f ms each)  bulletin %.3f  extracts %.3f"
            " (%ld items, %.2f ms each; CPU %.2f ms each)  hash %.3f  waiting for the window %.3f\n",
            r->jobs, el, proc, r->tm_scan, r->tm_parse, r->tm_reserve, r->n_ahead, r->n_renumber, r->tm_commit, r->groups, r->tm_write, r->tm_move,
            r->tm_report, r->tm_wait, r->tm_restore, r->issued ? serial * 1e3 / (double)r->issued : 0.0, r->c_main,
            r->c_reserve, r->c_commit, r->issued ? (r->c_reserve + r->c_commit) * 1e3 / (double)r->issued : 0.0,
            r->w_batches, r->w_files, r->tw_write, r->tw_sync, r->tw_rename, r->tw_move, r->w_ckpts, r->tw_ckpt,
            r->c_writer,
            parse, np,
            np ? parse * 1e3 / (double)np : 0.0, render, extracts, nr,
            nr ? (render + extracts) * 1e3 / (double)nr : 0.0, nr ? cpu * 1e3 / (double)nr : 0.0, hash, window);
}

static int cli_nightly_default_jobs(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > NT_MAX_JOBS) n = NT_MAX_JOBS;
    return (int)n;
}


/* nightly --escalate (issue 16): the letters after the night's bulletins. */
typedef struct {
    int on;
    const char *today;
    int after;              /* < 0: the template's */
} nt_escalate;

/* The options into r (and *db, *esc).  -1 go on, else the exit status. */
static int cli_nightly_args(int argc, char **argv, nt_run *r, const char **db, nt_escalate *esc) {
    for (int i = 1; i < argc; i++) {
        const char *v;
        int o;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(nt_help, stdout);
            return 0;
        }
        if ((o = cli_opt(argc, argv, &i, "--out", &v)) != 0) { if (o < 0) return TB_EUSAGE; r->outdir = v; }
        else if ((o = cli_opt(argc, argv, &i, "-o", &v)) != 0) { if (o < 0) return TB_EUSAGE; r->outdir = v; }
        else if ((o = cli_opt(argc, argv, &i, "--db", &v)) != 0) { if (o < 0) return TB_EUSAGE; *db = v; }
        else if ((o = cli_opt(argc, argv, &i, "--jobs", &v)) != 0 || (o = cli_opt(argc, argv, &i, "-j", &v)) != 0) {
            if (o < 0) return TB_EUSAGE;
            char *end;
            long j = strtol(v, &end, 10);
            if (*end || end == v || j < 1 || j > NT_MAX_JOBS) {
                fprintf(stderr, "tongbao: nightly: --jobs wants a number from 1 to %d, not \"%s\"\n", NT_MAX_JOBS, v);
                return TB_EUSAGE;
            }
            r->jobs = (int)j;
        } else if ((o = cli_opt(argc, argv, &i, "--format", &v)) != 0) {
            if (o < 0) return TB_EUSAGE;
            err e = {0};
            if (render_formset_parse(v, &r->forms, &e) < 0) {
                cli_error(&e);
                return TB_EUSAGE;
            }
        } else if (!strcmp(argv[i], "--pdfa")) r->pdfa = 1;
        else if (!strcmp(argv[i], "--escalate")) esc->on = 1;
        else if ((o = cli_opt(argc, argv, &i, "--today", &v)) != 0) {
            if (o < 0 || cli_day_option("nightly", "--today", v)) return TB_EUSAGE;
            esc->today = v;
        } else if ((o = cli_opt(argc, argv, &i, "--after", &v)) != 0) {
            if (o < 0) return TB_EUSAGE;
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || end == v || n < 0 || n > 3650) {
                fprintf(stderr, "tongbao: nightly: --after wants a number of days from 0 to 3650, not \"%s\"\n", v);
                return TB_EUSAGE;
            }
            esc->after = (int)n;
        } else if (!strcmp(argv[i], "--dry-run") || !strcmp(argv[i], "-n")) r->dry = 1;
        else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q")) r->quiet = 1;
        else if (!strcmp(argv[i], "--allow-backdated")) r->allow_backdated = 1;
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tongbao: nightly: unknown option %s; see tongbao nightly --help\n", argv[i]);
            return TB_EUSAGE;
        } else if (!r->inbox) r->inbox = argv[i];
        else {
            fprintf(stderr, "tongbao: nightly takes one INBOX directory (got %s too)\n", argv[i]);
            return TB_EUSAGE;
        }
    }
    if (!r->inbox) {
        fprintf(stderr, "tongbao: nightly needs an INBOX directory; see tongbao nightly --help\n");
        return TB_EUSAGE;
    }
    if (r->pdfa && r->forms == TPL_FORM_OFD) {
        fprintf(stderr, "tongbao: nightly: --pdfa is a form of PDF and --format ofd issues none; drop one\n");
        return TB_EUSAGE;
    }
    if (!esc->on && (esc->today || esc->after >= 0)) {
        fprintf(stderr, "tongbao: nightly: --today and --after go with --escalate\n");
        return TB_EUSAGE;
    }
    if (!strcmp(r->outdir, "-") || !*r->outdir) {
        fprintf(stderr, "tongbao: nightly: --out wants a directory (the outputs are a tree of PDFs), not \"%s\"\n",
                r->outdir);
        return TB_EUSAGE;
    }
    return -1;
}

/* The run after the lock: the engine's phases, then the summary.  Returns
 * the exit status. */
static int cli_nightly_run(nt_run *r) {
    err e = {0};
    int rc;
    /* Read the inbox first: an empty night needs no fonts and no database. */
    double t = nt_now();
    if ((rc = nt_scan(r)) != 0) return rc;
    r->tm_scan = nt_now() - t;
    if (r->n) {
        if (!r->dry && (rc = cli_setup_fonts()) != 0) return rc;
        if (nt_start(r, &e) < 0) {
            nt_fail(r, &e);
        } else {
            nt_parse_all(r);                 /* 1. parse everything, in parallel */
            if (!nt_stop_signal()) {
                nt_check_templates(r);       /* 2. templates; invalid inputs to rejected/ */
                if (!r->fatal && nt_issue(r, &e) < 0) nt_fail(r, &e);   /* 3., 4. */
            }
        }
    }
    nt_finish(r);
    int sig = nt_stop_signal();
    if (sig && !r->fatal)
        nt_complain(r, "stopped by signal %d; %zu inputs left in %s for the next run\n", sig,
                    r->n - r->finished, r->inbox);
    cli_nightly_summary(r);
    r->c_main = nt_clock(CLOCK_THREAD_CPUTIME_ID);
    if (r->times) cli_nightly_times(r);
    return r->fatal ? r->fatal : sig ? 128 + sig : r->held ? r->held_code : r->rejected ? TB_EPARTIAL : 0;
}

/* nightly --escalate: tongbao escalate over every series with findings,
 * after the night's bulletins (so a finding reported tonight is never
 * chased before its deadline), into DIR/<series>/督办/<date>/.  Returns 0
 * or the exit status of the first failure (the other series go on). */
static int cli_nightly_escalate(nt_run *r, const nt_escalate *esc) {
    err e = {0};
    int rc = 0;
    store *s = store_open_existing(r->dbpath, 0, &e);
    tpl_template *t = s ? tpl_load("duban", &e) : NULL;
    lay_ctx *lc = NULL;
    char **names = NULL;
    size_t n = 0;
    if (!s && e.code == TB_ENOTFOUND) return 0;   /* no history yet: nothing to chase */
    if (!t || esc_check_template(t, &e) < 0 || (!r->dry && (rc = cli_setup_fonts())) ||
        (!r->dry && !(lc = lay_ctx_new(&e))) || esc_list_series(s, &names, &n, &e) < 0) {
        if (!rc) {
            cli_error(&e);
            rc = e.code ? e.code : TB_EINTERNAL;
        }
        n = 0;
    }
    char today[11];
    if (esc->today) snprintf(today, sizeof today, "%s", esc->today);
    else date_today(today);
    for (size_t i = 0; i < n; i++) {
        char sname[FILE_NAME_MAX + 1];
        err ei = {0};
        esc_report rep;
        esc_report_init(&rep);
        size_t dl = strlen(r->outdir) + FILE_NAME_MAX + 40;
        char *dir = xmalloc(dl);
        int ok = dir && file_name_escape(names[i], "series", sname, sizeof sname, &ei) == 0;
        if (ok) snprintf(dir, dl, "%s/%s/督办/%s", r->outdir, sname, today);
        esc_opts o = {names[i], NULL, today, esc->after, dir, r->dry, r->dbpath};
        if (ok) ok = esc_run(s, lc, t, &o, &rep, &ei) == 0;
        if (!r->quiet && rep.lines.len) fputs(buf_cstr(&rep.lines), stdout);
        if (!ok) {
            if (!dir) err_set(&ei, TB_EINTERNAL, "", 0, 0, "out of memory");
            cli_error(&ei);
            if (!rc) rc = ei.code ? ei.code : TB_EINTERNAL;
        } else if (!r->quiet) {
            printf("escalate %s: %ld letter%s, %ld finding%s%s\n", names[i], rep.letters, rep.letters == 1 ? "" : "s",
                   rep.findings, rep.findings == 1 ? "" : "s", r->dry ? " (dry run)" : "");
        }
        esc_report_free(&rep);
        free(dir);
        free(names[i]);
    }
    free(names);
    lay_ctx_free(lc);
    tpl_free(t);
    store_close(s);
    return rc;
}

int cli_nightly(int argc, char **argv) {
    nt_run run;
    memset(&run, 0, sizeof run);
    nt_run *r = &run;
    const char *db = NULL;
    r->outdir = "out";
    r->jobs = cli_nightly_default_jobs();
    nt_escalate esc = {0, NULL, -1};
    int rc = cli_nightly_args(argc, argv, r, &db, &esc);
    if (rc >= 0) return rc;
    r->dbpath = cli_db_path(db);
    r->tty = isatty(STDOUT_FILENO);
    const char *tv = getenv("TONGBAO_NIGHTLY_TIMES");
    r->times = tv && *tv && strcmp(tv, "0");
    r->t0 = nt_now();
    r->progress = cli_nightly_bar;
    r->clear = cli_nightly_bar_clear;

    struct sigaction sa, old_int, old_term, old_pipe;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = nt_on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &old_pipe);

    /* Two locks: the inbox's (the directory) and the database's
     * (PATH.nightly.lock). */
    int lockfd = -1, inboxfd = -1;
    rc = 0;
    char *dblock = xmalloc(strlen(r->dbpath) + sizeof ".nightly.lock");
    if (!dblock) {
        fprintf(stderr, "tongbao: out of memory\n");
        rc = TB_EINTERNAL;
    } else if (!r->dry) {
        sprintf(dblock, "%s.nightly.lock", r->dbpath);
        rc = cli_nightly_lock(r->inbox, r->inbox, 1, &inboxfd);
        if (rc == 0) rc = cli_nightly_lock(dblock, r->dbpath, 0, &lockfd);
    }
    free(dblock);
    if (rc == 0) rc = cli_nightly_run(r);
    nt_free(r);
    /* the letters after the bulletins, under the same locks; a night whose
     * run stopped (not one that only rejected some inputs) sends none */
    if ((rc == 0 || rc == TB_EPARTIAL) && esc.on) {
        int erc = cli_nightly_escalate(r, &esc);
        if (erc && !rc) rc = erc;
    }
    if (inboxfd >= 0) close(inboxfd);
    if (lockfd >= 0) close(lockfd);   /* releases the locks; the files stay */
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    return rc;
}
