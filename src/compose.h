/* compose.h — model → document.  All Chinese phrasing rules live here:
 * preamble, 一是/二是 numbering, location elision, joining punctuation,
 * rectification sentence, requirements, cases, date formats (docs/format.md 1–7).
 * compose does not know templates: wording a template may change reaches it
 * through compose_opts.word().
 *
 * Wording keys (word(ctx, key) returning NULL = compose's default):
 *   method-default     "督查"      inspection method when <inspection method=> is absent
 *   preamble-tail      "现将{method}中发现的问题通报如下："
 *   category-lead      "{n}是"     {n} = Chinese numeral (一, 十一, 二十 …)
 *   requirement-lead   "{n}要"
 *   case-number        "{n}、"     {n} = Arabic digits
 *   finding-id         "（{id}）"
 *   finding-repeat     "（{note}）"   {note} e.g. 该问题第2次通报，前次见第5期
 *   finding-recurring  "（{note}）"   a problem put right that is back at the
 *                       same place; {note} 该问题曾于第5期通报并已整改，现再次出现
 *   finding-deadline   "（整改时限：{deadline}）"   (zhenggai only)
 *   rectification      "对以上通报中存在的问题，{responsible}要立即整改，并对相关责任人
 *                       严肃问责处理，整改及处理结果[务于{deadline}前]{manner}
 *                       [报送{report-to}|上报]。"   (one line; zhenggai: "对以上问题，…")
 *   responsible-units  "及相关单位"  appended to the district list when unit findings exist
 *   responsible-units-only "相关单位"  responsible when there are no district findings
 *   zhenggai-title     "关于{method}发现问题限期整改的通知"   also {district}, {title}
 *   zhenggai-to        "{district}"  (the "to" block adds the full-width colon)
 *   zhenggai-intro     "[{period}，][{inspectors-action}，]发现你区存在以下问题，现通知如下："
 *                       also {inspectors}, {action}, {method}, {district}
 *   mark               "{issuer}"   版头 mark field; also {series}
 *   issue              "第{n}期"
 *   doc-number         "{doc-number}" (zhenggai: "", none: an extract is not
 *                      its parent) the 发文字号 field; also {district},
 *                      {year}, {n} (the issue), {series}
 *
 * History paragraphs (issue 5; they need b->history, which history_prepare
 * or history_restore fills when a bulletin is issued or regenerated; never
 * in a district extract).  The value "yes"/"on" takes compose's wording,
 * "no"/"off"/"" leaves the paragraph out, anything else is a pattern:
 *   history-status     上期整改情况, after the rectification sentence.
 *                      Default on for dubao and jianbao, off for wenze and
 *                      zhenggai.  Printed only when the previous issue of
 *                      the series reported findings.  Default wording
 *                      ({status}), each 0 figure's clause left out:
 *                      "上期通报的6个问题中，已整改2个，正在整改1个，逾期未整改3个。
 *                      逾期未整改的分别是：河东区新华社区新华小区（QX2026-001-001）、
 *                      …。此次督查发现，上期通报的问题中有3个仍未整改到位，已再次
 *                      通报。" — or "…已全部整改。" / "…均在整改期限内。" /
 *                      "…均逾期未整改。"; more than 10 overdue: "…包括：…等。"
 *                      A finding tongbao escalate wrote letters about
 *                      (issue 16) says so: "…（QX2026-001-001，已督办2次）";
 *                      key history-escalated, default "已督办{n}次".
 *                      Placeholders: {status} {prev-issue} (第1期, 2025年第30期)
 *                      {prev-date} {total} {done} {open} {overdue}
 *                      {overdue-list} {repeated} {date} (the as-of date).
 *   history-stats      截至目前…, after the cases, before the requirements.
 *                      Default on for dubao, jianbao and wenze (wenze: cases
 *                      and accountability only), off for zhenggai.  Printed
 *                      only when the series has bulletins before this one
 *                      (the first issue has nothing cumulative to add).
 *                      Figures include this bulletin.  Default "截至目前，
 *                      {stats}。" with {stats} e.g. "共开展督查3轮，累计涉及街道
 *                      9个（次）、卡点44个（次），发现问题13个（含重复通报5个，
 *                      其中整改后复发1个 when there are such），
 *                      已整改4个，逾期未整改6个；印发督查通报3期，典型案例通报1期
 *                      2起2人；问责党组织1个、党员干部2人，其中乡科级领导干部1人、
 *                      村（社区）干部1人，诫勉1人、通报批评1人"; a 0 figure drops
 *                      its clause, an empty group its ；.  Placeholders:
 *                      {stats} {rounds} {scope} {findings} {repeats} {recurring} {done}
 *                      {open} {overdue} {bulletins} {case-bulletins} {cases}
 *                      {people} {orgs} {ranks} {kinds} {date}; a figure of 0
 *                      is empty, so "[，问责{people}人]" drops out.
 *   history-bulletin-name  "督查通报" (jianbao: "简报") in 印发…P期
 *   history-scope-max  "6"  how many scope entries 累计涉及… names: counts
 *                      alike once spaces and full-width letters are folded
 *                      are one entry; past the number the list ends with 等;
 *                      "0" leaves the scope out (template.c checks it is a
 *                      number)
 * Items (compose_items.c, docs/format.md section 11): item-style,
 * item-points, item-point-lead, item-source, news-dateline, stats-draft,
 * quoted-bulletin-name; templates/README.md lists their defaults.
 * Scope figures summed over several inspections are visits: "街道9个（次）";
 * from one inspection "4个街道".  Ranks are listed most senior first
 * (…县处级, 乡科级, 一般干部, 村…), kinds heaviest first (立案审查, 党纪处分,
 * 政务处分, 组织处理, 诫勉, 通报批评, 批评教育, 提醒谈话); 其他 is not named.
 *
 * Text: a '|' in the title is where the input wants it to break: the title
 * block gets a line feed there (layout breaks the line), the fields, the
 * outline and the PDF's metadata nothing.  A finding text that opens with
 * the place word its location ends with (江景社区 + 社区…) loses it.  Every
 * ASCII bracket pair that stands in Chinese is set full-width
 * (compose_normalize).  <note> becomes a block of style "note" in （）.
 *
 * Fields are values without labels (cc = "市纪委监委，市委组织部", copies =
 * "40"); the template writes 抄送：…, 共印…份.  Formatted ones: date and
 * print-date "2026年11月21日", issue "第7期", mark, title (zhenggai title
 * for extracts), issued-by (default issuer), year, district (extracts).
 *
 * Placeholder language: {name} is replaced by its value; an unknown name is
 * left as written (a typo shows in proof-reading).  [a|b|…] writes the first
 * alternative in which at least one placeholder has a value, or which has no
 * placeholder at all; if none qualifies the group disappears.  So
 * "[务于{deadline}前]" vanishes without a deadline and "[报送{report-to}|上报]"
 * falls back to 上报.  Values are never re-scanned.
 *
 * Blocks produced, in order (every block is omitted when its data is absent):
 *   title · to ("{to}："; not for jianbao) · body: preamble (rule 1), or for
 *   zhenggai the intro · body per category ("一是…。" run styled "lead",
 *   outline "一是…"; runs "id", "repeat", "deadline" for annotations) · body:
 *   rectification · body: history-status · cases (not zhenggai): body lead,
 *   then per case a "case-title" block (keep_with_next, outline) and a body
 *   block · body: history-stats · body: requirements (not zhenggai; "一要…。"
 *   runs styled "lead") · signature and date (not jianbao).
 *
 * Body blocks carry their part (doc.h "Parts") for a template's <order>:
 * preamble (also the zhenggai intro), findings (the category paragraphs),
 * rectification, status (history-status), cases (lead, titles and facts),
 * statistics (history-stats), requirements. */
#ifndef TB_COMPOSE_H
#define TB_COMPOSE_H

#include "model.h"
#include "doc.h"

typedef struct {
    /* Which kind of document: "dubao" (督查通报, default), "jianbao" (简报),
     * "wenze" (问责典型案例通报), "zhenggai" (整改通知, a district extract). */
    const char *kind;
    /* District extract: only this district's findings (zhenggai). NULL = all. */
    const char *district;
    /* Print finding IDs after each finding, by default "（JC2026-007-003）"
     * (word "finding-id"); extracts (zhenggai) always print them. */
    int show_ids;
    /* Template wording lookup: returns the template's text for key, or NULL to
     * use compose's default.  May be NULL. */
    const char *(*word)(void *ctx, const char *key);
    void *word_ctx;
} compose_opts;

/* Chinese numerals: 1→一 … 10→十, 11→十一, 20→二十, 21→二十一, 99→九十九,
 * 100→一百, 101→一百零一, 110→一百一十.  Writes into out (≥ 32 bytes). */
void compose_cn_number(int n, char *out, size_t outlen);
/* Date/time formatting per docs/format.md rule 5/7.  ref_year: the bulletin's
 * year (0 = always print the year).  "2026-11-22T17:00" → "11月22日17：00";
 * with a different year → "2025年11月22日17：00"; hours without a leading
 * zero ("9：05").  Accepts YYYY-MM-DD[THH:MM[:SS]] (seconds not printed).
 * Returns -1 if iso is not a valid date or outlen < 32. */
int compose_date(const char *iso, int ref_year, char *out, size_t outlen);
/* Header date: "2026-11-21" → "2026年11月21日" (a time part is ignored).
 * Returns -1 if iso is not a valid date or outlen < 32. */
int compose_date_full(const char *iso, char *out, size_t outlen);

/* Every text of a composed document (runs, fields, table cells, figure
 * labels) with ASCII brackets that stand in Chinese set full-width:
 * 乡镇(街道) → 乡镇（街道）, so one bulletin never mixes the two.  (A pair
 * around ASCII alone in ASCII context, such as "Covid(19)", stays.)
 * compose_bulletin applies it to what it writes; render again after the
 * appendix and the chart.  0, or -1 when out of memory. */
int compose_normalize(doc_document *d);
/* A finding's text as a table cell: without a joining mark in front (、，；:
 * it joins the previous finding in the body, not in a cell) and without a
 * final 。；，、, so every 问题 cell ends the same way.  Returns text itself
 * when nothing changes, else a copy in a (NULL when out of memory). */
const char *compose_cell_text(arena *a, const char *text);

/* Districts of the bulletin's findings in order of first appearance (unit
 * findings excluded), e.g. to produce one zhenggai extract per district.
 * The array lives in arena a; strings point into the model.  NULL on OOM. */
const char **compose_districts(const model_bulletin *b, arena *a, size_t *n);

/* Compose the whole document.  Returns NULL and fills e on failure:
 * TB_EINPUT for a malformed date in the model (with the finding's line when
 * known), TB_ETEMPLATE for an unknown kind, TB_ENOTFOUND when opts->district
 * has no findings, TB_EINTERNAL when out of memory. */
doc_document *compose_bulletin(const model_bulletin *b, const compose_opts *o, err *e);

/* ---- letters (issue 16; compose_letter.c) --------------------------------
 * A letter of `tongbao escalate`: one district's (or unit's) overdue
 * findings, grouped by level (the highest first), in the 信函格式.  Every
 * sentence is the template's; there is no default wording in C.  A level
 * (the template's <escalation><level>) gives:
 *   name      督办, 提醒, 告诫 — {level}
 *   title     the letter's title word when it is the letter's highest
 *             level: 督办通知书, 督办提醒书, 督办告诫书 — {level-title}
 *   lead      the sentence before the level's findings; {count} {district}
 *             {level} {you} (letter-you: 你区, or for a unit letter-you-unit:
 *             你单位; the name itself without them)
 *   warning   (optional) closes the letter when it is the highest level;
 *             placeholders as letter-demand
 * Wording keys (all required):
 *   letter-title   {district} {level-title} {level}
 *   letter-to      {district} {level-title} {level}   (the to block adds ：)
 *   letter-item    one finding: {n} (1, 2 … across the groups), {place} (street,
 *                  community, site: the district is the addressee), {problem}
 *                  (its text without the closing mark), {id}, {issue} (第1期;
 *                  2025年第30期 in another year), {deadline} (its own),
 *                  {missed} (the last letter's deadline it passed; empty at
 *                  the first escalation), {level}, {times} (escalations
 *                  before this one; empty at the first)
 *   letter-demand  {new-deadline} (11月30日) {report-to} {district} {level} {you}
 *   letter-number  the 发文字号: {prefix} (the series' 发文字号 before 〔, else
 *                  its code) {year} {n}
 *   letter-cc      (optional) the 抄送 field of the 版记
 *   letter-you, letter-you-unit  (optional) {you}
 * Fields: title, to, mark (word "mark", {issuer} {series}), issuer,
 * issued-by, doc-number, date, series, district, year, cc. */
typedef struct {
    const char *name, *title, *lead, *warning;
} compose_level;

/* What a template lacks for a letter, appended to missing ("<wording> key
 * letter-item, lead= of level 提醒"); returns how many parts are missing. */
int compose_letter_check(const compose_level *levels, size_t n_levels, const compose_opts *o, buf *missing);
/* The letter's 发文字号 from letter-number, in a; NULL when the template has
 * none or out of memory. */
const char *compose_letter_number(const compose_opts *o, const char *prefix, int year, int n, arena *a);
/* Compose the letter: TB_ETEMPLATE naming what the template lacks, TB_EINPUT
 * for a malformed date, TB_EINTERNAL when out of memory. */
doc_document *compose_letter(const model_letter *l, const compose_level *levels, size_t n_levels,
                             const compose_opts *o, err *e);

#endif
