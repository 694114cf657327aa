# Partita — top-level build.
#
#   make                      build the partita tool (build/bin/partita)
#   make SYSTEM=samples/x.yaml  tool → generate build/x/ → guests → hypervisor image
#   make run                  build and boot the default sample ($(SYSTEM))
#   make check                every test (installs what it needs first)
#   make bench                benchmarks (reports, never asserts)
#   make deps                 install the Debian packages Partita needs
#   make install              the tool, its man page, boards and templates under PREFIX (DESTDIR)
#   make bench-docs           run the benchmarks and refresh the figures quoted in docs/
#   make fuzz                 fuzz every libFuzzer target for FUZZ_SECONDS each (tests/fuzz/)
#
# The pipeline lives in the folders: gen/ (YAML → model → checks → emitters), templates/ (m4),
# boards/, hypervisor/, samples/, tests/, docs/.

SHELL := /bin/bash
TOP := $(abspath .)
BUILD := $(TOP)/build
SYSTEM ?= samples/dual.yaml
NAME := $(basename $(notdir $(SYSTEM)))
OUT := $(BUILD)/$(NAME)

# The one list of Debian packages the project needs (build, run and test).
DEBIAN_PACKAGES := gcc make pkg-config libyaml-dev libfdt-dev device-tree-compiler m4 \
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-system-arm \
	qemu-system-misc opensbi gcc-riscv64-linux-gnu binutils-riscv64-linux-gnu \
	shellcheck python3 python3-jsonschema python3-yaml python3-libfdt cloc gzip \
	clang libclang-rt-dev tmux picocom flex bison bc

CC ?= gcc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -std=c11 -D_GNU_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags yaml-0.1 libfdt 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs yaml-0.1 libfdt 2>/dev/null || echo -lyaml -lfdt)
DEFS := -DPARTITA_BOARDS_DIR='"$(TOP)/boards"' -DPARTITA_TEMPLATES_DIR='"$(TOP)/templates"' \
	-Ihypervisor/include

# The tool, plus the console mux framing it shares with the hypervisor (hypervisor/lib/mux.c).
GEN_SRCS := $(wildcard gen/*.c) hypervisor/lib/mux.c
GEN_LIB_SRCS := $(filter-out gen/main.c gen/console.c hypervisor/lib/mux.c,$(GEN_SRCS))
GEN_HDRS := $(wildcard gen/*.h) hypervisor/include/partita/config.h hypervisor/include/partita/mux.h

.PHONY: all tool deps run check bench clean system guests linux-guest linux-guest-riscv fuzz fuzz-build
.DEFAULT_GOAL := all

all: $(if $(filter command line,$(origin SYSTEM)),system,tool)

tool: $(BUILD)/bin/partita

# Install missing Debian packages (apt-get update first). Quiet when everything is there.
deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "partita: installing Debian packages:" $$missing; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi
	@touch $(BUILD)/.deps 2>/dev/null || { mkdir -p $(BUILD) && touch $(BUILD)/.deps; }

# Made again when the Makefile (its package list) changes.
$(BUILD)/.deps: Makefile
	@$(MAKE) --no-print-directory deps

$(BUILD)/bin/partita: $(GEN_SRCS) $(GEN_HDRS) | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(DEFS) $(PKG_CFLAGS) -o $@ $(GEN_SRCS) $(PKG_LIBS)

# The same tool built with AddressSanitizer and UndefinedBehaviorSanitizer, for the tests.
$(BUILD)/asan/partita: $(GEN_SRCS) $(GEN_HDRS) | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(CC) -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
		$(WARN) $(DEFS) $(PKG_CFLAGS) -o $@ $(GEN_SRCS) $(PKG_LIBS)

# libFuzzer targets (tests/fuzz/fuzz_NAME.c → build/fuzz/fuzz-NAME), built with Debian's clang
# against the generator's sources (main.c aside), which get the fuzzer's coverage instrumentation.
FUZZ_TARGETS := yaml image dtb
FUZZ_SECONDS ?= 300
FUZZ_JOBS ?= 1
FUZZ_OPTIONS ?=
FUZZ_CC := clang
FUZZ_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_OBJS := $(GEN_LIB_SRCS:gen/%.c=$(BUILD)/fuzz/obj/%.o)
FUZZ_BINS := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz-%)

$(BUILD)/fuzz/obj/%.o: gen/%.c $(GEN_HDRS) | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link $(WARN) $(DEFS) $(PKG_CFLAGS) -c -o $@ $<

$(BUILD)/fuzz/fuzz-%: tests/fuzz/fuzz_%.c tests/fuzz/harness.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $(WARN) $(DEFS) -DPARTITA_TOP='"$(TOP)"' $(PKG_CFLAGS) \
		-o $@ $< $(FUZZ_OBJS) $(PKG_LIBS)

fuzz-build: $(FUZZ_BINS)
.SECONDARY: $(FUZZ_OBJS)

# A campaign: each target in turn for FUZZ_SECONDS (FUZZ_JOBS workers each), its corpus kept in
# build/fuzz/corpus/NAME, findings in build/fuzz/artifacts/NAME; summary at the end. FUZZ_OPTIONS:
# more libFuzzer options. tests/fuzz/README.md says more.
fuzz: $(BUILD)/.deps
	@$(MAKE) --no-print-directory fuzz-build
	@BUILD='$(BUILD)' FUZZ_JOBS='$(FUZZ_JOBS)' FUZZ_OPTIONS='$(FUZZ_OPTIONS)' \
		tests/fuzz/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# ---- the user's loop: YAML → generated files → guests → hypervisor image → boot -------------------

# The bare-metal sample guest, AArch64 and riscv64 (one make in samples/guests/baremetal builds both).
GUESTS := $(BUILD)/guests/baremetal.bin $(BUILD)/guests/baremetal-riscv64.bin

guests: $(GUESTS)

# The Linux sample guest: Debian's arm64 kernel and a busybox initramfs, fetched with apt
# (samples/guests/linux/README.md). Built for systems that name build/guests/linux/ and for make check.
LINUX_GUEST := $(BUILD)/guests/linux/Image $(BUILD)/guests/linux/initramfs.cpio.gz
NEEDS_LINUX := $(if $(shell grep -l 'build/guests/linux/' $(SYSTEM) 2>/dev/null),$(LINUX_GUEST))

linux-guest: $(LINUX_GUEST)

$(LINUX_GUEST) &: $(wildcard samples/guests/linux/* samples/guests/linux/partita-channel/* \
			  samples/guests/channel/*) | $(BUILD)/.deps
	$(MAKE) --no-print-directory -C samples/guests/linux O=$(BUILD)/guests/linux

# The riscv64 Linux guest's kernel, built from Debian's linux-source-6.1 and cached outside the
# clone (samples/guests/linux-riscv/README.md). Not yet part of make check (issue 21).
linux-guest-riscv: $(BUILD)/guests/linux-riscv/Image

$(BUILD)/guests/linux-riscv/Image: $(wildcard samples/guests/linux-riscv/*) | $(BUILD)/.deps
	$(MAKE) --no-print-directory -C samples/guests/linux-riscv O=$(BUILD)/guests/linux-riscv

$(BUILD)/guests/baremetal.bin: $(filter-out %/riscv64,$(wildcard samples/guests/baremetal/* \
		samples/guests/baremetal/attack/* samples/guests/channel/*)) | $(BUILD)/.deps
	$(MAKE) --no-print-directory -C samples/guests/baremetal O=$(BUILD)/guests aarch64

# After the AArch64 build, whose sources it shares (touched: its own make may find nothing to do).
$(BUILD)/guests/baremetal-riscv64.bin: $(BUILD)/guests/baremetal.bin \
		$(wildcard samples/guests/baremetal/riscv64/*) | $(BUILD)/.deps
	$(MAKE) --no-print-directory -C samples/guests/baremetal O=$(BUILD)/guests riscv64
	@touch $@

# Regenerated whenever the tool, the description, the templates, the board or a guest changes.
# partita writes nothing at all when the description is invalid.
# "A guest" is every file gen read, wherever it lives (a kernel outside build/guests/, an initrd,
# a device tree file): gen lists them in system.d, make dependencies of system.mk (like gcc -MD).
# A changed image then regenerates system.mk, which rebuilds the hypervisor that embeds it.
-include $(OUT)/system.d
$(OUT)/system.mk: $(SYSTEM) $(BUILD)/bin/partita $(wildcard templates/*.m4 boards/*/*) $(GUESTS) $(NEEDS_LINUX)
	$(BUILD)/bin/partita gen $(SYSTEM) -o $(OUT)

# A system for an architecture the hypervisor has no port to (system.mk's ARCH, the board's, with
# no hypervisor/arch/ARCH) stops here, after partita gen, saying so.
$(OUT)/hyp/partita.elf: $(OUT)/system.mk $(shell find hypervisor -type f 2>/dev/null)
	@arch=$$(sed -n 's/^ARCH := //p' $(OUT)/system.mk); \
	if [ -n "$$arch" ] && [ "$$arch" != aarch64 ] && [ ! -f hypervisor/arch/$$arch/arch.mk ]; then \
		echo "partita: $(SYSTEM) is a $$arch system: partita gen wrote $(OUT), but there is no $$arch hypervisor (no hypervisor/arch/$$arch/arch.mk), so the build stops here" >&2; \
		exit 2; \
	fi
	$(MAKE) --no-print-directory -C hypervisor CONFIG_DIR=$(OUT) O=$(OUT)/hyp

system: $(OUT)/hyp/partita.elf
	@echo "partita: built $(OUT)/hyp/partita.elf — boot it with $(OUT)/run.sh"

# Boot the system; the hypervisor powers QEMU off when every VM has stopped, and a timeout
# stops it in any case.
RUN_TIMEOUT ?= 120
run: $(OUT)/hyp/partita.elf
	$(OUT)/run.sh --timeout $(RUN_TIMEOUT)

# ---- tests and benchmarks ---------------------------------------------------------------------

check: $(BUILD)/.deps
	@$(MAKE) --no-print-directory tool guests linux-guest
	@tests/run-all.sh

bench: $(BUILD)/.deps
	@$(MAKE) --no-print-directory tool guests
	@tests/bench/bench.sh

# Refresh the figures docs/*.md quote from make bench: every <!-- bench: SECTION | REGEX --> block
# gets the lines of that section of the report that match (tests/docs/bench-docs.sh).
.PHONY: bench-docs
bench-docs: $(BUILD)/.deps
	@$(MAKE) --no-print-directory tool guests
	@mkdir -p $(BUILD)/bench
	@set -o pipefail; tests/bench/bench.sh | tee $(BUILD)/bench/report.txt
	@tests/docs/bench-docs.sh $(BUILD)/bench/report.txt

# ---- installing -------------------------------------------------------------------------------
#
#   make install PREFIX=/usr/local [DESTDIR=/staging]    make uninstall PREFIX=...
#
# The installed tool is built again (build/install/partita) to look for boards and templates
# where install puts them, PREFIX/share/partita, so it works without the source tree; DESTDIR
# only stages the files (packaging) and is not compiled in.
PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man/man1
SHAREDIR = $(PREFIX)/share/partita
INSTALL_DEFS = -DPARTITA_BOARDS_DIR='"$(SHAREDIR)/boards"' -DPARTITA_TEMPLATES_DIR='"$(SHAREDIR)/templates"' \
	-Ihypervisor/include

.PHONY: install uninstall FORCE
# Rewritten only when PREFIX changes, so that the installed tool is rebuilt exactly then.
$(BUILD)/install/prefix: FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = '$(SHAREDIR)' ] || echo '$(SHAREDIR)' >$@

$(BUILD)/install/partita: $(GEN_SRCS) $(GEN_HDRS) $(BUILD)/install/prefix | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(INSTALL_DEFS) $(PKG_CFLAGS) -o $@ $(GEN_SRCS) $(PKG_LIBS)

install: $(BUILD)/install/partita
	install -d '$(DESTDIR)$(BINDIR)' '$(DESTDIR)$(MANDIR)' '$(DESTDIR)$(SHAREDIR)'
	install -m 755 $(BUILD)/install/partita '$(DESTDIR)$(BINDIR)/partita'
	install -m 644 docs/partita.1 '$(DESTDIR)$(MANDIR)/partita.1'
	rm -rf '$(DESTDIR)$(SHAREDIR)/boards' '$(DESTDIR)$(SHAREDIR)/templates' '$(DESTDIR)$(SHAREDIR)/schema'
	cp -R boards templates schema '$(DESTDIR)$(SHAREDIR)/'
	@echo "partita: installed $(DESTDIR)$(BINDIR)/partita (boards and templates: $(SHAREDIR))"

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/partita' '$(DESTDIR)$(MANDIR)/partita.1'
	rm -rf '$(DESTDIR)$(SHAREDIR)'

clean:
	rm -rf $(BUILD)
