#!/usr/bin/env bash
# The multiplexed console: output of each VM is tagged with its name; input goes to the VM with
# the focus (initially the first VM with a console) and Ctrl-] (0x1d) moves the focus on.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

BOOT_INPUT='first line\r\x1dsecond line\r' boot "$here/console.yaml" && {
	expect "[alpha] echo: first line" "input goes to the first VM with a console"
	expect "partita: console input -> vm 'beta'" "Ctrl-] moves the focus, and says so"
	expect "[beta] echo: second line" "then input goes to vm 'beta'"
	expect_order "partita: console input -> vm 'beta'" "[beta] echo: second line" "in that order"
	expect_not "echo: first linesecond" "nothing leaks across the switch"
	powered_off
}
finish
