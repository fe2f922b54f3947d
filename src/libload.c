/* libload.c — libzip and libxlsxwriter, loaded when first used.
 *
 * Only the commands that read or write a workbook, a .docx or an OFD
 * package need them, yet linked into the binary they were loaded at every
 * start: with libcrypto, minizip and libbz2, which they pull in, some 5,300
 * of the 13,400 symbols the dynamic loader bound before main, 10.4 million
 * instructions of a 114 million cold render (callgrind; README, "Where the
 * time went in a cold render").  So the binary is not linked with them.
 * Each function tongbao calls is defined here under the library's own name
 * and prototype (the library's header is included, so the compiler checks
 * every definition against it); the first call into a library opens it by
 * the soname the build saw (LL_ZIP_SONAME, LL_XLSXWRITER_SONAME from the
 * Makefile) and looks up all of its functions at once, under pthread_once,
 * so any thread may be first.  A library that cannot be opened, or lacks a
 * function, ends the process with a message naming it (exit TB_EINTERNAL):
 * it is a dependency of the package, so that is a broken installation, and
 * no caller could do anything else with it.
 *
 * Adding a function: one line in ZIP_FNS or XLSX_FNS (ret, name, params,
 * args), or ZIP_VFNS / XLSX_VFNS for one that returns nothing. */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "util.h"

#ifndef LL_ZIP_SONAME
#define LL_ZIP_SONAME "libzip.so.4"
#endif
#ifndef LL_XLSXWRITER_SONAME
#define LL_XLSXWRITER_SONAME "libxlsxwriter.so.4"
#endif

#define ZIP_FNS(X)                                                                                                   \
    X(int, zip_close, (zip_t * a), (a))                                                                              \
    X(int, zip_error_code_zip, (const zip_error_t *a), (a))                                                          \
    X(const char *, zip_error_strerror, (zip_error_t * a), (a))                                                      \
    X(zip_int64_t, zip_error_to_data, (const zip_error_t *a, void *b, zip_uint64_t c), (a, b, c))                   \
    X(int, zip_fclose, (zip_file_t * a), (a))                                                                        \
    X(zip_int64_t, zip_file_add, (zip_t * a, const char *b, zip_source_t *c, zip_flags_t d), (a, b, c, d))           \
    X(int, zip_file_set_dostime, (zip_t * a, zip_uint64_t b, zip_uint16_t c, zip_uint16_t d, zip_flags_t f),         \
      (a, b, c, d, f))                                                                                               \
    X(int, zip_file_set_external_attributes, (zip_t * a, zip_uint64_t b, zip_flags_t c, zip_uint8_t d,               \
                                              zip_uint32_t f), (a, b, c, d, f))                                      \
    X(const char *, zip_file_strerror, (zip_file_t * a), (a))                                                        \
    X(zip_file_t *, zip_fopen, (zip_t * a, const char *b, zip_flags_t c), (a, b, c))                                 \
    X(zip_file_t *, zip_fopen_index, (zip_t * a, zip_uint64_t b, zip_flags_t c), (a, b, c))                          \
    X(zip_int64_t, zip_fread, (zip_file_t * a, void *b, zip_uint64_t c), (a, b, c))                                  \
    X(zip_int64_t, zip_get_num_entries, (zip_t * a, zip_flags_t b), (a, b))                                          \
    X(const char *, zip_libzip_version, (void), ())                                                                  \
    X(zip_int64_t, zip_name_locate, (zip_t * a, const char *b, zip_flags_t c), (a, b, c))                            \
    X(zip_t *, zip_open, (const char *a, int b, int *c), (a, b, c))                                                  \
    X(zip_t *, zip_open_from_source, (zip_source_t * a, int b, zip_error_t *c), (a, b, c))                           \
    X(int, zip_set_file_compression, (zip_t * a, zip_uint64_t b, zip_int32_t c, zip_uint32_t d), (a, b, c, d))       \
    X(zip_source_t *, zip_source_buffer, (zip_t * a, const void *b, zip_uint64_t c, int d), (a, b, c, d))            \
    X(zip_source_t *, zip_source_buffer_create, (const void *a, zip_uint64_t b, int c, zip_error_t *d), (a, b, c, d)) \
    X(int, zip_source_close, (zip_source_t * a), (a))                                                                \
    X(int, zip_source_open, (zip_source_t * a), (a))                                                                 \
    X(zip_int64_t, zip_source_read, (zip_source_t * a, void *b, zip_uint64_t c), (a, b, c))                          \
    X(int, zip_source_seek, (zip_source_t * a, zip_int64_t b, int c), (a, b, c))                                     \
    X(int, zip_source_stat, (zip_source_t * a, zip_stat_t *b), (a, b))                                               \
    X(zip_source_t *, zip_source_function, (zip_t * a, zip_source_callback b, void *c), (a, b, c))                   \
    X(zip_source_t *, zip_source_function_create, (zip_source_callback a, void *b, zip_error_t *c), (a, b, c))       \
    X(zip_int64_t, zip_source_tell, (zip_source_t * a), (a))                                                         \
    X(int, zip_stat_index, (zip_t * a, zip_uint64_t b, zip_flags_t c, zip_stat_t *d), (a, b, c, d))                  \
    X(const char *, zip_strerror, (zip_t * a), (a))
#define ZIP_VFNS(X)                                                                                                  \
    X(zip_discard, (zip_t * a), (a))                                                                                 \
    X(zip_error_fini, (zip_error_t * a), (a))                                                                        \
    X(zip_error_init, (zip_error_t * a), (a))                                                                        \
    X(zip_source_free, (zip_source_t * a), (a))                                                                      \
    X(zip_source_keep, (zip_source_t * a), (a))                                                                      \
    X(zip_stat_init, (zip_stat_t * a), (a))

#define XLSX_FNS(X)                                                                                                  \
    X(char *, lxw_strerror, (lxw_error a), (a))                                                                      \
    X(const char *, lxw_version, (void), ())                                                                         \
    X(lxw_format *, workbook_add_format, (lxw_workbook * a), (a))                                                    \
    X(lxw_worksheet *, workbook_add_worksheet, (lxw_workbook * a, const char *b), (a, b))                            \
    X(lxw_error, workbook_close, (lxw_workbook * a), (a))                                                            \
    X(lxw_workbook *, workbook_new_opt, (const char *a, lxw_workbook_options *b), (a, b))                            \
    X(lxw_error, workbook_validate_sheet_name, (lxw_workbook * a, const char *b), (a, b))                            \
    X(lxw_error, worksheet_autofilter, (lxw_worksheet * a, lxw_row_t b, lxw_col_t c, lxw_row_t d, lxw_col_t f),      \
      (a, b, c, d, f))                                                                                               \
    X(lxw_error, worksheet_data_validation_cell, (lxw_worksheet * a, lxw_row_t b, lxw_col_t c,                       \
                                                  lxw_data_validation *d), (a, b, c, d))                             \
    X(lxw_error, worksheet_data_validation_range, (lxw_worksheet * a, lxw_row_t b, lxw_col_t c, lxw_row_t d,         \
                                                   lxw_col_t f, lxw_data_validation *g), (a, b, c, d, f, g))         \
    X(lxw_error, worksheet_merge_range, (lxw_worksheet * a, lxw_row_t b, lxw_col_t c, lxw_row_t d, lxw_col_t f,      \
                                         const char *g, lxw_format *h), (a, b, c, d, f, g, h))                       \
    X(lxw_error, worksheet_repeat_rows, (lxw_worksheet * a, lxw_row_t b, lxw_row_t c), (a, b, c))                    \
    X(lxw_error, worksheet_set_column, (lxw_worksheet * a, lxw_col_t b, lxw_col_t c, double d, lxw_format *f),       \
      (a, b, c, d, f))                                                                                               \
    X(lxw_error, worksheet_set_row, (lxw_worksheet * a, lxw_row_t b, double c, lxw_format *d), (a, b, c, d))         \
    X(lxw_error, worksheet_write_blank, (lxw_worksheet * a, lxw_row_t b, lxw_col_t c, lxw_format *d), (a, b, c, d))  \
    X(lxw_error, worksheet_write_datetime, (lxw_worksheet * a, lxw_row_t b, lxw_col_t c, lxw_datetime *d,            \
                                            lxw_format *f), (a, b, c, d, f))                                         \
    X(lxw_error, worksheet_write_number, (lxw_worksheet * a, lxw_row_t b, lxw_col_t c, double d, lxw_format *f),     \
      (a, b, c, d, f))                                                                                               \
    X(lxw_error, worksheet_write_string, (lxw_worksheet * a, lxw_row_t b, lxw_col_t c, const char *d,                \
                                          lxw_format *f), (a, b, c, d, f))
#define XLSX_VFNS(X)                                                                                                 \
    X(format_set_align, (lxw_format * a, uint8_t b), (a, b))                                                         \
    X(format_set_bg_color, (lxw_format * a, lxw_color_t b), (a, b))                                                  \
    X(format_set_bold, (lxw_format * a), (a))                                                                        \
    X(format_set_border, (lxw_format * a, uint8_t b), (a, b))                                                        \
    X(format_set_border_color, (lxw_format * a, lxw_color_t b), (a, b))                                              \
    X(format_set_font_color, (lxw_format * a, lxw_color_t b), (a, b))                                                \
    X(format_set_font_name, (lxw_format * a, const char *b), (a, b))                                                 \
    X(format_set_font_size, (lxw_format * a, double b), (a, b))                                                      \
    X(format_set_italic, (lxw_format * a), (a))                                                                      \
    X(format_set_num_format, (lxw_format * a, const char *b), (a, b))                                                \
    X(format_set_pattern, (lxw_format * a, uint8_t b), (a, b))                                                       \
    X(format_set_text_wrap, (lxw_format * a), (a))                                                                   \
    X(format_set_unlocked, (lxw_format * a), (a))                                                                    \
    X(worksheet_fit_to_pages, (lxw_worksheet * a, uint16_t b, uint16_t c), (a, b, c))                                \
    X(worksheet_freeze_panes, (lxw_worksheet * a, lxw_row_t b, lxw_col_t c), (a, b, c))                              \
    X(worksheet_hide, (lxw_worksheet * a), (a))                                                                      \
    X(worksheet_protect, (lxw_worksheet * a, const char *b, lxw_protection *c), (a, b, c))                           \
    X(worksheet_set_landscape, (lxw_worksheet * a), (a))                                                             \
    X(worksheet_set_paper, (lxw_worksheet * a, uint8_t b), (a, b))

/* The tables of the libraries' functions, filled once by ll_open. */
#define LL_PTR(ret, name, params, args) ret(*name) params;
#define LL_VPTR(name, params, args) void(*name) params;
static struct {
    ZIP_FNS(LL_PTR) ZIP_VFNS(LL_VPTR)
} zf;
static struct {
    XLSX_FNS(LL_PTR) XLSX_VFNS(LL_VPTR)
} xf;

_Noreturn static void ll_broken(const char *soname, const char *what) {
    char line[512];
    int l = snprintf(line, sizeof line,
                     "tongbao: cannot load %s (%s); tongbao needs it for workbooks, .docx and OFD files: "
                     "reinstall it (Debian: libzip4, libxlsxwriter4)\n", soname, what ? what : "?");
    if (l > 0) {
        ssize_t w = write(STDERR_FILENO, line, (size_t)l < sizeof line ? (size_t)l : sizeof line - 1);
        (void)w;
    }
    _exit(TB_EINTERNAL);
}

static void *ll_sym(void *h, const char *soname, const char *name) {
    void *p = dlsym(h, name);
    if (!p) ll_broken(soname, name);
    return p;
}

/* Assigning dlsym's object pointer to a function pointer through its bytes
 * is how POSIX says it is done. */
#define LL_LOOK(ret, name, params, args) *(void **)&T.name = ll_sym(h, SONAME, #name);
#define LL_VLOOK(name, params, args) *(void **)&T.name = ll_sym(h, SONAME, #name);

static void ll_open_zip(void) {
    void *h = dlopen(LL_ZIP_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) ll_broken(LL_ZIP_SONAME, dlerror());
#define T zf
#define SONAME LL_ZIP_SONAME
    ZIP_FNS(LL_LOOK) ZIP_VFNS(LL_VLOOK)
#undef T
#undef SONAME
}

static void ll_open_xlsx(void) {
    void *h = dlopen(LL_XLSXWRITER_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!h) ll_broken(LL_XLSXWRITER_SONAME, dlerror());
#define T xf
#define SONAME LL_XLSXWRITER_SONAME
    XLSX_FNS(LL_LOOK) XLSX_VFNS(LL_VLOOK)
#undef T
#undef SONAME
}

static pthread_once_t zip_once = PTHREAD_ONCE_INIT, xlsx_once = PTHREAD_ONCE_INIT;

/* The functions themselves: open the library on first use, then call. */
#define LL_CALL(once, open, tab, ret, name, params, args) \
    ret name params {                                     \
        pthread_once(&once, open);                        \
        return tab.name args;                             \
    }
#define LL_VCALL(once, open, tab, name, params, args) \
    void name params {                                \
        pthread_once(&once, open);                    \
        tab.name args;                                \
    }
#define LL_ZIP(ret, name, params, args) LL_CALL(zip_once, ll_open_zip, zf, ret, name, params, args)
#define LL_VZIP(name, params, args) LL_VCALL(zip_once, ll_open_zip, zf, name, params, args)
#define LL_XLSX(ret, name, params, args) LL_CALL(xlsx_once, ll_open_xlsx, xf, ret, name, params, args)
#define LL_VXLSX(name, params, args) LL_VCALL(xlsx_once, ll_open_xlsx, xf, name, params, args)
ZIP_FNS(LL_ZIP)
ZIP_VFNS(LL_VZIP)
XLSX_FNS(LL_XLSX)
XLSX_VFNS(LL_VXLSX)
