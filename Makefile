# Partita — top-level build.
#
#   make                      build the partita tool (build/bin/partita)
#   make SYSTEM=samples/x.yaml  tool → generate build/x/ → guests → hypervisor image
#   make run                  build and boot the default sample ($(SYSTEM))
#   make check                every test (installs what it needs first)
#   make bench                benchmarks (reports, never asserts)
#   make deps                 install the Debian packages Partita needs
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
	shellcheck python3 python3-jsonschema python3-yaml cloc busybox-static cpio gzip

CC ?= gcc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror -std=c11 -D_GNU_SOURCE
PKG_CFLAGS = $(shell pkg-config --cflags yaml-0.1 libfdt 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs yaml-0.1 libfdt 2>/dev/null || echo -lyaml -lfdt)
DEFS := -DPARTITA_BOARDS_DIR='"$(TOP)/boards"' -DPARTITA_TEMPLATES_DIR='"$(TOP)/templates"'

GEN_SRCS := $(wildcard gen/*.c)
GEN_LIB_SRCS := $(filter-out gen/main.c,$(GEN_SRCS))
GEN_HDRS := $(wildcard gen/*.h) hypervisor/include/partita/config.h

.PHONY: all tool deps run check bench clean system guests
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

$(BUILD)/.deps:
	@$(MAKE) --no-print-directory deps

$(BUILD)/bin/partita: $(GEN_SRCS) $(GEN_HDRS) | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(WARN) $(DEFS) $(PKG_CFLAGS) -o $@ $(GEN_SRCS) $(PKG_LIBS)

# The same tool built with AddressSanitizer and UndefinedBehaviorSanitizer, for the tests.
$(BUILD)/asan/partita: $(GEN_SRCS) $(GEN_HDRS) | $(BUILD)/.deps
	@mkdir -p $(@D)
	$(CC) -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
		$(WARN) $(DEFS) $(PKG_CFLAGS) -o $@ $(GEN_SRCS) $(PKG_LIBS)

clean:
	rm -rf $(BUILD)
