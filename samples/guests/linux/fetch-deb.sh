#!/bin/sh
# Download arm64 .debs with apt, on any host architecture, from the Debian archive that the host's
# own apt sources name (so mirrors and proxies work), without touching the host's apt state:
# private sources list, package lists and cache under DIR, and an empty dpkg status.
#
#   fetch-deb.sh update   DIR                  refresh DIR/lists (fails on any fetch error)
#   fetch-deb.sh download DIR REGEX|NAME OUT   newest package whose name matches ^REGEX$, to OUT
#
# 'update' writes DIR/etc/sources.list from every 'deb' entry of the host's sources (one-line
# sources.list and sources.list.d/*.list, deb822 sources.list.d/*.sources) whose components include
# main: same URI, suite and signed-by keyring, as arch=arm64, component main only.
#
# Environment:
#   SOURCES   use these entries instead of the host's: sources.list text or a file, one-line or
#             deb822, e.g. SOURCES='deb http://MIRROR/debian bookworm main'
#   SUITE     replace the codename of the suites (trixie-updates -> SUITE-updates); default: as given
#   ARCH      the Debian architecture to fetch for (default arm64; the out-of-tree module build
#             fetches the host's linux-kbuild with ARCH=$(dpkg --print-architecture)); one DIR
#             serves one architecture
#   APT_ETC   read the host's sources from APT_ETC/sources.list{,.d} (default: apt's Dir::Etc)
#
# The host's apt.conf and apt.conf.d still apply (proxies, Acquire::*, auth.conf); only the
# APT::Update hooks (they act on the host) and index targets other than Packages are turned off.
set -eu

die() { echo "fetch-deb: error: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: fetch-deb.sh update DIR | download DIR REGEX OUT"
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
re=${3:-}
out=${4:-}
SUITE=${SUITE:-}
ARCH=${ARCH:-arm64}
case $ARCH in *[!a-z0-9]*|'') die "ARCH must be a Debian architecture name, not '$ARCH'" ;; esac

command -v apt-get >/dev/null || die "apt-get not found: this build needs a Debian-like host"

list="$dir/etc/sources.list"
conf="$dir/etc/apt.conf"

# sources.list entries (deb lines and deb822 stanzas) on stdin-files -> private arm64 main entries.
# A file's format follows its name (*.sources: deb822), as apt reads them. An inline Signed-By key
# (deb822) is written to KEYDIR. Duplicates (same URI and suite) are dropped: apt warns about them.
to_private_list() {
	awk -v SUITE="$SUITE" -v ARCH="$ARCH" -v KEYDIR="$dir/etc/keys" '
	function emit(uri, suite, signed, trusted,   key, opts) {
		if (SUITE != "") sub(/^[^-\/]+/, SUITE, suite)
		key = uri; sub(/\/+$/, "", key); key = key " " suite
		if (key in seen) return
		seen[key] = 1
		opts = "arch=" ARCH
		if (signed != "") opts = opts " signed-by=" signed
		if (trusted != "") opts = opts " trusted=" trusted
		printf "deb [%s] %s %s main\n", opts, uri, suite
	}
	function has(s, w,   a, n, i) {
		n = split(s, a, /[ \t\n]+/)
		for (i = 1; i <= n; i++) if (a[i] == w) return 1
		return 0
	}
	function flush(   k, n, m, i, j, u, s, signed, l) {
		if (("types" in val) && has(val["types"], "deb") && has(val["components"], "main") &&
		    tolower(val["enabled"]) !~ /^(no|false|off|without|disable)$/) {
			signed = val["signed-by"]
			if (signed ~ /BEGIN PGP/) {
				keyfile = KEYDIR "/key" (++nkeys) ".asc"
				system("mkdir -p \"" KEYDIR "\"")
				n = split(signed, l, "\n")
				for (i = 1; i <= n; i++) {
					sub(/^[ \t]+/, "", l[i])
					if (l[i] == "" && i == 1) continue
					print (l[i] == "." ? "" : l[i]) > keyfile
				}
				close(keyfile)
				signed = keyfile
			} else {
				gsub(/[ \t\n,]+/, ",", signed); sub(/^,/, "", signed); sub(/,$/, "", signed)
			}
			n = split(val["uris"], u, /[ \t\n]+/)
			m = split(val["suites"], s, /[ \t\n]+/)
			for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
				if (u[i] != "" && s[j] != "") emit(u[i], s[j], signed, tolower(val["trusted"]))
		}
		for (k in val) delete val[k]
		field = ""
	}
	FNR == 1 { flush(); deb822 = FILENAME ~ /\.sources$/ }
	!deb822 {
		line = $0; sub(/#.*/, "", line)
		opt = ""
		if (match(line, /\[[^]]*\]/)) {
			opt = substr(line, RSTART + 1, RLENGTH - 2)
			line = substr(line, 1, RSTART - 1) " " substr(line, RSTART + RLENGTH)
		}
		n = split(line, t)
		if (n < 4 || t[1] != "deb") next
		signed = ""; trusted = ""
		m = split(opt, o)
		for (i = 1; i <= m; i++) {
			if (o[i] ~ /^signed-by=/) signed = substr(o[i], 11)
			else if (o[i] ~ /^trusted=/) trusted = substr(o[i], 9)
		}
		for (i = 4; i <= n; i++) if (t[i] == "main") emit(t[2], t[3], signed, trusted)
		next
	}
	/^#/ { next }
	/^[ \t]*$/ { flush(); next }
	/^[ \t]/ { if (field != "") { l0 = $0; sub(/[ \t]+$/, "", l0); val[field] = val[field] "\n" substr(l0, 2) }; next }
	{
		p = index($0, ":"); if (p == 0) next
		field = tolower(substr($0, 1, p - 1))
		v = substr($0, p + 1); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
		val[field] = v
	}
	END { flush() }
	' "$@"
}

# The private sources list, from SOURCES or from the host's apt sources.
write_sources() {
	mkdir -p "$dir/etc"
	rm -rf "$dir/etc/keys" "$dir/etc/SOURCES.list" "$dir/etc/SOURCES.sources"
	if [ -n "${SOURCES:-}" ]; then
		if [ -f "$SOURCES" ]; then
			from="SOURCES=$SOURCES"; text=$(cat "$SOURCES")
		else
			from="SOURCES"; text=$SOURCES
		fi
		if printf '%s\n' "$text" | grep -qiE '^(types|uris|suites):'; then
			in="$dir/etc/SOURCES.sources"
		else
			in="$dir/etc/SOURCES.list"
		fi
		printf '%s\n' "$text" > "$in"
		set -- "$in"
	else
		if [ -n "${APT_ETC:-}" ]; then
			sl="$APT_ETC/sources.list"; sp="$APT_ETC/sources.list.d"
		else
			eval "$(apt-config shell sl Dir::Etc::SourceList/f sp Dir::Etc::SourceParts/d)"
			sp=${sp%/}
		fi
		from="the host's apt sources ($sl, $sp/*.list, $sp/*.sources)"
		set --
		[ -f "$sl" ] && set -- "$sl"
		for f in "$sp"/*.list "$sp"/*.sources; do [ -f "$f" ] && set -- "$@" "$f"; done
	fi
	{
		echo "# written by fetch-deb.sh from $from"
		if [ $# -gt 0 ]; then to_private_list "$@"; fi
	} > "$list.tmp"
	if ! grep -q '^deb ' "$list.tmp"; then
		rm -f "$list.tmp"
		die "no 'deb' entry with component main in $from." \
		    "Set SOURCES to sources.list text or a file naming a Debian archive, e.g." \
		    "SOURCES='deb http://MIRROR/debian bookworm main'"
	fi
	mv "$list.tmp" "$list"
	for k in $(sed -n 's/.*signed-by=\([^] ]*\).*/\1/p' "$list" | tr , ' '); do
		case $k in /*) [ -r "$k" ] || die "keyring $k (signed-by in $from) is missing or" \
		                                  "unreadable (Debian's: apt-get install debian-archive-keyring)" ;; esac
	done
}

# Private additions to the host's apt configuration, read after it (-c): no APT::Update hooks, and
# only the Packages index (the host may enable DEP-11, Contents, ... for its own use).
write_conf() {
	mkdir -p "$dir/etc"
	{
		echo "// written by fetch-deb.sh"
		echo "#clear APT::Update::Pre-Invoke;"
		echo "#clear APT::Update::Post-Invoke;"
		echo "#clear APT::Update::Post-Invoke-Success;"
		apt-config dump | sed -n 's/^Acquire::IndexTargets::deb::\([^:"]*\)::MetaKey .*/\1/p' |
			sort -u | grep -vx Packages |
			sed 's/.*/Acquire::IndexTargets::deb::&::DefaultEnabled "false";/'
	} > "$conf.tmp"
	mv "$conf.tmp" "$conf"
}

if [ "$cmd" = update ]; then
	write_sources
	write_conf
elif [ "$cmd" = download ] && [ -f "$dir/updated" ] && [ ! -f "$conf" ]; then
	write_conf
fi

mkdir -p "$dir/etc/preferences.d" "$dir/etc/sources.list.d" \
	"$dir/lists/partial" "$dir/cache/archives/partial" "$dir/state"

# Everything apt reads or writes is redirected into $dir (the host's apt.conf.d applies, see above);
# the dpkg status is empty, so the host's installed packages (and their architecture) play no part.
set -- -q -c "$conf" -oAPT::Architecture="$ARCH" -oAPT::Architectures="$ARCH" -oAPT::Default-Release= \
	-oDir::Etc::SourceList="$list" -oDir::Etc::SourceParts="$dir/etc/sources.list.d" \
	-oDir::Etc::Preferences="$dir/etc/preferences" -oDir::Etc::PreferencesParts="$dir/etc/preferences.d" \
	-oDir::State="$dir/state" -oDir::State::Lists="$dir/lists" -oDir::State::Status=/dev/null \
	-oDir::State::extended_states="$dir/state/extended_states" \
	-oDir::Cache="$dir/cache" -oDir::Cache::Archives="$dir/cache/archives/" \
	-oDir::Cache::pkgcache="$dir/cache/pkgcache.bin" -oDir::Cache::srcpkgcache="$dir/cache/srcpkgcache.bin" \
	-oAcquire::Languages=none -oAPT::Sandbox::User="$(id -un)"

# The archives the private list names, for messages.
sources() { sed -n 's/^deb \[[^]]*\] //p' "$list" 2>/dev/null | sed 's/ main$//' | tr '\n' ';' | sed 's/;$//; s/;/; /g'; }

case $cmd in
update)
	log="$dir/update.log"
	# --error-on=any: a source that cannot be fetched is an error, not a warning with stale lists.
	if ! apt-get "$@" --error-on=any update > "$log" 2>&1 || grep -q '^[WE]:' "$log"; then
		cat "$log" >&2
		die "apt-get update failed for $(sources) ($ARCH); see above. These come from $from:" \
		    "check network access to them, or set SOURCES='deb http://MIRROR/debian SUITE main'"
	fi
	date -u '+%Y-%m-%dT%H:%M:%SZ' > "$dir/updated"
	;;
download)
	if [ -z "$re" ] || [ -z "$out" ]; then die "usage: fetch-deb.sh download DIR REGEX OUT"; fi
	if [ ! -f "$dir/updated" ] || [ ! -f "$list" ]; then
		die "no package lists in $dir: run 'fetch-deb.sh update $dir' first"
	fi
	# All package names known to the lists, then the newest (version-sorted) that matches.
	pkg=$(apt-cache "$@" pkgnames 2>/dev/null | grep -E "^($re)\$" | sort -V | tail -n 1) || true
	[ -n "$pkg" ] || die "no $ARCH package matching '^($re)\$' in $(sources) (lists from" \
	                     "$(cat "$dir/updated")); set SOURCES (or SUITE) for an archive that has it"
	ver=$(apt-cache "$@" show --no-all-versions "$pkg" | sed -n 's/^Version: //p' | head -n 1)
	[ -n "$ver" ] || die "$pkg has no installable version"
	tmp="$dir/dl.$$"
	rm -rf "$tmp"; mkdir -p "$tmp"
	if ! (cd "$tmp" && apt-get "$@" download "$pkg=$ver" > "$tmp/log" 2>&1); then
		cat "$tmp/log" >&2
		die "could not download $pkg $ver"
	fi
	deb=
	for f in "$tmp"/*.deb; do [ -f "$f" ] && deb=$f; done
	[ -n "$deb" ] || die "apt-get download $pkg left no .deb"
	mkdir -p "$(dirname "$out")"
	mv "$deb" "$out"
	echo "$pkg $ver" > "$out.pkg"
	rm -rf "$tmp"
	echo "fetch-deb: $pkg $ver -> $out"
	;;
*) die "unknown command '$cmd'" ;;
esac
