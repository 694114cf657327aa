#!/bin/sh
# Write a newc cpio archive (the initramfs format) to stdout from a file list in the format of
# the kernel's usr/gen_init_cpio, so no root and no cpio tool are needed:
#
#   dir   NAME MODE UID GID
#   file  NAME LOCATION MODE UID GID
#   slink NAME TARGET MODE UID GID
#   nod   NAME MODE UID GID c|b MAJOR MINOR
#
# MODE is octal. '#' starts a comment. Entries are written in list order, every mtime is
# $SOURCE_DATE_EPOCH (default 0) and inode numbers count up from 721: the output depends only on
# the list and the files' contents.
set -euf

mtime=${SOURCE_DATE_EPOCH:-0}
ino=721

die() { echo "gen-cpio: error: $*" >&2; exit 1; }

# pad N: zero bytes up to the next multiple of 4 after N bytes
pad() { n=$(( (4 - $1 % 4) % 4 )); [ "$n" -eq 0 ] || head -c "$n" /dev/zero; }

# header NAME MODE UID GID NLINK FILESIZE RMAJ RMIN   (MODE in decimal, type bits included)
header() {
	namesize=$(( $(printf '%s' "$1" | wc -c) + 1 ))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$ino" "$2" "$3" "$4" "$5" "$mtime" "$6" 0 0 "$7" "$8" "$namesize" 0
	printf '%s' "$1"
	head -c 1 /dev/zero
	pad $(( 110 + namesize ))
	ino=$((ino + 1))
}

strip() { printf '%s' "${1#/}"; }

lineno=0
while IFS= read -r line || [ -n "$line" ]; do
	lineno=$((lineno + 1))
	line=${line%%#*}
	# shellcheck disable=SC2086
	set -- $line
	[ $# -gt 0 ] || continue
	type=$1; shift
	case $type in
	dir)
		[ $# -eq 4 ] || die "line $lineno: dir NAME MODE UID GID"
		header "$(strip "$1")" $((0040000 | 0$2)) "$3" "$4" 2 0 0 0 ;;
	file)
		[ $# -eq 5 ] || die "line $lineno: file NAME LOCATION MODE UID GID"
		[ -f "$2" ] || die "line $lineno: $2: no such file"
		size=$(wc -c < "$2")
		header "$(strip "$1")" $((0100000 | 0$3)) "$4" "$5" 1 "$size" 0 0
		cat "$2"
		pad "$size" ;;
	slink)
		[ $# -eq 5 ] || die "line $lineno: slink NAME TARGET MODE UID GID"
		size=$(printf '%s' "$2" | wc -c)
		header "$(strip "$1")" $((0120000 | 0$3)) "$4" "$5" 1 "$size" 0 0
		printf '%s' "$2"
		pad "$size" ;;
	nod)
		[ $# -eq 7 ] || die "line $lineno: nod NAME MODE UID GID c|b MAJOR MINOR"
		case $5 in c) t=0020000 ;; b) t=0060000 ;; *) die "line $lineno: device type c or b" ;; esac
		header "$(strip "$1")" $((t | 0$2)) "$3" "$4" 1 0 "$6" "$7" ;;
	*) die "line $lineno: unknown entry type '$type'" ;;
	esac
done

ino=0
header TRAILER!!! 0 0 0 1 0 0 0
