#!/usr/bin/env bash
# Messages over a channel between two VMs with the ptchan library (docs/channels.md): every answer
# comes back intact and in order, both sides count the same, and the doorbells do the waking.
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"
here=$(dirname "$0")

boot "$here/channel.yaml" && {
	expect "[app] chan-send: 300 messages, 300 answers intact" "300 messages of 1..1000 bytes come back upper-cased, in order"
	expect "[srv] chan-echo: 300 messages answered" "the other side answered as many"
	expect_not "no answer" "no message went unanswered"
	expect_not "no usable channel" "both find the channel in their device tree"
	powered_off
}
# Linux and a bare-metal VM (samples/linux-channel.yaml, run once at boot): the partita-channel
# driver, blocking reads woken by the doorbell, messages of every size both ways.
if [ ! -f "$BUILD/guests/linux/Image" ] || [ ! -f "$BUILD/guests/linux/initramfs.cpio.gz" ]; then
	make -s -C "$TOP" linux-guest >/dev/null || { not_ok "channel: build the Linux guest"; finish; }
fi
BOOT_TIMEOUT=240 boot "$here/linux-chantest.yaml" && {
	expect "[linux] partita-linux: channels: /dev/partita/pipe" "the driver gives /dev/partita/pipe"
	expect "[linux] partita-chan: abuse: 7 of 7 refused as they should be" \
		"the driver refuses empty, oversized and unreadable messages, unknown ioctls, bad mmaps"
	expect_re "^\[linux\] partita-chan: 1000 messages, 1000 answers intact, 0 resets, round trip [0-9]+ ns" \
		"1,000 messages of 1..1000 bytes from Linux come back upper-cased, in order"
	expect_re "^\[linux\] partita-chan: 200 messages, 200 answers intact" "200 messages of 64 bytes"
	expect_re "^\[linux\] partita-chan: 100 messages, 100 answers intact" "100 messages of 4 KiB"
	expect "[srv] chan-echo: 1300 messages answered" "the bare-metal side counted the same 1,300"
	expect "partita: vm 'linux' vcpu 0: PSCI SYSTEM_OFF — VM off" "Linux powers off after the test"
	powered_off
}

# The bare-metal end restarts in the middle: Linux sees the reset and goes on with its new life.
BOOT_TIMEOUT=240 boot "$here/linux-chanreset.yaml" && {
	expect_count 2 "[srv] chan-echo: 100 messages answered" "srv answers 100 messages in each of its two lives"
	expect "partita: vm 'srv' vcpu 0: data abort at IPA 0x60000000" "srv faults between them"
	expect "[linux] partita-chan: the peer reset the channel" "Linux's blocked read returns ECONNRESET"
	expect_count 2 "[linux] partita-chan: 100 messages, 100 answers intact, 0 resets" \
		"100 messages before the reset and 100 after, every answer intact"
	expect_order "[linux] partita-chan: the peer reset the channel" "[srv] boot 3 reached maxboots" \
		"srv powers off on its third boot"
	powered_off
}
finish
