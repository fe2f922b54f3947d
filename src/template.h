/* template.h — templates/NAME.xml: page geometry, named styles, the blocks of
 * page furniture (版头/报头, 版记/报尾, page numbers) and template wording.
 *
 * A template is a file a user can copy and edit; nothing about a bulletin's
 * look is a constant in C.  Search order for a template name: the directory
 * in $TONGBAO_TEMPLATES, the user's ~/.config/tongbao/templates, then the
 * templates/ directory shipped with tongbao.  All lengths are stored in PDF
 * points (1 mm = 72/25.4 pt). */
#ifndef TB_TEMPLATE_H
#define TB_TEMPLATE_H

#include <stddef.h>
#include "util.h"

/* UNDER_PREVIOUS: the 成文日期 of an unsealed 署名 (GB/T 9704 7.3.5.2): its
 * first character `indent` characters right of the previous block's first
 * character; when that would pass its right-indent, it is set flush at the
 * right-indent and the previous block moves left as far. */
typedef enum { TPL_LEFT, TPL_CENTER, TPL_RIGHT, TPL_JUSTIFY, TPL_CENTER_OVER_NEXT, TPL_UNDER_PREVIOUS } tpl_align;

/* Which members a style sets; unset members inherit (body ← block ← run). */
enum {
    TPL_S_FONT = 1 << 0, TPL_S_SIZE = 1 << 1, TPL_S_COLOR = 1 << 2, TPL_S_BOLD = 1 << 3,
    TPL_S_ALIGN = 1 << 4, TPL_S_INDENT = 1 << 5, TPL_S_LINDENT = 1 << 6,
    TPL_S_RINDENT = 1 << 7, TPL_S_BEFORE = 1 << 8, TPL_S_AFTER = 1 << 9,
    TPL_S_KEEP = 1 << 10, TPL_S_FIT = 1 << 11, TPL_S_LINES = 1 << 12
};

typedef struct {
    const char *name;
    unsigned set;               /* TPL_S_* bits */
    const char *font;           /* font role: fangsong, xiaobiaosong, heiti, kaiti, songti */
    double size;                /* pt */
    double rgb[3];
    int bold;
    tpl_align align;
    double indent;              /* first-line indent, in characters of this style */
    double left_indent, right_indent;   /* in body characters */
    double space_before, space_after;   /* in grid lines */
    int keep_with_next;
    int fit;                    /* shrink the size so one line fits the block */
    double line_pitch;          /* grid lines per text line (default 1) */
} tpl_style;

typedef enum { TPL_ITEM_TEXT, TPL_ITEM_RULE } tpl_item_kind;

typedef struct {
    tpl_item_kind kind;
    const char *style;          /* text items */
    const char *text;           /* "{field}" patterns; or */
    const char *left, *right;   /* a two-part line: left-aligned and right-aligned */
    double top;                 /* head: distance from the block top to the item top (pt); <0 = flow */
    double after, after_lines;  /* head, flow items: space above the item, below the previous item
                                   present (pt + grid lines); both 0 = right under it */
    /* head items placed from the paper's edges, not the block (信函格式, GB/T
     * 9704 10.1: the mark 30 mm below the top edge, a double rule 20 mm above
     * the bottom edge); < 0 = unset.  page_top: the paper's top edge to the
     * item's top; page_bottom: the item's lower edge to the paper's bottom
     * edge.  Items after a page_top item flow from it as from any other. */
    double page_top, page_bottom;
    double weight;              /* rule thickness (pt) */
    double length;              /* rule: length (pt), centred on the paper; 0 = across the block */
    double rgb[3];              /* rule colour */
} tpl_item;

typedef struct {
    const char *key, *text;
} tpl_word_entry;

/* One column of the appendix table (<appendix><column …/>). */
typedef struct {
    const char *field;          /* seq, id, location, text, deadline, responsible,
                                   category, district, observed */
    const char *head;           /* header text; NULL = the field's default label */
    double width;               /* body characters; 0 = "*": what the others leave */
    int align;                  /* tpl_align, or -1 = the cell style's */
} tpl_column;

/* <appendix>: the 附件 问题清单 and how it looks.  NULL strings and zero
 * numbers mean "appendix.c's default" (labels there, documented in
 * templates/README.md). */
typedef struct {
    const char *label, *title, *note;   /* 附件 / 问题清单 / 附件：问题清单 ("" = no note) */
    const char *label_style, *title_style, *note_style;
    const char *head_style, *cell_style, *group_style;
    const char *empty;                  /* text of a cell without a value */
    int group;                          /* 1 = a row per category, -1 = none, 0 = default */
    tpl_column *cols;
    size_t n_cols;
    double pad_x, pad_y, rule_weight;   /* pt; < 0 = default */
    int has_rule_rgb, has_head_fill;
    double rule_rgb[3], head_fill[3];
} tpl_appendix;

/* <chart>: findings by district, stacked by category. */
typedef struct {
    int lines;                          /* height in grid lines, caption included; 0 = default */
    const char *caption, *axis_label, *units_label;
    const char *style, *caption_style;
    double palette[12][3];
    size_t n_palette;                   /* 0 = the built-in grayscale-safe palette */
} tpl_chart;

/* <escalation>: the letters of `tongbao escalate` (督办通知书 and the levels
 * after it).  A finding's first escalation takes levels[0], its second
 * levels[1] …, and every one after the last takes the last.  NULL strings:
 * the template does not say (compose_letter names what is missing). */
typedef struct {
    const char *name;           /* 督办, 提醒, 告诫: recorded with each escalation */
    const char *title;          /* the letter's title word at this level (督办通知书) */
    const char *lead;           /* the sentence before this level's findings */
    const char *warning;        /* the closing warning when this is the letter's highest level */
} tpl_level;

typedef struct {
    tpl_level *levels;          /* n_levels == 0: not a letter template */
    size_t n_levels;
    int working_days;           /* the new deadline: this many working days after the letter */
    int calendar_days;          /* … or this many days (when working_days is 0) */
    int after_days;             /* default of escalate --after */
} tpl_escalation;

typedef struct tpl_template {
    arena *arena;
    const char *name, *path, *description, *kind;
    char *xml;                  /* the file's bytes, archived with each bulletin */
    size_t xml_len;
    /* geometry */
    double page_w, page_h, top, left, block_w, block_h;
    int lines, chars;
    double body_size;
    double line_pitch, char_pitch;      /* derived: block_h/lines, block_w/chars */
    int squeeze_adjacent;       /* <page squeeze-adjacent="yes">: two marks side by side (）、)
                                   give up a blank half everywhere; no (default): nowhere */
    /* styles */
    tpl_style *styles;
    size_t n_styles;
    /* 版头: first page only; reserves head_lines grid lines */
    tpl_item *head;
    size_t n_head;
    int head_lines;
    double head_gap;            /* >= 0: the body starts this many grid lines below the head's
                                   last item (the red rule; GB/T 9704 7.3.1: 标题 空二行), not on
                                   grid line head_lines; < 0 = unset */
    /* 版记/报尾: bottom of the last page */
    tpl_item *tail;
    size_t n_tail;
    int sides;                  /* 2 (default): printed on both sides, the 版记 goes on the last
                                   even page (GB/T 9704 7.4, 封四); 1: on the last page */
    /* page numbers */
    const char *folio_format, *folio_style;
    double folio_below;         /* pt from the block bottom to the top of the folio's ink (the
                                   一字线 of "— 1 —"; GB/T 9704 7.5: 一字线上距版心下边缘7mm) */
    double folio_inset;         /* characters in from the block edge */
    int folio_outer;            /* odd right / even left (else centred) */
    int folio_first;            /* 1 (default): page 1 has its number; 0: not (信函格式) */
    /* wording for compose, and the order of body parts */
    tpl_word_entry *words;
    size_t n_words;
    /* <lexicon>: words a title never breaks inside, beyond those ICU's
     * dictionary knows (疫情 防控 暗访 …) */
    const char **lexicon;
    size_t n_lexicon;
    const char *order;          /* <order> as written, NULL = compose's order */
    const char **parts;         /* its part names (head/tail left out), n_parts */
    size_t n_parts;
    /* the letters of tongbao escalate (<escalation>); n_levels 0 = none */
    tpl_escalation escalation;
    /* appendix table and chart (each on when <order> names it) */
    tpl_appendix appendix;
    tpl_chart chart;
    /* <output>: the forms a bulletin of this template is written and
     * archived in (TPL_FORM_* bits; 0 = PDF only) and whether its PDF is
     * PDF/A-2b.  The command line may override both for one run. */
    unsigned forms;
    int pdfa;
    /* Switches of one run, not from the file (render --appendix, --chart):
     * 0 = as <order> says, 1 = on (placed where <order> says, else the
     * chart before the signature and the appendix at the end), -1 = off. */
    int force_appendix, force_chart;
} tpl_template;

enum { TPL_FORM_PDF = 1, TPL_FORM_OFD = 2 };

/* Part names an <order> may use (doc.h "Parts"); NULL-terminated. */
extern const char *const tpl_part_names[];

/* Find a template by name (see search order above). */
tpl_template *tpl_load(const char *name, err *e);
tpl_template *tpl_load_file(const char *path, err *e);
tpl_template *tpl_load_memory(const char *xml, size_t len, const char *name, err *e);
void tpl_free(tpl_template *t);

/* Directories searched, in order; returns how many were written to dirs[]
 * (each a malloc'd string the caller frees). */
size_t tpl_search_path(char *dirs[], size_t max);
/* The directory holding tongbao's own data (templates/, fonts/): $TONGBAO_HOME;
 * else the one beside the executable (a build tree, or <prefix>/share/tongbao
 * for <prefix>/bin/tongbao); else the directory make install wrote into the
 * build (DATADIR, default /usr/local/share/tongbao); else ".".  Malloc'd. */
char *tpl_data_dir(void);

const tpl_style *tpl_style_get(const tpl_template *t, const char *name);
/* Effective style for a run: "body", then the block style, then the run style. */
void tpl_resolve(const tpl_template *t, const char *block_style, const char *run_style, tpl_style *out);
/* Does the template's <order> name this part?  (No <order>: 0.) */
int tpl_has_part(const tpl_template *t, const char *part);
/* compose_opts.word callback: ctx is the tpl_template. */
const char *tpl_word(void *ctx, const char *key);

#endif
