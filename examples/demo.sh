#!/bin/sh
# examples/demo.sh — what `make demo` runs: render every example into out/.
set -e
export TONGBAO_HOME="$PWD"
mkdir -p out
for f in examples/inbox/*.xml; do
    n=$(basename "$f" .xml)
    bin/tongbao render "$f" -o "out/$n.pdf"
done
echo
echo "PDFs are in $PWD/out/:"
ls -l out/*.pdf
