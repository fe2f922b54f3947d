#!/bin/sh
# examples/demo.sh — what `make demo` runs: one nightly over the example
# inbox into out/, with the history database out/tongbao.db.  The examples
# are copied to a scratch inbox (out/inbox/) first, so examples/inbox/ is
# never moved; running the demo again starts a fresh night.  The 简报 and
# 动态 made of items (examples/items/) go into the same night: their names
# sort after the 督查通报 whose figures they quote, so nightly issues them
# after it.
set -e
export TONGBAO_HOME="$PWD"
mkdir -p out
rm -rf out/inbox out/tongbao.db out/tongbao.db-wal out/tongbao.db-shm
for d in out/*/; do
    # outputs of an earlier demo: series directories (not the scratch inbox)
    [ -d "$d" ] && [ "$d" != out/inbox/ ] && rm -rf "$d"
done
mkdir -p out/inbox
cp examples/inbox/*.xml examples/items/*.xml out/inbox/
rc=0
bin/tongbao nightly out/inbox --out out --db out/tongbao.db || rc=$?
echo
echo "PDFs are in $PWD/out/ (series/year/number/: the bulletin, one 整改通知 per district and its 整改台账.xlsx):"
find out -mindepth 2 \( -name '*.pdf' -o -name '*.xlsx' \) | sort | sed 's/^/  /'
echo "history: $PWD/out/tongbao.db  (try: bin/tongbao archive list --db out/tongbao.db,"
echo "         bin/tongbao ledger --db out/tongbao.db -o out/整改台账.xlsx, bin/tongbao form -o out/问题清单.xlsx)"
echo "inputs:  $PWD/out/inbox/done/ (issued), out/inbox/rejected/ (with .err, if any)"
exit $rc
