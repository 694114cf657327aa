#!/bin/sh
# Download arm64 .debs from Debian's archive with apt, on any host architecture, without touching
# the host's apt state: private sources list, package lists and cache under DIR.
#
#   fetch-deb.sh update   DIR                  refresh DIR/lists (fails on any fetch error)
#   fetch-deb.sh download DIR REGEX|NAME OUT   newest package whose name matches ^REGEX$, to OUT
#
# Environment: SUITE (bookworm), MIRROR, SECURITY_MIRROR, KEYRING.
set -eu

SUITE=${SUITE:-bookworm}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
KEYRING=${KEYRING:-/usr/share/keyrings/debian-archive-keyring.gpg}

die() { echo "fetch-deb: error: $*" >&2; exit 1; }

[ $# -ge 2 ] || die "usage: fetch-deb.sh update DIR | download DIR REGEX OUT"
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)
re=${3:-}
out=${4:-}

command -v apt-get >/dev/null || die "apt-get not found: this build needs a Debian-like host"
[ -r "$KEYRING" ] || die "$KEYRING missing: apt-get install debian-archive-keyring"

mkdir -p "$dir/etc/apt.conf.d" "$dir/etc/preferences.d" "$dir/etc/sources.list.d" \
	"$dir/lists/partial" "$dir/cache/archives/partial" "$dir/state"
cat > "$dir/etc/sources.list" <<EOF
deb [arch=arm64 signed-by=$KEYRING] $MIRROR $SUITE main
deb [arch=arm64 signed-by=$KEYRING] $MIRROR $SUITE-updates main
deb [arch=arm64 signed-by=$KEYRING] $SECURITY_MIRROR $SUITE-security main
EOF

# Everything apt reads or writes is redirected into $dir; the dpkg status is empty, so the host's
# installed packages (and their architecture) play no part.
set -- -q -oAPT::Architecture=arm64 -oAPT::Architectures=arm64 \
	-oDir::Etc::SourceList="$dir/etc/sources.list" -oDir::Etc::SourceParts="$dir/etc/sources.list.d" \
	-oDir::Etc::Parts="$dir/etc/apt.conf.d" -oDir::Etc::Preferences="$dir/etc/preferences" \
	-oDir::Etc::PreferencesParts="$dir/etc/preferences.d" \
	-oDir::State="$dir/state" -oDir::State::Lists="$dir/lists" -oDir::State::Status=/dev/null \
	-oDir::Cache="$dir/cache" -oAcquire::Languages=none -oAPT::Sandbox::User="$(id -un)"

case $cmd in
update)
	log="$dir/update.log"
	# --error-on=any: a source that cannot be fetched is an error, not a warning with stale lists.
	if ! apt-get "$@" --error-on=any update > "$log" 2>&1 || grep -q '^[WE]:' "$log"; then
		cat "$log" >&2
		die "apt-get update failed for $MIRROR / $SECURITY_MIRROR ($SUITE, arm64); see above." \
		    "Only Debian's archive is needed: check network access to it, or set MIRROR=..."
	fi
	date -u '+%Y-%m-%dT%H:%M:%SZ' > "$dir/updated"
	;;
download)
	if [ -z "$re" ] || [ -z "$out" ]; then die "usage: fetch-deb.sh download DIR REGEX OUT"; fi
	[ -f "$dir/updated" ] || die "no package lists in $dir: run 'fetch-deb.sh update $dir' first"
	# All package names known to the lists, then the newest (version-sorted) that matches.
	pkg=$(apt-cache "$@" pkgnames 2>/dev/null | grep -E "^($re)\$" | sort -V | tail -n 1) || true
	[ -n "$pkg" ] || die "no arm64 package matching '^($re)\$' in $SUITE (lists from $(cat "$dir/updated"))"
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
