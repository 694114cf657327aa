#!/usr/bin/env bash
# modules.sh DEB DIR NAME...: take the kernel modules NAME (any module of the kernel package DEB,
# '-' and '_' alike) and every module they depend on (their .modinfo `depends=`, followed
# recursively) out of DEB into DIR, and write DIR/load.order: one "name path" line per module,
# dependencies first, the order insmod needs. Only those modules are unpacked.
set -euo pipefail
deb=$1 dir=$2
shift 2
mkdir -p "$dir"
list=$(dpkg-deb --fsys-tarfile "$deb" | tar -t | grep '\.ko$' || true)
order=()

norm() { tr - _ <<<"$1"; }

path_of() {
	awk -v n="$1" '{ b = $0; sub(/.*\//, "", b); sub(/\.ko$/, "", b); gsub(/-/, "_", b)
		if (b == n) { print; exit } }' <<<"$list"
}

visit() {
	local name path deps d
	name=$(norm "$1")
	for d in "${order[@]}"; do [ "$d" = "$name" ] && return 0; done
	path=$(path_of "$name")
	if [ -z "$path" ]; then
		echo "modules.sh: error: no module '$1' in $(basename "$deb")" >&2
		exit 1
	fi
	[ -f "$dir/$path" ] || dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" "$path"
	deps=$(strings "$dir/$path" | sed -n 's/^depends=//p' | tr , ' ')
	for d in $deps; do visit "$d"; done
	order+=("$name")
	echo "$name $dir/${path#./}" >>"$dir/load.order.tmp"
}

rm -f "$dir/load.order.tmp"
: >"$dir/load.order.tmp"
for m in "$@"; do visit "$m"; done
mv "$dir/load.order.tmp" "$dir/load.order"
