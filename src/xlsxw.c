/* xlsxw.c — committing XLSX workbooks safely (see xlsxw.h). */
#include "xlsxw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static lxw_format *fmt(lxw_workbook *wb, int text, int locked, uint32_t bg) {
    lxw_format *f = workbook_add_format(wb);
    if (!f) return NULL;
    format_set_font_name(f, "宋体");
    format_set_font_size(f, 11);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_border_color(f, 0xBFBFBF);
    format_set_text_wrap(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (text) format_set_num_format(f, "@");
    if (!locked) format_set_unlocked(f);
    if (bg) {
        format_set_pattern(f, LXW_PATTERN_SOLID);
        format_set_bg_color(f, bg);
    }
    return f;
}

int xlsxw_open(xlsxw *x, const char *path, int flags, const char *tmpdir, err *e) {
    memset(x, 0, sizeof *x);
    x->fd = -1;
    x->scratch = (flags & XLSXW_SCRATCH) != 0;
    char via[64] = "";
    if (!(x->path = strdup(path))) return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    if (x->scratch) x->tmp = strdup(path);
    else {
        /* The temporary is ours alone (O_EXCL, no symlink followed, util.h);
         * libxlsxwriter opens files by name, so it gets the descriptor's
         * own name under /proc, which stays this file whatever happens to
         * the directory entry meanwhile. */
        if ((x->fd = file_open_temp(path, &x->tmp, e)) < 0) {
            free(x->path);
            x->path = NULL;
            return -1;
        }
        snprintf(via, sizeof via, "/proc/self/fd/%d", x->fd);
        if (access(via, W_OK) != 0) via[0] = 0;     /* no /proc: the name we just made */
    }
    lxw_workbook_options o = {.constant_memory = (uint8_t)((flags & XLSXW_CONSTANT_MEMORY) != 0), .tmpdir = (char *)tmpdir};
    x->wb = x->tmp ? workbook_new_opt(via[0] ? via : x->tmp, &o) : NULL;
    if (!x->wb) {
        if (x->fd >= 0) {
            close(x->fd);
            unlink(x->tmp);
        }
        free(x->path);
        free(x->tmp);
        x->path = x->tmp = NULL;
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    lxw_workbook *wb = x->wb;
    x->head = fmt(wb, 1, 1, 0xDDEBF7);
    x->title = workbook_add_format(wb);
    x->note = workbook_add_format(wb);
    x->locked = fmt(wb, 1, 1, 0xF2F2F2);
    x->open = fmt(wb, 1, 0, 0);
    x->open_date = fmt(wb, 0, 0, 0);
    x->overdue = fmt(wb, 1, 1, 0xFDE9E7);
    x->overdue_status = fmt(wb, 1, 1, 0xF8CBAD);
    x->example = fmt(wb, 1, 0, 0);
    x->bold = workbook_add_format(wb);
    if (!x->head || !x->title || !x->note || !x->locked || !x->open || !x->open_date || !x->overdue ||
        !x->overdue_status || !x->example || !x->bold) {
        xlsxw_close(x, 0, e);
        return err_set(e, TB_EINTERNAL, NULL, 0, 0, "out of memory");
    }
    format_set_bold(x->head);
    format_set_align(x->head, LXW_ALIGN_CENTER);
    format_set_font_name(x->title, "黑体");
    format_set_font_size(x->title, 16);
    format_set_align(x->title, LXW_ALIGN_CENTER);
    format_set_align(x->title, LXW_ALIGN_VERTICAL_CENTER);
    format_set_font_name(x->note, "宋体");
    format_set_font_size(x->note, 10);
    format_set_font_color(x->note, 0x595959);
    format_set_text_wrap(x->note);
    format_set_align(x->note, LXW_ALIGN_VERTICAL_CENTER);
    format_set_num_format(x->open_date, "yyyy-mm-dd");
    format_set_bold(x->overdue_status);
    format_set_font_color(x->overdue_status, 0xC00000);
    format_set_italic(x->example);
    format_set_font_color(x->example, 0x808080);
    format_set_bold(x->bold);
    format_set_font_name(x->bold, "宋体");
    return 0;
}

int xlsxw_close(xlsxw *x, int keep, err *e) {
    int rc = 0;
    if (x->wb) {
        errno = 0;
        lxw_error le = workbook_close(x->wb);
        int en = errno;
        x->wb = NULL;
        struct rlimit rl;
        if (keep && le != LXW_NO_ERROR && en == EFBIG && getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
            rc = err_set(e, TB_EOUTPUT, x->path, 0, 0, "cannot write the workbook: the file-size limit of this process "
                         "(ulimit -f) is %llu bytes; raise the limit and run again; nothing was replaced",
                         (unsigned long long)rl.rlim_cur);
        else if (keep && le != LXW_NO_ERROR)
            rc = err_set(e, TB_EOUTPUT, x->path, 0, 0, "cannot write the workbook: %s; check the directory exists, "
                         "is writable and has room", lxw_strerror(le));
    }
    if (x->fd >= 0) {
        if (keep && rc == 0 && fsync(x->fd) != 0)
            rc = err_set(e, TB_EOUTPUT, x->path, 0, 0, "cannot write: %s", strerror(errno));
        close(x->fd);   /* written and flushed through the other descriptor, or thrown away */
        x->fd = -1;
        if (keep && rc == 0) rc = file_commit_temp(x->tmp, x->path, 1, e);   /* removes it on failure */
        else unlink(x->tmp);
    }
    free(x->path);
    free(x->tmp);
    x->path = x->tmp = NULL;
    return rc;
}

int xlsxw_text(lxw_worksheet *ws, uint32_t row, uint16_t col, const char *s, lxw_format *f) {
    if (!s || !*s) return f ? (worksheet_write_blank(ws, row, col, f) == LXW_NO_ERROR ? 0 : -1) : 0;
    return worksheet_write_string(ws, row, col, s, f) == LXW_NO_ERROR ? 0 : -1;
}

void xlsxw_sheet_name(lxw_workbook *wb, const char *want, char *out, size_t cap) {
    char base[128];
    size_t o = 0, chars = 0, n = strlen(want);
    const char *p = want;
    while (n && chars < 28 && o + 5 < sizeof base) {
        size_t adv;
        uint32_t cp = utf8_decode(p, n, &adv);
        if (strchr("[]:*?/\\", (int)(cp < 128 ? cp : 'a')) && cp < 128) base[o++] = '_';
        else if (cp == '\'' && (o == 0 || n == adv)) base[o++] = '_';
        else {
            memcpy(base + o, p, adv);
            o += adv;
        }
        p += adv, n -= adv, chars++;
    }
    base[o] = 0;
    if (!o) snprintf(base, sizeof base, "Sheet");
    snprintf(out, cap, "%s", base);
    for (int k = 2; workbook_validate_sheet_name(wb, out) != LXW_NO_ERROR && k < 1000; k++) snprintf(out, cap, "%s(%d)", base, k);
}
