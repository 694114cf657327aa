# A changed guest image is built in (issue 19). `make SYSTEM=...` regenerates when any file
# partita gen read changes, not only the description, the tool, the templates, the boards and
# build/guests/: gen writes system.d (make dependencies of system.mk: the description, the
# board's files, every kernel, initrd and device tree file, the templates) and the Makefile
# includes it. Here a kernel outside build/guests/ changes (same size, new bytes): make must
# regenerate and rebuild the hypervisor image with the new bytes in it; a make with nothing
# changed must rebuild nothing; a kernel that is gone must make gen run and say so
# [image-missing] rather than stop make with "no rule to make target". One hypervisor build
# (seconds), one relink. Sourced by tests/gen/test.sh (its ok/bad/expect, $WORK, $BUILD).
# shellcheck shell=bash
RB="$WORK/rebuild"
RBOUT="$BUILD/gen-rebuild"   # the Makefile's $(OUT) for gen-rebuild.yaml
rm -rf "$RB" "$RBOUT"
mkdir -p "$RB"
cp "$TOP/tests/gen/systems/tiny.bin" "$RB/kernel.bin"
cat >"$RB/gen-rebuild.yaml" <<'YAML'
system: gen-rebuild
board: qemu-aarch64-virt
vms:
  - name: solo
    cpus: [0]
    memory: [{ base: 0x40000000, size: 16M }]
    image: { kernel: kernel.bin }
YAML
# The tool under test and the guests are what they are (-o: not remade here; this system uses no
# guest of build/guests/).
rbmake() {
	make -s --no-print-directory -C "$TOP" -o "$BUILD/bin/partita" -o "$BUILD/guests/baremetal.bin" \
		-o "$BUILD/.deps" BUILD="$BUILD" SYSTEM="$RB/gen-rebuild.yaml" >"$RB/make.log" 2>&1
}
bin="$RBOUT/hyp/partita.bin"
if ! rbmake || [ ! -f "$bin" ]; then
	bad "rebuild: make SYSTEM=gen-rebuild.yaml builds the hypervisor image"
	sed 's/^/    /' "$RB/make.log" | tail -20
else
	ok "rebuild: make SYSTEM=gen-rebuild.yaml builds the hypervisor image"
	kernel=$(realpath "$RB/kernel.bin")
	expect 'grep -qx "  $kernel \\\\" "$RBOUT/system.d" && grep -qx "$kernel:" "$RBOUT/system.d" &&
		grep -qx "$RBOUT/system.mk: \\\\" "$RBOUT/system.d"' \
		"rebuild: system.d makes system.mk depend on the kernel outside build/guests/"
	before=$(sha256sum <"$bin")
	sleep 1   # a later modification time than the build's outputs, whatever the clock's grain
	printf 'PTRB-v2!' | dd of="$RB/kernel.bin" bs=1 seek=0 conv=notrunc status=none
	if rbmake; then ok "rebuild: make after the kernel changed succeeds"
	else bad "rebuild: make after the kernel changed succeeds"; sed 's/^/    /' "$RB/make.log" | tail -20; fi
	expect '[ "$(sha256sum <"$bin")" != "$before" ] && grep -qa "PTRB-v2!" "$bin"' \
		"rebuild: the rebuilt hypervisor image embeds the changed kernel"
	stamp=$(stat -c %Y.%y "$bin")
	rbmake
	expect '[ "$(stat -c %Y.%y "$bin")" = "$stamp" ]' "rebuild: make with nothing changed rebuilds nothing"
	rm -f "$RB/kernel.bin"
	rbmake
	rc=$?
	expect '[ $rc -ne 0 ] && grep -q "\[image-missing\]" "$RB/make.log" && ! grep -q "No rule to make target" "$RB/make.log"' \
		"rebuild: a kernel that is gone makes gen run again and report it [image-missing]"
fi
rm -rf "$RBOUT"
