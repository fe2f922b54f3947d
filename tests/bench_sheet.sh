# tests/bench_sheet.sh — issue 10: workbooks (sourced by bench.sh).
# Targets: import of a 10,000-row 问题清单 <= 300 ms and <= 100 MiB peak;
# a ledger of 100,000 findings <= 3 s and <= 200 MiB (constant-memory mode).
# Besides benchrun's wall times, the CPU seconds of one run (GNU time), which
# a busy machine does not inflate.
cpu() { /usr/bin/time -f "%U+%S s CPU" "$@" 2>&1 >/dev/null | tail -1; }
echo "== workbooks (targets: import 10,000 rows <= 300 ms, <= 100 MiB; ledger of 100,000 findings <= 3 s, <= 200 MiB)"
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
    /usr/bin/python3 - "$T/rows10k.xlsx" <<'PYEOF'
import sys, datetime, openpyxl
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("问题清单")
ws.append(["序号", "区", "街道", "社区", "点位", "单位", "问题类别", "问题描述", "整改时限", "责任单位", "备注"])
ds = ["东湖区", "西山区", "南江区", "北塘区", "高新区"]
cats = ["卡点值守不到位", "重点人员管控不严", "个人防护意识不强", "值班值守制度执行不严"]
for i in range(10000):
    d = ds[i % 5]
    ws.append([i + 1, d, f"第{i % 37 + 1}街道", f"第{i % 211 + 1}社区", f"{i}号楼", None, cats[i % 4],
               f"第{i + 1}处卡点夜间无人值守，进出人员未测体温，登记册多日未填写", datetime.date(2026, 11, 22), None, None])
info = wb.create_sheet("通报信息")
for k, v in [("系列", "江城市疫情防控督查通报"), ("标题", "江城市城区疫情防控工作督查通报"),
             ("发文机关", "江城市疫情防控指挥部督导组"), ("成文日期", datetime.date(2026, 11, 21)),
             ("整改时限", "2026-11-22 17:00"), ("报送单位", "市疫情防控指挥部督导问责组")]:
    info.append([k, v])
wb.save(sys.argv[1])
PYEOF
    echo "   问题清单 of 10,000 rows, $(wc -c <"$T/rows10k.xlsx") bytes: tongbao import: $("$R" 5 "$TB" import "$T/rows10k.xlsx" -o "$T/rows10k.xml"); $(cpu "$TB" import "$T/rows10k.xlsx" -o "$T/rows10k.xml")"
    echo "   (the findings XML it writes, $(wc -c <"$T/rows10k.xml") bytes, validated as a file a person wrote, with the RELAX NG pass import leaves out: $(cpu "$TB" validate "$T/rows10k.xml"))"
    echo "   (tongbao validate of the workbook: $("$R" 3 "$TB" validate "$T/rows10k.xlsx"); $(cpu "$TB" validate "$T/rows10k.xlsx"))"
else
    echo "   (skipped: python3-openpyxl is missing)"
fi
make --no-print-directory "$BUILD/tests/gen_history" >/dev/null || exit 1
"$BUILD/tests/gen_history" "$T/100k.db" -n 3031 -f 33 -s 1 --force >/dev/null 2>&1
echo "   history of $(sqlite3 "$T/100k.db" 'SELECT count(*) FROM finding') findings: tongbao ledger -o 台账.xlsx: $("$R" 3 "$TB" ledger --db "$T/100k.db" -o "$T/ledger.xlsx" --today 2026-11-20); $(cpu "$TB" ledger --db "$T/100k.db" -o "$T/ledger.xlsx" --today 2026-11-20)"
echo "   (the workbook: $(wc -c <"$T/ledger.xlsx") bytes; as CSV: $("$R" 3 "$TB" ledger --db "$T/100k.db" -o "$T/ledger.csv" --today 2026-11-20), $(wc -c <"$T/ledger.csv") bytes)"
echo "   reading that ledger back, nothing changed: tongbao rectify --file: $("$R" 1 "$TB" rectify --db "$T/100k.db" --file "$T/ledger.xlsx"); $(cpu "$TB" rectify --db "$T/100k.db" --file "$T/ledger.xlsx")"
