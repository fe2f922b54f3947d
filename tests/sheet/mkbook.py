#!/usr/bin/python3
# tests/sheet/mkbook.py — writes the test workbooks with openpyxl, the way a
# clerk's program would, at test time (no binary is committed).  Run with
# Debian's python3 (/usr/bin/python3), which has python3-openpyxl.
#
#   mkbook.py KIND OUT.xlsx
#
# KINDs: spec (FORMAT.md's skeleton as a workbook), shapes (every cell
# shape: serial, text and Chinese dates, date-times, numbers as text, a
# two-row header with merged cells, a merged category column, a hidden sheet
# first, trailing formatted rows, a title row, odd header spellings), and
# the bad ones: nocol, notext, nodistrict, formula, errval, leapday,
# baddate, both, bigrows.  Also: zipbomb / bigentry (hand-made zips with
# python's zipfile).
import datetime
import sys
import zipfile

import openpyxl
from openpyxl.styles import Font, PatternFill

INFO = [
    ("项目", "内容"),
    ("系列", "江城市疫情防控督查通报"),
    ("编号", "jc-2026-11-20-night"),
    ("代码", "JC"),
    ("标题", "江城市城区疫情防控工作督查通报"),
    ("发文机关", "江城市疫情防控指挥部督导组"),
    ("成文日期", datetime.date(2026, 11, 21)),
    ("发文字号", "江防督〔2026〕7号"),
    ("主送", "东湖区、西山区疫情防控指挥部"),
    ("督查方式", "暗访"),
    ("督查时段", "11月20日晚至11月21日"),
    ("督查组", "市疫情防控指挥部督导组、市委组织部"),
    ("督查内容", "对城区各街道疫情防控措施落实情况进行暗访"),
    ("督查范围", "6个街道、41个社区（村）、58个卡点"),
    ("总体评价", "总体来看，各街道防控措施基本落实到位，但仍存在一些薄弱环节，"),
    ("整改时限", "2026-11-22 17:00"),
    ("报送单位", "市疫情防控指挥部督导问责组"),
    ("报送方式", "以党组织名义"),
    ("要求导语", "各区各部门要进一步压实责任，坚决堵塞防控漏洞。"),
    ("要求", "立行立改：对通报问题要逐项建立台账，限时整改销号。"),
    ("要求", "严肃问责：对整改不力的，依规依纪严肃追责问责。"),
]

HEAD = ["序号", "区", "街道", "社区", "点位", "单位", "问题类别", "问题描述", "整改时限", "责任单位", "备注"]
ROWS = [
    [1, "东湖区", "青山街道", "和平社区", "锦绣小区", None, "卡点值守不到位", "北门无人值守，进出人员未测体温", None, None, None],
    [2, "东湖区", "青山街道", "和平社区", "东苑小区", None, "卡点值守不到位", "登记册多日未填写", None, None, None],
    [3, "东湖区", "白沙街道", "新河社区", "新河菜市场", None, "卡点值守不到位", "入口未设测温点", None, None, None],
    [4, "西山区", "石桥街道", "石桥社区", "石桥三组", None, "卡点值守不到位", "卡点夜间无人值守", None, None, None],
    [5, None, None, None, "东湖路家属院", "市交通运输局", "卡点值守不到位", "未设志愿岗，无单位人员值守", None, None, None],
    [6, "西山区", "石桥街道", "红星社区", "红星小区", None, "重点人员管控不严", "居家隔离户门口未张贴告知书",
     datetime.date(2026, 11, 22), "石桥街道办事处", None],
]


def info_sheet(wb, rows=INFO):
    ws = wb.create_sheet("通报信息")
    for k, v in rows:
        ws.append([k, v])
    return ws


def spec(path, rows=ROWS, head=HEAD, info=INFO):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "问题清单"
    ws.append(head)
    for r in rows:
        ws.append(r)
    info_sheet(wb, info)
    wb.save(path)


def shapes(path):
    """The same findings as spec, in the shapes offices really send."""
    wb = openpyxl.Workbook()
    lists = wb.active
    lists.title = "下拉选项"            # a hidden helper sheet comes first
    lists.append(["东湖区"])
    lists.sheet_state = "hidden"
    ws = wb.create_sheet("Sheet1")      # not called 问题清单: found by its header
    ws["A1"] = "江城市疫情防控督查问题清单"  # a title row over the table
    ws.merge_cells("A1:K1")
    # two-row header: 位置 over 区/街道/社区/点位; the others merged down
    top = ["序 号", "位置", None, None, None, "单位\n（市直）", "问题类别*", "问题描述（必填）", "整改时限", "责任单位", "备注"]
    sub = [None, "县（市、区）", "街道（乡镇）", "社区（村）", "点位", None, None, None, None, None, None]
    for c, v in enumerate(top, 1):
        ws.cell(row=2, column=c, value=v)
    for c, v in enumerate(sub, 1):
        if v:
            ws.cell(row=3, column=c, value=v)
    ws.merge_cells("B2:E2")
    for col in "AFGHIJK":
        ws.merge_cells(f"{col}2:{col}3")
    data = [
        ["1", "东湖区", "青山街道", "和平社区", "锦绣小区", None, "卡点值守不到位", "北门无人值守，进出人员未测体温", None, None, None],
        ["2", "东湖区", "青山街道", "和平社区", "东苑小区", None, None, "登记册多日未填写", None, None, "=已提醒"],
        [None] * 11,                    # a blank row in the middle
        [3.0, "东湖区", "白沙街道", "新河社区", "新河菜市场", None, None, "入口未设测温点", "2026/11/23", None, None],
        [4, "西山区", "石桥街道", "石桥社区", "石桥三组", None, None, "卡点夜间无人值守", "2026年11月24日", None, None],
        [5, None, None, None, "东湖路家属院", "市交通运输局", None, "未设志愿岗，无单位人员值守", "11月25日17:00", None, None],
        [6, "西山区", "石桥街道", "红星社区", "红星小区", None, "重点人员管控不严", "居家隔离户门口未张贴告知书",
         datetime.datetime(2026, 11, 22, 17, 30), "石桥街道办事处", None],
        [7, "西山区", "石桥街道", "红星社区", "红星二区", None, None, "门岗登记不全", 46351, None, None],
    ]
    for r, row in enumerate(data, 4):
        for c, v in enumerate(row, 1):
            if v is not None:
                ws.cell(row=r, column=c, value=v)
    ws.cell(row=5, column=11).data_type = "s"   # text that starts with =, not a formula
    ws.merge_cells("G4:G9")             # 卡点值守不到位 spans its rows (blank row too)
    ws.cell(row=9, column=9).number_format = "yyyy-mm-dd"
    ws.cell(row=11, column=9).number_format = "yyyy/m/d"
    # trailing rows that are only formatted
    for r in range(12, 400):
        ws.cell(row=r, column=2).fill = PatternFill("solid", fgColor="FFFF00")
        ws.cell(row=r, column=8).font = Font(bold=True)
    info = [(k, v) for k, v in INFO]
    info[6] = ("成文日期", "2026年11月21日")
    info_sheet(wb, info)
    wb.save(path)


def bad(kind, path):
    head = list(HEAD)
    rows = [list(r) for r in ROWS]
    info = list(INFO)
    if kind == "nocol":
        head[7] = "情况"
    elif kind == "notext":
        rows[2][7] = "  "
    elif kind == "nodistrict":
        rows[3][1] = None
    elif kind == "formula":
        rows[1][7] = "=CONCATENATE(\"登记册\",\"未填写\")"
    elif kind == "baddate":
        rows[5][8] = "2026-13-01"
    elif kind == "leapday":
        rows[5][8] = 60
    elif kind == "both":
        rows[4][1] = "东湖区"
    elif kind == "nokey":
        info = [x for x in info if x[0] != "系列"]
    elif kind == "badkey":
        info.append(("发文机管", "x"))
    elif kind == "bigrows":
        rows = [[i, "东湖区", "青山街道", "和平社区", f"{i}号楼", None, "卡点值守不到位", "无人值守", None, None, None]
                for i in range(1, 200002)]
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet("问题清单")
        ws.append(head)
        for r in rows:
            ws.append(r)
        ws2 = wb.create_sheet("通报信息")
        for k, v in info:
            ws2.append([k, v])
        wb.save(path)
        return
    spec(path, rows, head, info)
    if kind == "errval":
        # an error value: set by hand in the sheet XML
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        s = parts["xl/worksheets/sheet1.xml"].decode()
        import re
        s = re.sub(r'<c r="H3" t="inlineStr">.*?</c>', '<c r="H3" t="e"><f>1/0</f><v>#DIV/0!</v></c>', s, count=1)
        parts["xl/worksheets/sheet1.xml"] = s.encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in parts.items():
                z.writestr(n, d)


def zipbomb(path, declared_only):
    """A package whose sheet claims (or really has) a huge inflated size."""
    spec(path)
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    if not declared_only:
        # 300 MiB of spaces inside the sheet: deflates to about 300 KiB
        s = parts["xl/worksheets/sheet1.xml"]
        parts["xl/worksheets/sheet1.xml"] = s.replace(b"<sheetData>", b"<sheetData>" + b" " * (300 << 20), 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in parts.items():
            z.writestr(n, d)
    if declared_only:
        # claim 1 GiB for the sheet in the central directory and the local header
        data = bytearray(open(path, "rb").read())
        name = b"xl/worksheets/sheet1.xml"
        i = data.find(b"PK\x01\x02")
        while i >= 0:
            n = int.from_bytes(data[i + 28:i + 30], "little")
            if data[i + 46:i + 46 + n] == name:
                data[i + 24:i + 28] = (1 << 30).to_bytes(4, "little")
                off = int.from_bytes(data[i + 42:i + 46], "little")   # its local header
                data[off + 22:off + 26] = (1 << 30).to_bytes(4, "little")
            i = data.find(b"PK\x01\x02", i + 4)
        open(path, "wb").write(bytes(data))


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "spec":
        spec(out)
    elif kind == "shapes":
        shapes(out)
    elif kind == "night2":
        info = [(k, v) for k, v in INFO]
        info[2] = ("编号", "jc-2026-11-23-night")
        info[6] = ("成文日期", datetime.date(2026, 11, 24))
        info[10] = ("督查时段", "11月23日晚")
        info[15] = ("整改时限", "2026-11-25 17:00")
        rows = [[1, "东湖区", "青山街道", "和平社区", "和平小区", None, "卡点值守不到位", "门岗无人", None, None, None]]
        spec(out, rows, HEAD, info)
    elif kind == "rowlimit":
        # one stray value far below the table, past the 200,000-row limit
        spec(out)
        with zipfile.ZipFile(out) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        s = parts["xl/worksheets/sheet1.xml"].decode()
        s = s.replace("</sheetData>", '<row r="250000"><c r="C250000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>', 1)
        parts["xl/worksheets/sheet1.xml"] = s.encode()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for n, d in parts.items():
                z.writestr(n, d)
    elif kind == "zipbomb":
        zipbomb(out, False)
    elif kind == "bigentry":
        zipbomb(out, True)
    else:
        bad(kind, out)


if __name__ == "__main__":
    main()
