#!/usr/bin/python3
"""fontruns.py FILE.stext — the text of a PDF by the font it is drawn in.

Reads what `mutool draw -F stext` writes (MuPDF: every character with the
font the PDF draws it in) and prints one line per run of characters in one
font and size, in reading order: FONT<TAB>SIZE<TAB>TEXT.  A run continues
across lines (a bold headline that wraps stays one run).  Used by
tests/e2e_items.sh to see that bold runs are drawn in a bold face.
"""
import sys
import xml.etree.ElementTree as ET

runs = []
for font in ET.parse(sys.argv[1]).getroot().iter('font'):
    key = (font.get('name', ''), font.get('size', ''))
    text = ''.join(c.get('c', '') for c in font.iter('char'))
    if runs and runs[-1][0] == key:
        runs[-1][1] += text
    else:
        runs.append([key, text])
for (name, size), text in runs:
    print(f'{name}\t{size}\t{text}')
