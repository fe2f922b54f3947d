# tests/fuzz/seeds.sh — the seed corpus of each libFuzzer harness, from the
# inputs the tests already have (good and bad), so there is one set of
# examples to keep.  Sourced by tests/fuzz/run.sh and tests/e2e_fuzz.sh.
#
#   fuzz_seeds NAME DIR     copy NAME's seeds into DIR (created)
#   fuzz_dict NAME FILE     write a libFuzzer dictionary for NAME (XML names
#                           and attributes its seeds use), or nothing
#
# A new harness tests/fuzz/fuzz_NAME.c gets its seeds here; files in
# tests/fuzz/seeds/NAME/ are added to any harness's (workbooks, CSV, and
# inputs that once crashed a harness).
fuzz_seeds() {
    mkdir -p "$2"
    case $1 in
    findings) set -- "$1" "$2" examples/*.xml examples/inbox/*.xml examples/bench/*.xml tests/good/*.xml \
        tests/bad/*.xml tests/scenario/*.xml ;;
    rect) set -- "$1" "$2" tests/good/rectifications.xml tests/bad/rect-*.xml tests/scenario/rect-*.xml ;;
    template) set -- "$1" "$2" templates/*.xml tests/bad/tpl-*.xml ;;
    sheetmap) set -- "$1" "$2" tests/fuzz/seeds/xlsx/* tests/fuzz/seeds/csv/* ;;
    *) set -- "$1" "$2" ;;
    esac
    _name=$1 _dir=$2
    shift 2
    for _f in "$@" tests/fuzz/seeds/"$_name"/*; do
        case $_name/${_f##*/} in findings/tpl-*) continue ;; esac   # templates in tests/bad/ are template's
        [ -f "$_f" ] && cp "$_f" "$_dir/"
    done
    return 0
}

fuzz_dict() {
    case $1 in
    findings | rect | template | xlsx_parts) ;;
    *) return 0 ;;
    esac
    _tmp=$(mktemp -d "${TMPDIR:-/tmp}/tongbao-dict.XXXXXX")
    fuzz_seeds "$1" "$_tmp"
    cat "$_tmp"/* 2>/dev/null | grep -ao '<[A-Za-z][A-Za-z0-9:_-]*\|[A-Za-z][A-Za-z0-9:_-]*="' | sort -u |
        sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/' >"$2"
    rm -rf "$_tmp"
}
