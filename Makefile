# tongbao — build, test, demo, bench.
#   make demo    install what is missing, build, render examples/ into out/
#   make check   the whole test suite (last line: "N passed, N failed")
#   make bench   speed and memory figures
#   make check SANITIZE=1   the same under ASan+UBSan (assert() on)
#   make DEBUG=1   build/dbg/tongbao: -O0, assert() on
#   make sizes   files over 1,200 lines, functions over 120 (tests/sizes.sh)
#   make fuzz FUZZ_SECONDS=N   each libFuzzer harness for N seconds (clang)
#   make install [PREFIX=/usr/local] [DESTDIR=]   and make uninstall

CC      ?= cc
PKGS    := libxml-2.0 glib-2.0 cairo pangocairo pangoft2 fontconfig harfbuzz freetype2 sqlite3 libdeflate nettle libzip xlsxwriter libpng icu-uc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c17 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L
LDLIBS  += -lm -lpthread
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -O1
LDFLAGS += -fsanitize=address,undefined
BUILD   := build/san
# the sanitized binary lives apart, so it never replaces bin/tongbao
BIN     := build/san/tongbao
# Cairo 1.16 keeps 96 bytes per PDF page it never frees, libxlsxwriter 1.1
# the formula of a range drop-down (not ours): see tests/lsan.supp, where
# each suppression says why.  UBSan stops at the first error.
# allocator_may_return_null: a request larger than ASan serves returns
# NULL as malloc does, so tongbao's own out-of-memory message is what runs
# (tests/unit_util.c asks for more than there is).
SAN_ENV := ASAN_OPTIONS=allocator_may_return_null=1 \
           LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
           UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
else ifeq ($(DEBUG),1)
# assert() on, no optimisation: build/dbg/tongbao, never bin/tongbao
CFLAGS  += -O0
BUILD   := build/dbg
BIN     := build/dbg/tongbao
else
# the release build: assert() compiled out (NDEBUG); the sanitizer and
# debug builds above keep the layout and store invariants checked
CFLAGS  += -DNDEBUG
BUILD   := build/rel
BIN     := bin/tongbao
endif

# Where make install puts things.  The binary is linked for the data
# directory it is installed with, so it finds its templates and fonts
# configuration from any working directory.
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/tongbao
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/tongbao
INSTALL ?= install

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libzip and libxlsxwriter are not linked: src/libload.c opens them when a
# command first needs one (a workbook, a .docx, an OFD package), by the
# sonames found here, so a PDF render does not load them (nor libcrypto,
# minizip and libbz2 behind them) at every start.
LOADED_PKGS := libzip xlsxwriter
PKG_LIBS   = $(shell pkg-config --libs $(filter-out $(LOADED_PKGS),$(PKGS)) 2>/dev/null)
ll_soname  = $(shell objdump -p "$$($(CC) -print-file-name=$(1))" 2>/dev/null | awk '$$1 == "SONAME" {print $$2}')
LL_SONAMES := $(call ll_soname,libzip.so) $(call ll_soname,libxlsxwriter.so)
LL_DEFS     = $(if $(word 1,$(LL_SONAMES)),-DLL_ZIP_SONAME='"$(word 1,$(LL_SONAMES))"') \
              $(if $(word 2,$(LL_SONAMES)),-DLL_XLSXWRITER_SONAME='"$(word 2,$(LL_SONAMES))"')
# The order the binary names its libraries is the order the dynamic loader
# searches them for each of the ~13,000 symbols it binds at every start
# (most libraries here are linked with -z now).  The libraries most symbols
# resolve to come first (counted with LD_DEBUG=bindings: libc, libstdc++
# for ICU, SQLite, GLib, nettle, HarfBuzz, GObject, libpng, FreeType,
# libxml2, Pango), so a lookup stops early instead of walking some forty
# libraries: 4.5 million instructions less at every start (callgrind),
# nothing else changes (no symbol these define is defined twice, except
# libm's in libc, the same functions).  Not under the sanitizers, whose
# runtime must come first.
ifneq ($(SANITIZE),1)
LD_FIRST = -lc -Wl,--push-state,--no-as-needed -lstdc++ -Wl,--pop-state -lsqlite3 -lglib-2.0 -lnettle -lharfbuzz \
           -lgobject-2.0 -lpng16 -lfreetype -lxml2 -lpango-1.0
endif

SRC     := $(filter-out src/main.c,$(wildcard src/*.c))
OBJ     := $(SRC:src/%.c=$(BUILD)/%.o) $(BUILD)/findings_rng.o $(BUILD)/srgb_icc.o $(BUILD)/datadir.o
TESTS   := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/unit_*.c)) $(BUILD)/tests/bboxcheck $(BUILD)/tests/inkcheck $(BUILD)/tests/benchrun $(BUILD)/tests/gen_history

# libFuzzer harnesses (tests/fuzz/fuzz_*.c): clang, ASan + UBSan, every
# object of tongbao rebuilt with coverage in build/fuzz/.  The README
# ("Fuzzing") has the figures; tests/fuzz/run.sh assembles the seeds.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR     := build/fuzz
FUZZ_CFLAGS  := -std=c17 -g -O1 -fno-omit-frame-pointer -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
                -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_BINS    := $(patsubst tests/fuzz/fuzz_%.c,$(FUZZ_DIR)/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJ     := $(SRC:src/%.c=$(FUZZ_DIR)/%.o) $(FUZZ_DIR)/findings_rng.o $(FUZZ_DIR)/srgb_icc.o $(FUZZ_DIR)/datadir.o

.PHONY: all deps test-deps install-pkgs demo check bench mutants sizes clean install uninstall FORCE fuzz fuzz-build
all: $(BIN)

# Debian packages the build, the fonts and the tests need.  Installs only
# what is missing, so it is quick on a prepared machine.
DEB_PKGS := build-essential pkg-config libxml2-dev libglib2.0-dev libcairo2-dev libpango1.0-dev libharfbuzz-dev \
            libsqlite3-dev libdeflate-dev nettle-dev fonts-noto-cjk fonts-arphic-uming fonts-arphic-ukai texlive-lang-chinese \
            poppler-utils qpdf sqlite3 libzip-dev libxlsxwriter-dev icc-profiles-free libpng-dev libicu-dev
# Only the tests use these (they write and read workbooks the way users'
# programs do, and open the .docx drafts; clang builds the fuzzers; xmllint
# holds the XML import makes to the schema):
# `make check` and `make bench` install them, `make demo` not.
TEST_PKGS := python3-openpyxl libreoffice-calc-nogui ghostscript python3-fonttools mandoc groff-base \
             python3-docx libreoffice-writer-nogui clang libclang-rt-14-dev libxml2-utils
# ofd.js, the OFD reader the tests drive, runs in Debian's chromium under node
TEST_PKGS += chromium nodejs
deps:
	@$(MAKE) --no-print-directory install-pkgs PKG_LIST="$(DEB_PKGS)"
test-deps:
	@$(MAKE) --no-print-directory install-pkgs PKG_LIST="$(DEB_PKGS) $(TEST_PKGS)"
	@$(MAKE) --no-print-directory tests/ofdjs/node_modules/.package-lock.json
# The OFD reader the tests use (ofd.js, driven in chromium by playwright-core),
# from the npm registry at the versions package-lock.json pins; test-only.
tests/ofdjs/node_modules/.package-lock.json: tests/ofdjs/package-lock.json
	@echo "npm ci (tests/ofdjs: ofd.js, playwright-core)"
	@command -v npm >/dev/null || $(MAKE) --no-print-directory install-pkgs PKG_LIST=npm
	@cd tests/ofdjs && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
install-pkgs:
	@missing=""; for p in $(PKG_LIST); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root, or install:$$missing" >&2; exit 1; fi; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends $$missing >/dev/null || exit 1; \
	fi

$(BIN): $(OBJ) $(BUILD)/main.o
	@mkdir -p $(@D)
	@echo "LD $@"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LD_FIRST) $(PKG_LIBS) $(LDLIBS)

# The data directory compiled in (src/template.c, tpl_data_dir): rewritten
# only when DATADIR changes, so nothing relinks otherwise.  The build tree's
# binary has the default; the installed one is linked apart with the
# DATADIR of `make install`, so installing never changes bin/tongbao.
$(BUILD)/datadir.c $(BUILD)/install/datadir.c: FORCE
	@mkdir -p $(@D)
	@printf 'const char tb_datadir[] = "%s";\n' '$(DATADIR)' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv -f $@.new $@; fi

$(BUILD)/datadir.o $(BUILD)/install/datadir.o: %.o: %.c
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/install/tongbao: $(filter-out $(BUILD)/datadir.o,$(OBJ)) $(BUILD)/install/datadir.o $(BUILD)/main.o
	@echo "LD $@ (data in $(DATADIR))"
	@$(CC) $(LDFLAGS) -o $@ $^ $(LD_FIRST) $(PKG_LIBS) $(LDLIBS)

MAN1 := man/tongbao.1
MAN5 := man/tongbao-format.5
# sample units for the nightly run: copy them to /etc/systemd/system and
# adjust User=, the paths and the time
UNITS := examples/systemd/tongbao-nightly.service examples/systemd/tongbao-nightly.timer

install: $(BUILD)/install/tongbao
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/fonts \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DOCDIR)/examples
	$(INSTALL) -m 755 $(BUILD)/install/tongbao $(DESTDIR)$(BINDIR)/tongbao
	$(INSTALL) -m 644 templates/*.xml $(DESTDIR)$(DATADIR)/templates/
	$(INSTALL) -m 644 fonts/tongbao.conf fonts/office-faces.conf $(DESTDIR)$(DATADIR)/fonts/
	$(INSTALL) -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	$(INSTALL) -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 644 README.md $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 644 docs/format.md $(DESTDIR)$(DOCDIR)/
	$(INSTALL) -m 644 templates/README.md $(DESTDIR)$(DOCDIR)/templates.md
	$(INSTALL) -m 644 examples/worked-example.xml $(DESTDIR)$(DOCDIR)/examples/
	for u in $(UNITS); do \
	  sed 's|@BINDIR@|$(BINDIR)|g' $$u > $(DESTDIR)$(DOCDIR)/examples/$${u##*/} || exit 1; \
	  chmod 644 $(DESTDIR)$(DOCDIR)/examples/$${u##*/}; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tongbao
	rm -f $(patsubst templates/%,$(DESTDIR)$(DATADIR)/templates/%,$(wildcard templates/*.xml))
	rm -f $(DESTDIR)$(DATADIR)/fonts/tongbao.conf $(DESTDIR)$(DATADIR)/fonts/office-faces.conf
	rm -f $(DESTDIR)$(MANDIR)/man1/tongbao.1 $(DESTDIR)$(MANDIR)/man5/tongbao-format.5
	rm -f $(DESTDIR)$(DOCDIR)/README.md $(DESTDIR)$(DOCDIR)/format.md $(DESTDIR)$(DOCDIR)/templates.md
	rm -f $(DESTDIR)$(DOCDIR)/examples/worked-example.xml $(patsubst examples/systemd/%,$(DESTDIR)$(DOCDIR)/examples/%,$(UNITS))
	-rmdir $(DESTDIR)$(DATADIR)/templates $(DESTDIR)$(DATADIR)/fonts $(DESTDIR)$(DATADIR) \
	  $(DESTDIR)$(DOCDIR)/examples $(DESTDIR)$(DOCDIR) 2>/dev/null

$(BUILD)/%.o: src/%.c $(wildcard src/*.h)
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -Isrc -c -o $@ $<

$(BUILD)/libload.o $(FUZZ_DIR)/libload.o: CPPFLAGS += $(LL_DEFS)

# The RELAX NG schema is compiled into the binary so tongbao works from any
# directory; src/findings.rng stays the one source of truth.
$(BUILD)/findings_rng.c $(FUZZ_DIR)/findings_rng.c: src/findings.rng
	@mkdir -p $(@D)
	@{ echo '#include <stddef.h>'; echo 'const unsigned char findings_rng[] = {'; \
	   od -An -v -tx1 $< | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	   echo '0x00};'; echo 'const size_t findings_rng_len = sizeof findings_rng - 1;'; } > $@

$(BUILD)/findings_rng.o: $(BUILD)/findings_rng.c
	@$(CC) $(CFLAGS) -c -o $@ $<

# PDF/A's output intent: the sRGB profile of Debian's icc-profiles-free
# (an ICC v2 monitor profile, "use freely"), built in like the schema so a
# PDF/A never depends on what is installed where it is written.
SRGB_ICC ?= /usr/share/color/icc/sRGB.icc
$(BUILD)/srgb_icc.c $(FUZZ_DIR)/srgb_icc.c: $(SRGB_ICC)
	@mkdir -p $(@D)
	@{ echo '#include <stddef.h>'; echo 'const unsigned char srgb_icc[] = {'; \
	   od -An -v -tx1 $< | sed -e 's/ \([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	   echo '};'; echo 'const size_t srgb_icc_len = sizeof srgb_icc;'; } > $@

$(BUILD)/srgb_icc.o: $(BUILD)/srgb_icc.c
	@$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/%.c $(OBJ)
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS) $(LDLIBS)

$(FUZZ_DIR)/%.o: src/%.c $(wildcard src/*.h)
	@mkdir -p $(@D)
	@echo "CC (fuzz) $<"
	@$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) $(PKG_CFLAGS) -Isrc -c -o $@ $<

$(FUZZ_DIR)/findings_rng.o $(FUZZ_DIR)/srgb_icc.o: $(FUZZ_DIR)/%.o: $(FUZZ_DIR)/%.c
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/datadir.o: $(BUILD)/datadir.c
	@mkdir -p $(@D)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_DIR)/libtongbao.a: $(FUZZ_OBJ)
	@rm -f $@
	@ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_DIR)/libtongbao.a
	@echo "LD $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) -Isrc -o $@ $< $(FUZZ_DIR)/libtongbao.a $(PKG_LIBS) $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

# Each harness for FUZZ_SECONDS, one after another, its corpus kept in
# build/fuzz/corpus/NAME between runs; a crash stops with the input saved.
fuzz: test-deps
	@$(MAKE) --no-print-directory fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# The subsetting comparison of make bench links HarfBuzz's subsetter too
# (libharfbuzz-subset0, part of libharfbuzz-dev); tongbao itself does not.
$(BUILD)/tests/bench_subset: tests/bench_subset.c $(OBJ)
	@mkdir -p $(@D)
	@echo "CC $<"
	@$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(OBJ) $(PKG_LIBS) $(shell pkg-config --libs harfbuzz-subset) $(LDLIBS)

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	@sh examples/demo.sh

check: test-deps
	@$(MAKE) --no-print-directory $(BIN) $(TESTS) $(FUZZ_BINS)
	@$(SAN_ENV) BUILD=$(BUILD) TB=$(CURDIR)/$(BIN) sh tests/run.sh

bench: test-deps
	@$(MAKE) --no-print-directory $(BIN)
	@sh tests/bench.sh

# Each layout rule the README promises broken in turn (tests/mutants.sh):
# every mutation must make a unit test fail.  Not part of check (a build
# per mutation, a few minutes).
mutants:
	@$(MAKE) --no-print-directory $(BIN) $(TESTS)
	@BUILD=$(BUILD) sh tests/mutants.sh

# Files over ~1,200 lines and functions over ~120 in src/ (also a check of
# make check, tests/e2e_code.sh); -v lists the ten longest.
sizes:
	@sh tests/sizes.sh -v

clean:
	rm -rf build bin out
