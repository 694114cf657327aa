#!/usr/bin/env bash
# The docs against the tree (README.md, "Keeping the docs true"): one "ok - ..." / "not ok - ..."
# line per assertion, as tests/run-all.sh expects.
#
#   - every relative link and #anchor in docs/*.md, README.md and hypervisor/README.md resolves;
#     every file in docs/ is linked from README.md or another doc;
#   - the man page (and docs/partita.md) shows every subcommand `partita --help` lists, and
#     renders without groff warnings;
#   - every rule id in gen/*.c has a troubleshooting entry; every argument of the bare-metal
#     guest is in docs/guest.md; every hypervisor source file is in hypervisor/README.md;
#   - every figure block (<!-- bench: ... -->) names a bench section and row (benchblocks.py);
#   - make install into a temporary PREFIX (and DESTDIR) gives a partita that checks and
#     generates a sample from the installed boards and templates, and a man page man finds;
#   - the tutorial's commands (and README.md's) give the output shown (tutorial.sh; it builds
#     and boots the tutorial's systems: DOCS_TUTORIAL=0 skips it).
#
# Environment: TOP, BUILD, PARTITA as tests/run-all.sh sets them.
set -uo pipefail
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${BUILD:-$TOP/build}
PARTITA=${PARTITA:-$BUILD/bin/partita}
export TOP BUILD
here=$TOP/tests/docs
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
# py CHECK ARGS...: a group of assertions of checks.py; its failures count.
py() { python3 "$here/checks.py" "$@" || failures=$((failures + 1)); }

[ -x "$PARTITA" ] || make -s -C "$TOP" tool >/dev/null
make -s -C "$TOP" guests >/dev/null 2>&1 || true

# ---- links, orphans --------------------------------------------------------------------------
py links
py orphans

# ---- the command line: man page and docs ------------------------------------------------------
"$PARTITA" --help >"$tmp/help.txt" 2>&1
py manpage "$tmp/help.txt"
if command -v groff >/dev/null; then
	groff -ww -man -z "$TOP/docs/partita.1" >"$tmp/groff.txt" 2>&1
	check "docs/partita.1 renders without groff warnings" test ! -s "$tmp/groff.txt"
	[ -s "$tmp/groff.txt" ] && sed 's/^/#   /' "$tmp/groff.txt"
fi

# ---- rules, guest arguments, hypervisor files -------------------------------------------------
"$PARTITA" rules >"$tmp/rules.txt" 2>/dev/null
py rules "$tmp/rules.txt"
py guest
py hypervisor

# ---- figures from make bench --------------------------------------------------------------------
python3 "$here/benchblocks.py" lint || failures=$((failures + 1))

# ---- make install ----------------------------------------------------------------------------
# A fixed PREFIX, so that the installed tool (compiled with it) is rebuilt only when gen/ changes.
prefix=$BUILD/docs-test/prefix
rm -rf "$BUILD/docs-test"
if make -s -C "$TOP" install PREFIX="$prefix" >"$tmp/install.log" 2>&1; then
	ok "make install PREFIX=$prefix"
	bin=$prefix/bin/partita
	check "the installed partita looks for boards and templates in PREFIX/share/partita" \
		grep -q "instead of $prefix/share/partita/boards" <("$bin" --help)
	check "... which hold the boards and templates" \
		test -f "$prefix/share/partita/boards/qemu-aarch64-virt/board.yaml" -a \
		-f "$prefix/share/partita/templates/config.c.m4"
	# A sample outside the source tree, its guest by absolute path, checked and generated from
	# the installed files only (no PARTITA_* overrides, run from elsewhere).
	sed "s|\.\./build/guests/|$BUILD/guests/|" "$TOP/samples/dual.yaml" >"$tmp/dual.yaml"
	check "\$PREFIX/bin/partita check samples/dual.yaml (a copy, outside the tree)" \
		env -u PARTITA_BOARD_DIR -u PARTITA_TEMPLATES_DIR sh -c "cd / && '$bin' check '$tmp/dual.yaml'"
	check "\$PREFIX/bin/partita gen writes the system from the installed templates" \
		env -u PARTITA_BOARD_DIR -u PARTITA_TEMPLATES_DIR sh -c \
		"cd / && '$bin' gen '$tmp/dual.yaml' -o '$tmp/gen' >/dev/null && test -x '$tmp/gen/run.sh' -a -s '$tmp/gen/config.c'"
	check "the installed partita lists its rules" test "$("$bin" rules | wc -l)" -eq "$(wc -l <"$tmp/rules.txt")"
	check "man -l PREFIX/share/man/man1/partita.1 shows board import" \
		grep -q "board import" <(MANWIDTH=100 man -l "$prefix/share/man/man1/partita.1" 2>/dev/null)
	check "MANPATH=PREFIX/share/man man -w partita finds the installed page" \
		test "$(MANPATH=$prefix/share/man man -w partita 2>/dev/null)" = "$prefix/share/man/man1/partita.1"
else
	not_ok "make install PREFIX=$prefix"
	sed 's/^/#   /' "$tmp/install.log"
fi
stage=$BUILD/docs-test/stage
if make -s -C "$TOP" install PREFIX="$prefix" DESTDIR="$stage" >"$tmp/install2.log" 2>&1; then
	check "make install DESTDIR=... stages every file under DESTDIR" \
		test -x "$stage$prefix/bin/partita" -a -f "$stage$prefix/share/man/man1/partita.1" -a \
		-f "$stage$prefix/share/partita/boards/zcu102/board.dts"
	check "... with PREFIX, not DESTDIR, compiled in" \
		grep -q "instead of $prefix/share/partita/boards" <("$stage$prefix/bin/partita" --help)
else
	not_ok "make install PREFIX=... DESTDIR=..."
	sed 's/^/#   /' "$tmp/install2.log"
fi
if make -s -C "$TOP" uninstall PREFIX="$prefix" >/dev/null 2>&1; then
	check "make uninstall removes what install put there" \
		test ! -e "$prefix/bin/partita" -a ! -e "$prefix/share/man/man1/partita.1" -a ! -e "$prefix/share/partita"
else
	not_ok "make uninstall"
fi

rm -rf "$BUILD/docs-test"

# ---- the tutorial --------------------------------------------------------------------------
if [ "${DOCS_TUTORIAL:-1}" != 0 ]; then
	start=$(date +%s)
	"$here/tutorial.sh" || failures=$((failures + 1))
	echo "# tutorial: $(($(date +%s) - start)) s"
else
	echo "# tutorial skipped (DOCS_TUTORIAL=0)"
fi

[ "$failures" -eq 0 ]
