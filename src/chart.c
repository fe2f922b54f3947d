/* chart.c — findings by district, stacked by category (see chart.h).
 *
 * The chart is built from rectangles, rules and text items in points from
 * the figure's top-left corner; layout shapes the text with the template's
 * faces, so CJK labels use the same fonts (and fallback) as the body.
 * Geometry needs text widths before shaping: CJK characters advance one em
 * on the grid and ASCII digits half of one, which is what the estimate
 * below uses, and every label is anchored (centred or right-aligned) by
 * layout with its real width, so the estimate only decides spacing.
 *
 * Colours: the default palette steps through lightness (CIELAB L* 28, 70,
 * 45, 80, 58, 88, 38, 64) while changing hue, so neighbouring segments stay
 * apart on a black-and-white printer; white rules separate the segments
 * and the count of each tall-enough segment is printed inside it. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compose.h"

static const unsigned default_palette[] = {
    0x134180, 0xED9845, 0xB6453B, 0x98D5A0, 0x3594C8, 0xFDD79A, 0x266451, 0xD080BF,
};

typedef struct {
    doc_document *d;
    doc_figure *f;
    const tpl_template *t;
    double fs;                  /* label size */
    double grid;                /* the grid's tracking: char_pitch / body_size */
    err *e;
    /* what is drawn: counts per group (district, then units) and category */
    const model_bulletin *b;
    const char **groups;
    size_t n_g, n_c;
    int *count;                 /* [g * n_c + k] */
    int *used;                  /* [k]: the category has findings here */
    int total, max;             /* all findings; the tallest bar */
    /* how */
    const char *style;
    double W, H;                /* the figure, points */
    double pal[12][3];
    size_t n_pal;
} cctx;

static int oom(cctx *c) { return err_set(c->e, TB_EINTERNAL, NULL, 0, 0, "out of memory"); }

static double est_width(const cctx *c, const char *s, double size) {
    return (double)utf8_width(s) * size / 2 * c->grid;
}

/* Relative luminance of an sRGB colour: dark fills get white numbers. */
static double luminance(const double rgb[3]) {
    double y = 0;
    static const double w[3] = {0.2126, 0.7152, 0.0722};
    for (int k = 0; k < 3; k++) {
        double v = rgb[k] <= 0.04045 ? rgb[k] / 12.92 : pow((rgb[k] + 0.055) / 1.055, 2.4);
        y += w[k] * v;
    }
    return y;
}

/* 1, 2 or 5 × 10^k: the smallest step that needs at most 5 intervals. */
static int nice_step(int max) {
    int step = 1;
    for (;;) {
        int m[3] = {1, 2, 5};
        for (int k = 0; k < 3; k++)
            if ((max + step * m[k] - 1) / (step * m[k]) <= 5) return step * m[k];
        step *= 10;
    }
}

static int is_unit(const model_finding *f) { return !str_empty(f->unit); }

/* chart_add, step 1: the groups (districts in order of first appearance,
 * then the units; only district's own with one) and the counts. */
static int chart_count(cctx *c, const char *district) {
    const model_bulletin *b = c->b;
    doc_document *d = c->d;
    const tpl_chart *tc = &c->t->chart;
    size_t n_d = 0;
    const char **ds = compose_districts(b, d->arena, &n_d);
    if (!ds && n_d) return oom(c);
    int units = 0;
    for (size_t k = 0; k < b->n_categories; k++)
        for (size_t i = 0; i < b->categories[k].n_findings; i++) units |= is_unit(&b->categories[k].findings[i]);
    size_t n_g = 0, n_c = b->n_categories;
    const char **groups = arena_alloc(d->arena, (n_d + 2) * sizeof *groups);
    int *count = arena_alloc(d->arena, (n_d + 2) * (n_c + 1) * sizeof *count);
    if (!groups || !count) return oom(c);
    for (size_t g = 0; g < n_d; g++)
        if (!district || !strcmp(ds[g], district)) groups[n_g++] = ds[g];
    size_t unit_g = n_g;
    if (units && !district) groups[n_g++] = tc->units_label ? tc->units_label : "有关单位";
    int total = 0, max = 0;
    for (size_t k = 0; k < n_c; k++)
        for (size_t i = 0; i < b->categories[k].n_findings; i++) {
            const model_finding *f = &b->categories[k].findings[i];
            size_t g = n_g;
            if (is_unit(f)) g = district ? n_g : unit_g;
            else
                for (size_t q = 0; q < n_g; q++)
                    if (str_eq(groups[q], f->district)) g = q;
            if (g >= n_g) continue;
            count[g * n_c + k]++;
            total++;
        }
    c->groups = groups;
    c->n_g = n_g;
    c->n_c = n_c;
    c->count = count;
    c->total = total;
    if (total == 0) return 0;
    int *used = arena_alloc(d->arena, (n_c + 1) * sizeof *used);
    if (!used) return oom(c);
    for (size_t g = 0; g < n_g; g++) {
        int sum = 0;
        for (size_t k = 0; k < n_c; k++) sum += count[g * n_c + k], used[k] |= count[g * n_c + k] > 0;
        if (sum > max) max = sum;
    }
    c->used = used;
    c->max = max;
    return 0;
}

/* Step 2: the caption on the last grid line of the figure. */
static int chart_caption(cctx *c, const char *cap_style, double cap_size, int number) {
    const tpl_chart *tc = &c->t->chart;
    const char *cap_pat = tc->caption ? tc->caption : "图{n} 各区发现问题数量（按类别）";
    buf cap;
    buf_init(&cap);
    const char *ph = strstr(cap_pat, "{n}");
    if (ph) {
        buf_add(&cap, cap_pat, (size_t)(ph - cap_pat));
        buf_printf(&cap, "%d", number);
        buf_puts(&cap, ph + 3);
    } else buf_puts(&cap, cap_pat);
    double lp = c->t->line_pitch;
    int rc = buf_cstr(&cap) ? doc_fig_text(c->d, c->f, c->W / 2, c->H - lp + (lp - cap_size) / 2, 0,
                                           DOC_ALIGN_CENTER, buf_cstr(&cap), cap_style, NULL)
                            : -1;
    buf_free(&cap);
    return rc < 0 ? oom(c) : 0;
}

/* Step 3: the legend, swatch + name flowing in centred rows above the
 * caption.  *top: where it starts. */
static int chart_legend(cctx *c, double *top) {
    const model_bulletin *b = c->b;
    doc_document *d = c->d;
    size_t n_c = c->n_c;
    double fs = c->fs, W = c->W;
    double sw = fs * 0.9, gap = fs * 0.4, sep = fs * 1.5, row_h = fs * 1.6;
    double *ew = arena_alloc(d->arena, (n_c + 1) * sizeof *ew);
    int *erow = arena_alloc(d->arena, (n_c + 1) * sizeof *erow);
    double *rw = arena_alloc(d->arena, (n_c + 1) * sizeof *rw);
    if (!ew || !erow || !rw) return oom(c);
    int n_rows = 0;
    double x = 0;
    for (size_t k = 0; k < n_c; k++) {
        if (!c->used[k]) continue;
        const char *name = b->categories[k].title ? b->categories[k].title : "";
        ew[k] = sw + gap + est_width(c, name, fs);
        if (n_rows == 0 || x + sep + ew[k] > W) {
            erow[k] = n_rows++;
            rw[erow[k]] = ew[k];
            x = ew[k];
        } else {
            erow[k] = n_rows - 1;
            x += sep + ew[k];
            rw[erow[k]] = x;
        }
    }
    double leg_top = c->H - c->t->line_pitch - fs * 0.4 - n_rows * row_h;
    int row = -1;
    for (size_t k = 0; k < n_c; k++) {
        if (!c->used[k]) continue;
        if (erow[k] != row) {
            row = erow[k];
            x = (W - rw[row]) / 2;
        }
        double y = leg_top + row * row_h + (row_h - fs) / 2;
        const double *col = c->pal[k % c->n_pal];
        if (doc_fig_rect(d, c->f, x, y + (fs - sw) / 2, sw, sw, col) < 0 ||
            doc_fig_text(d, c->f, x + sw + gap, y, 0, DOC_ALIGN_LEFT, b->categories[k].title, c->style, NULL) < 0)
            return oom(c);
        x += ew[k] + sep;
    }
    *top = leg_top;
    return 0;
}

static const double black[3] = {0, 0, 0}, white[3] = {1, 1, 1}, light[3] = {0.82, 0.82, 0.82};

/* Step 4b: one stacked bar centred on cx, its segments' counts inside,
 * its total above and its group's label below. */
static int chart_bar(cctx *c, size_t g, double cx, double bw, double plot_b, double scale, double label_w) {
    doc_document *d = c->d;
    double fs = c->fs, y = plot_b;
    const char *style = c->style;
    char num[32];
    int sum = 0;
    for (size_t k = 0; k < c->n_c; k++) {
        int v = c->count[g * c->n_c + k];
        if (!v) continue;
        double h = v * scale;
        const double *col = c->pal[k % c->n_pal];
        if (doc_fig_rect(d, c->f, cx - bw / 2, y - h, bw, h, col) < 0) return oom(c);
        if (sum > 0 && doc_fig_rule(d, c->f, cx - bw / 2, y, cx + bw / 2, y, 0.8, white) < 0) return oom(c);
        snprintf(num, sizeof num, "%d", v);
        if (h >= fs * 1.15 && est_width(c, num, fs) < bw - 2 &&
            doc_fig_text(d, c->f, cx, y - h / 2 - fs / 2, 0, DOC_ALIGN_CENTER, num, style,
                         luminance(col) < 0.3 ? white : black) < 0)
            return oom(c);
        y -= h;
        sum += v;
    }
    snprintf(num, sizeof num, "%d", sum);
    if (doc_fig_text(d, c->f, cx, y - fs * 1.25, 0, DOC_ALIGN_CENTER, num, style, NULL) < 0 ||
        doc_fig_text(d, c->f, cx, plot_b + fs * 0.4, label_w, DOC_ALIGN_CENTER, c->groups[g], style, NULL) < 0)
        return oom(c);
    return 0;
}

/* Step 4: the plot between the top and the legend: y axis label and scale,
 * the bars with their x labels, the axes.  lines: the figure's, for the
 * message when it is too small. */
static int chart_plot(cctx *c, double leg_top, int lines) {
    const tpl_template *t = c->t;
    const tpl_chart *tc = &t->chart;
    doc_document *d = c->d;
    double fs = c->fs;
    const char *style = c->style;
    size_t n_g = c->n_g;
    int max = c->max;
    /* y axis scale */
    int step = nice_step(max), top_v = ((max + step - 1) / step) * step;
    if (top_v == max) top_v += step;    /* room above the tallest bar for its total */
    char num[32];
    snprintf(num, sizeof num, "%d", top_v);
    double tick_w = est_width(c, num, fs);
    const char *axis = tc->axis_label ? tc->axis_label : "问题数（个）";
    double plot_l = tick_w + fs * 0.9, plot_r = c->W - fs * 0.5;
    /* a little air between the text above and the axis label */
    double y0 = t->line_pitch * 0.4, plot_t = y0 + fs * 1.9;

    /* x labels: wrapped into the slot when a district's name is long */
    double slot = (plot_r - plot_l) / (double)n_g;
    /* a label may wrap within its slot, but never narrower than one character */
    double label_w = slot - fs * 0.4 > fs ? slot - fs * 0.4 : fs;
    /* lines break between characters: count whole characters per line */
    double per_line = floor(label_w / (fs * c->grid) + 1e-6);
    if (per_line < 1) per_line = 1;
    int xl_lines = 1;
    for (size_t g = 0; g < n_g; g++) {
        int l = (int)ceil((double)utf8_width(c->groups[g]) / 2 / per_line - 1e-9);
        if (l > xl_lines) xl_lines = l;
    }
    double plot_b = leg_top - fs * 0.6 - xl_lines * 1.2 * fs - fs * 0.4;
    if (plot_b - plot_t < 3 * fs)
        return err_set(c->e, TB_ETEMPLATE, t->path, 0, 0,
                       "<chart lines=\"%d\"> leaves no room for the bars under the legend; give it more lines", lines);
    double scale = (plot_b - plot_t) / top_v;
    /* the plot may give up half its height to fill a page */
    c->f->flex_top = plot_t;
    c->f->flex_bottom = plot_b;
    c->f->min_height = c->f->height - (plot_b - plot_t) / 2;

    if (doc_fig_text(d, c->f, 0, y0, 0, DOC_ALIGN_LEFT, axis, style, NULL) < 0) return oom(c);
    for (int v = 0; v <= top_v; v += step) {
        double y = plot_b - v * scale;
        snprintf(num, sizeof num, "%d", v);
        if ((v > 0 && doc_fig_rule(d, c->f, plot_l, y, plot_r, y, 0.4, light) < 0) ||
            doc_fig_rule(d, c->f, plot_l - fs * 0.3, y, plot_l, y, 0.6, black) < 0 ||
            doc_fig_text(d, c->f, plot_l - fs * 0.45, y - fs / 2, 0, DOC_ALIGN_RIGHT, num, style, NULL) < 0)
            return oom(c);
    }

    double bw = slot * 0.56;
    if (bw > fs * 3.6) bw = fs * 3.6;
    for (size_t g = 0; g < n_g; g++)
        if (chart_bar(c, g, plot_l + slot * ((double)g + 0.5), bw, plot_b, scale, label_w) < 0) return -1;
    /* axes last, over the bars' feet */
    if (doc_fig_rule(d, c->f, plot_l, plot_t - fs * 0.5, plot_l, plot_b, 0.75, black) < 0 ||
        doc_fig_rule(d, c->f, plot_l, plot_b, plot_r, plot_b, 0.75, black) < 0)
        return oom(c);
    return 0;
}

int chart_add(doc_document *d, const model_bulletin *b, const tpl_template *t, const char *district, int number,
              err *e) {
    const tpl_chart *tc = &t->chart;
    cctx C = {.d = d, .t = t, .fs = 10.5, .grid = t->char_pitch / t->body_size, .e = e, .b = b}, *c = &C;
    if (district && !*district) district = NULL;
    if (chart_count(c, district) < 0) return -1;
    if (c->total == 0) return 0;

    c->style = tc->style ? tc->style : "chart";
    const char *cap_style = tc->caption_style ? tc->caption_style : "caption";
    tpl_style st, cst;
    tpl_resolve(t, c->style, NULL, &st);
    tpl_resolve(t, cap_style, NULL, &cst);
    c->fs = st.size > 0 ? st.size : 10.5;
    int lines = tc->lines ? tc->lines : 12;
    c->W = t->block_w;
    c->H = lines * t->line_pitch;
    doc_block *blk = doc_add_figure(d, c->H);
    if (!blk || doc_set_part(d, blk, "chart") < 0) return oom(c);
    c->f = blk->figure;

    c->n_pal = tc->n_palette;
    if (c->n_pal) memcpy(c->pal, tc->palette, sizeof c->pal);
    else {
        c->n_pal = sizeof default_palette / sizeof default_palette[0];
        for (size_t k = 0; k < c->n_pal; k++)
            for (int q = 0; q < 3; q++) c->pal[k][q] = ((default_palette[k] >> (16 - 8 * q)) & 255) / 255.0;
    }
    double leg_top = 0;
    if (chart_caption(c, cap_style, cst.size, number) < 0 || chart_legend(c, &leg_top) < 0 ||
        chart_plot(c, leg_top, lines) < 0)
        return -1;
    return 1;
}
