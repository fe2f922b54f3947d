# tests/e2e_scale.sh — issue 18: the history at scale, on a small one
# (sourced by run.sh): the statistics summary against plain SQL and through
# verify and rebuild-stats, findings paged with --limit/--after (every
# status, and those not put right by district and by series), archive
# verify --since, a version-3 database upgraded with its summary
# filled, the scope clause bounded.  tests/gen_history makes the history (10,000 findings in three
# series, the last bulletin dated 2026-11-20); make bench runs the same
# commands on 1, 5 and 10 million.
SD="$T/scale"
mkdir -p "$SD"
SDB="$SD/h.db"
s_eq() { if [ "$2" = "$3" ]; then ok "$1"; else ko "$1" "got «$2», want «$3»"; fi; }
s_sql() { sqlite3 "$1" "$2" 2>&1; }

"$BUILD/tests/gen_history" "$SDB" -n 303 -f 33 --force >"$SD/gen.out" 2>&1 ||
    ko "gen_history makes a history" "$(cat "$SD/gen.out")"

# ---- the summary: plain SQL, a bulletin's 截至目前 ------------------------------
JC=江城市疫情防控督查通报
sid=$(s_sql "$SDB" "SELECT id FROM series WHERE name = '$JC'")
s_eq "summary after a bulk load: bulletins, findings and open findings as counted by SQL" \
    "$(s_sql "$SDB" "SELECT bulletins || '/' || findings || '/' || open FROM series_stats WHERE series_id = $sid")" \
    "$(s_sql "$SDB" "SELECT count(*) || '/' || sum(n_findings) || '/' || (SELECT count(*) FROM finding WHERE series_id = $sid AND status = 'open') FROM bulletin WHERE series_id = $sid")"
sed 's/id="jc-2026-11-20-night"/id="scale-one-more"/; s/<date>2026-11-21</<date>2026-11-22</' \
    examples/inbox/jc-2026-11-20-night.xml >"$SD/one.xml"
"$TB" issue "$SD/one.xml" --db "$SDB" -o "$SD/one.pdf" >"$SD/issue.out" 2>&1 ||
    ko "issue into a long history" "$(cat "$SD/issue.out")"
# 截至目前: the findings of the series, this bulletin's included, and those
# put right, as plain SQL counts them after the issue
nf=$(s_sql "$SDB" "SELECT count(*) FROM finding WHERE series_id = $sid")
nd=$(s_sql "$SDB" "SELECT count(*) FROM finding WHERE series_id = $sid AND status = 'done'")
pdftotext "$SD/one.pdf" - 2>/dev/null | tr -d ' \n' >"$SD/one.txt"
grep -qF "发现问题${nf}个" "$SD/one.txt" && grep -qF "已整改${nd}个" "$SD/one.txt" &&
    ok "截至目前 in the bulletin: ${nf} findings, ${nd} put right, as SQL counts them" ||
    ko "截至目前 in the bulletin: ${nf} findings, ${nd} put right, as SQL counts them" "$(grep -o '截至目前[^。]*' "$SD/one.txt")"
"$TB" archive verify --db "$SDB" >"$SD/v.out" 2>&1 && grep -q "statistics and database intact" "$SD/v.out" &&
    ok "archive verify: the summary agrees with the recount" || ko "archive verify: the summary agrees with the recount" "$(cat "$SD/v.out")"

# a summary changed behind tongbao's back is found and counted again
cp "$SDB" "$SD/t.db"
s_sql "$SD/t.db" "UPDATE series_stats SET findings = findings + 5 WHERE series_id = $sid" >/dev/null
"$TB" archive verify --db "$SD/t.db" >"$SD/t.out" 2>&1; rc=$?
[ $rc -eq 9 ] && grep -q "FAULT statistics of $JC: findings .* in the summary" "$SD/t.out" && grep -q "rebuild-stats" "$SD/t.out" &&
    ok "archive verify: a changed summary is a fault naming the figure and the command (exit 9)" ||
    ko "archive verify: a changed summary is a fault naming the figure and the command (exit 9)" "exit $rc: $(cat "$SD/t.out")"
"$TB" archive rebuild-stats --db "$SD/t.db" >"$SD/rb.out" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "for 3 series; 1 had differed" "$SD/rb.out" && "$TB" archive verify --db "$SD/t.db" >/dev/null 2>&1 &&
    ok "archive rebuild-stats mends it (3 series, 1 differed), verify clean again" ||
    ko "archive rebuild-stats mends it (3 series, 1 differed), verify clean again" "exit $rc: $(cat "$SD/rb.out")"
"$TB" archive rebuild-stats --help | grep -q "rebuild-stats" && ok "archive rebuild-stats --help" || ko "archive rebuild-stats --help" "no text"

# ---- findings, paged --------------------------------------------------------------
"$TB" findings --db "$SDB" --district 东湖区 --today 2026-11-22 --csv | tail -n +2 | cut -d, -f1 >"$SD/all.ids"
: >"$SD/paged.ids"
after=""
pages=0
while [ $pages -lt 20 ]; do
    # shellcheck disable=SC2086
    "$TB" findings --db "$SDB" --district 东湖区 --today 2026-11-22 --csv --limit 250 ${after:+--after "$after"} \
        2>"$SD/page.err" | tail -n +2 | cut -d, -f1 >"$SD/page.ids"
    cat "$SD/page.ids" >>"$SD/paged.ids"
    pages=$((pages + 1))
    after=$(sed -n 's/.*--after \([^ ]*\) for the next page.*/\1/p' "$SD/page.err")
    [ -n "$after" ] || break
    [ "$after" = "$(tail -1 "$SD/page.ids")" ] || { ko "findings --limit: the next page starts after the last row" "$after"; break; }
done
n_all=$(wc -l <"$SD/all.ids" | tr -d ' ')
[ "$n_all" -gt 600 ] && cmp -s "$SD/all.ids" "$SD/paged.ids" &&
    ok "findings --limit 250 --after: $pages pages make the whole listing ($n_all), in order" ||
    ko "findings --limit 250 --after: $pages pages make the whole listing ($n_all), in order" "$(wc -l <"$SD/paged.ids") rows paged"
# (here the codes sort as the names do, and IDs as issues: zero-padded)
LC_ALL=C sort -c "$SD/all.ids" 2>/dev/null; sorted=$?
first=$(head -1 "$SD/all.ids")
s_eq "findings: series by name, then issue order" "$sorted/$(s_sql "$SDB" "SELECT code FROM series ORDER BY name LIMIT 1")" \
    "0/$(printf '%s' "$first" | sed 's/[0-9].*//')"
"$TB" findings --db "$SDB" --district 东湖区 --today 2026-11-22 --limit 3 >"$SD/t3" 2>&1
s_eq "findings --limit 3: three rows and the line naming the next page" \
    "$(grep -c '^[A-Z][A-Z]*[0-9]' "$SD/t3")/$(tail -1 "$SD/t3" | sed 's/.*more follow: --after //')" "3/$(sed -n 3p "$SD/all.ids")"
"$TB" findings --db "$SDB" --district 东湖区 --today 2026-11-22 >"$SD/table"
s_eq "findings table streamed past its first 200 rows: one header, every row, the count" \
    "$(grep -c '^ID  ' "$SD/table")/$(grep -c '^[A-Z][A-Z]*[0-9]' "$SD/table")/$(tail -1 "$SD/table" | cut -d' ' -f1)" "1/$n_all/$n_all"
"$TB" findings --db "$SDB" --status undone --district 西山区 --today 2026-11-22 --csv | tail -n +2 | cut -d, -f1 >"$SD/u.ids"
s_eq "findings --status undone --district: as SQL has them" "$(wc -l <"$SD/u.ids" | tr -d ' ')" \
    "$(s_sql "$SDB" "SELECT count(*) FROM finding WHERE district = '西山区' AND status = 'open'")"
# The findings not put right are sorted by keys (schema 6: the partial
# indexes over open findings, bulletin_order), then fetched: their pages
# make the whole listing, in the order and with the rows of plain SQL, for
# a district and for a series.
s_pages() { # s_pages OUT ARGS...: the IDs of every page of 7, appended to OUT
    out=$1; shift
    : >"$out"
    after=""
    n=0
    while [ $n -lt 200 ]; do
        # shellcheck disable=SC2086
        "$TB" findings --db "$SDB" --today 2026-11-22 --csv --limit 7 ${after:+--after "$after"} "$@" \
            2>"$SD/p.err" | tail -n +2 | cut -d, -f1 >>"$out"
        n=$((n + 1))
        after=$(sed -n 's/.*--after \([^ ]*\) for the next page.*/\1/p' "$SD/p.err")
        [ -n "$after" ] || break
    done
}
s_sorted() { # s_sorted district|series NAME undone|overdue
    case "$1" in
    district) col="f.district = '$2'" ;;
    *) col="s.name = '$2'" ;;
    esac
    case "$3" in
    undone) due="" ;;
    *) due="AND f.deadline < '2026-11-22'" ;;
    esac
    "$TB" findings --db "$SDB" --today 2026-11-22 --csv --"$1" "$2" --status "$3" | tail -n +2 | cut -d, -f1 >"$SD/s.whole"
    s_pages "$SD/s.paged" --"$1" "$2" --status "$3"
    s_sql "$SDB" "SELECT f.id FROM finding f JOIN bulletin b ON b.id = f.bulletin_id JOIN series s ON s.id = b.series_id
        WHERE $col AND f.status = 'open' $due ORDER BY s.name, b.year, b.issue_no, f.seq" >"$SD/s.want"
    n_w=$(wc -l <"$SD/s.want" | tr -d ' ')
    if [ "$n_w" -gt 20 ] && cmp -s "$SD/s.whole" "$SD/s.want" && cmp -s "$SD/s.paged" "$SD/s.want"; then
        ok "findings --$1 --status $3: whole and in pages of 7, the $n_w rows of plain SQL in its order"
    else
        ko "findings --$1 --status $3: whole and in pages of 7, the $n_w rows of plain SQL in its order" \
            "$(wc -l <"$SD/s.whole") whole, $(wc -l <"$SD/s.paged") paged: $(diff "$SD/s.whole" "$SD/s.want" | head -5)"
    fi
}
s_sorted district 东湖区 undone
s_sorted district 西山区 overdue
s_sorted series "$JC" undone
s_sorted series "$JC" overdue
"$TB" findings --db "$SDB" --after XX1999-001-001 >/dev/null 2>"$SD/na.err"; rc=$?
[ $rc -eq 8 ] && grep -q "no finding XX1999-001-001" "$SD/na.err" && ok "findings --after an unknown ID: exit 8, named" ||
    ko "findings --after an unknown ID: exit 8, named" "exit $rc: $(cat "$SD/na.err")"
"$TB" findings --db "$SDB" --limit 0 >/dev/null 2>&1; rc=$?
s_eq "findings --limit 0 is a usage error" "$rc" 2

# ---- archive verify --since ---------------------------------------------------------
cp "$SDB" "$SD/s.db"
s_sql "$SD/s.db" "UPDATE bulletin_file SET pdf = CAST('old' AS BLOB) WHERE bulletin_id = (SELECT min(id) FROM bulletin)" >/dev/null
"$TB" archive verify --db "$SD/s.db" --since 2026-11-15 >"$SD/s.out" 2>&1; rc=$?
recent=$(s_sql "$SD/s.db" "SELECT count(*) FROM bulletin WHERE date >= '2026-11-15'")
[ $rc -eq 0 ] && grep -q "ok: $recent bulletins dated from 2026-11-15" "$SD/s.out" &&
    ok "verify --since: the $recent recent bulletins only (an old altered PDF not read)" ||
    ko "verify --since: the $recent recent bulletins only (an old altered PDF not read)" "exit $rc: $(cat "$SD/s.out")"
"$TB" archive verify --db "$SD/s.db" >/dev/null 2>&1; rc=$?
s_eq "verify without --since finds the old altered PDF" "$rc" 9
s_sql "$SD/s.db" "UPDATE bulletin_file SET pdf = CAST('new' AS BLOB) WHERE bulletin_id = (SELECT max(id) FROM bulletin)" >/dev/null
"$TB" archive verify --db "$SD/s.db" --since 2026-11-15 >"$SD/s2.out" 2>&1; rc=$?
[ $rc -eq 9 ] && grep -q "FAULT .*the archived PDF does not match" "$SD/s2.out" &&
    ok "verify --since finds a recent altered PDF (exit 9)" || ko "verify --since finds a recent altered PDF (exit 9)" "exit $rc: $(cat "$SD/s2.out")"
"$TB" archive verify --db "$SDB" --since 2026-13-01 >/dev/null 2>&1; rc=$?
s_eq "verify --since with a date that is not one: usage error" "$rc" 2

# ---- a version-3 database (before the summary) is upgraded ---------------------------
cp "$SDB" "$SD/v2.db"
s_sql "$SD/v2.db" "DROP INDEX finding_open_district; DROP INDEX finding_open_due; DROP INDEX bulletin_order; CREATE INDEX finding_open_due ON finding(series_id, deadline) WHERE status = 'open'; CREATE INDEX finding_district ON finding(district, status, deadline);
    DROP TABLE bulletin_form; ALTER TABLE bulletin DROP COLUMN form; DROP TRIGGER bulletin_stats; DROP TRIGGER finding_stats_insert; DROP TRIGGER finding_stats_status;
    DROP TRIGGER bulletin_stats_delete; DROP TRIGGER finding_stats_delete; DROP TABLE series_stats;
    DROP TABLE series_stat_name; DROP TABLE series_scope; DROP INDEX finding_district_walk; DROP INDEX bulletin_date;
    PRAGMA user_version = 3" >/dev/null
"$TB" findings --db "$SD/v2.db" >/dev/null 2>"$SD/ro.err"; rc=$?
[ $rc -eq 7 ] && grep -q "needs an upgrade" "$SD/ro.err" && ok "a version-3 database: read-only commands ask for a writing one" ||
    ko "a version-3 database: read-only commands ask for a writing one" "exit $rc: $(cat "$SD/ro.err")"
"$TB" archive rebuild-stats --db "$SD/v2.db" >"$SD/up.out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ "$(s_sql "$SD/v2.db" "PRAGMA user_version")" = "$(s_sql "$SDB" "PRAGMA user_version")" ] && "$TB" archive verify --db "$SD/v2.db" >/dev/null 2>&1 &&
    s_eq "version 3 upgraded: the summary filled from the rows, as before the upgrade" \
        "$(s_sql "$SD/v2.db" "SELECT group_concat(findings || ':' || open) FROM series_stats")" \
        "$(s_sql "$SDB" "SELECT group_concat(findings || ':' || open) FROM series_stats")" ||
    ko "version 3 upgraded: the summary filled from the rows, as before the upgrade" "exit $rc: $(cat "$SD/up.out")"

# ---- the scope clause stays bounded (issue 18) -----------------------------------------
# Nine issues whose <count unit=…> is worded differently each time (as the
# nightly benchmark's generator once did by accident): the ninth bulletin's
# 累计涉及 names six entries and ends with 等, instead of 27.
SC="$SD/scope"
mkdir -p "$SC"
i=0
while [ $i -lt 9 ]; do
    i=$((i + 1))
    sed -e "s/id=\"jc-2026-11-20-night\"/id=\"scope-$i\"/" -e "s/series=\"[^\"]*\"/series=\"措辞多变\"/" \
        -e "s/code=\"JC\"/code=\"CW\"/" -e "s/<date>2026-11-21</<date>2026-10-0$i</" \
        -e "/<count /s/ unit=\"\\([^\"]*\\)\"/ unit=\"\\1$i号\"/" \
        examples/inbox/jc-2026-11-20-night.xml >"$SC/$i.xml"
    "$TB" issue "$SC/$i.xml" --db "$SC/s.db" -o "$SC/$i.pdf" >"$SC/out" 2>&1 || { ko "scope: issue $i" "$(cat "$SC/out")"; break; }
done
pdftotext "$SC/9.pdf" - 2>/dev/null | tr -d ' \n' | grep -o '累计涉及[^，]*，' >"$SC/clause"
n=$(grep -o '、' "$SC/clause" | wc -l)
[ "$n" -eq 5 ] && grep -q '等，$' "$SC/clause" && grep -q '^累计涉及12个1号街道、37个1号社区（村）' "$SC/clause" &&
    ok "scope: a clause of six entries and 等 after nine issues worded differently" ||
    ko "scope: a clause of six entries and 等 after nine issues worded differently" "$(cat "$SC/clause")"
