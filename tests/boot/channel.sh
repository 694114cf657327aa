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
finish
