# SPDX-License-Identifier: GPL-2.0
#
# tcplab - a teaching TCP and TLS record layer as a Linux kernel module.
#
#   make            build the module (every installed kernel), userspace, tests
#   make check      all tests: host unit tests + each kernel in a QEMU VM
#   make check-full the same plus the full tier (longer fuzzing, whole
#                   matrices on every kernel): run before resolving work
#   make check-debug every selftest on a debug 6.12 (KASAN, lockdep,
#                   kmemleak, UBSAN...), built once from Debian's source
#   make demo       the main job (see README.md)
#   make bench      tcplab vs Linux TCP side by side in the VM
#   make vm         an interactive shell in the test VM, module loaded
#   make lint       checkpatch over module/
#   make install    a real installation: tools, libraries, headers and
#                   pkg-config files under PREFIX (/usr/local), the module's
#                   source for DKMS in /usr/src/tcplab-VERSION; DESTDIR=
#                   stages it elsewhere (no root needed then)
#   make uninstall  removes what make install put there (same PREFIX,
#                   DESTDIR)
#   make lab-list   the labs of the course (doc/labs/README.md)
#   make lab LAB=rto [DIR=build/labs/rto]  a student tree, the lab's
#                   regions of module/core/ replaced by stubs
#   make lab-check LAB=rto [DIR=build/labs/rto]  its unit tests, a score
#
# Variables: KERNELS="6.12 6.1" (series or full versions, "debug", "host";
# default: all under build/kernels/), KDIR=/path (build for one tree),
# TESTS=a,b (narrow `make check`), ACCEL=kvm (opt-in; TCG is the default),
# SCENARIO=tcp|tls|simopen|simclose|refused|loss|badcert|all (make demo),
# ROUNDS=N (make bench: samples per TCP and row, default 5), PIN=1 (make
# bench: the two ends of bulk, kTLS and lossy on different CPUs).

export KERNELS TESTS ACCEL MEM SMP VM_TIMEOUT SCENARIO ROUNDS PIN
SHELL := /bin/bash
TOP := $(CURDIR)
BUILD ?= $(TOP)/build
export BUILD
# Scratch files of the compilers, the tests and QEMU (vvfat's overlay)
# stay in the build tree too: nothing is written outside it.
export TMPDIR := $(BUILD)/tmp
$(shell mkdir -p $(TMPDIR))

all: modules userspace selftests guest-tools

deps:
	@scripts/deps.sh

modules: deps
	@KDIR=$(KDIR) scripts/build-modules.sh

userspace: deps
	@$(MAKE) -s -C userspace install-guest

selftests: userspace
	@$(MAKE) -s -C selftests install

guest-tools: $(BUILD)/guest-exit

$(BUILD)/guest-exit: scripts/guest/exit.c
	@mkdir -p $(BUILD)
	$(CC) -static -O2 -Wall -Werror -o $@ $<

check: all
	@scripts/check.sh

check-full: all
	@TIER=full scripts/check.sh

check-debug: userspace selftests guest-tools
	@scripts/debug-kernel.sh > /dev/null
	@KERNELS="debug 6.12" scripts/build-modules.sh
	@TIER=debug scripts/check.sh

vm: all
	@scripts/vm.sh shell "$$(. scripts/lib.sh; kernels_selected "$(KERNELS)" | head -n 1 | cut -d' ' -f2)"

demo: all
	@scripts/demo.sh

bench: all
	@scripts/vm.sh bench "$$(. scripts/lib.sh; kernels_selected "$(KERNELS)" | head -n 1 | cut -d' ' -f2)"

lint: deps
	@scripts/lint.sh

# One version number for everything (module, libraries, tools, DKMS).
VERSION := $(strip $(shell cat $(TOP)/VERSION 2>/dev/null))
ifeq ($(VERSION),)
$(error no version in $(TOP)/VERSION)
endif
DKMS_SRCDIR ?= /usr/src
DKMS_DIR := $(DESTDIR)$(DKMS_SRCDIR)/tcplab-$(VERSION)

# Not after deps: installing needs a compiler and GnuTLS, never apt-get
# or root (with DESTDIR).
install: dkms-source
	@$(MAKE) -s -C userspace install

# The source DKMS was given goes too; a module DKMS built from it is
# DKMS's to remove (dkms remove tcplab/VERSION --all).
uninstall:
	@$(MAKE) -s -C userspace uninstall
	rm -rf $(DKMS_DIR)

# What DKMS builds from: the Kbuild files and sources the module build
# mirrors (scripts/build-modules.sh), VERSION, the license texts, and
# dkms.conf with the version filled in.
dkms-source:
	rm -rf $(DKMS_DIR)
	mkdir -p $(DKMS_DIR)/LICENSES
	cp Kbuild VERSION $(DKMS_DIR)/
	cp LICENSES/GPL-2.0.txt LICENSES/Linux-syscall-note.txt $(DKMS_DIR)/LICENSES/
	find module -type f \( -name '*.c' -o -name '*.h' -o -name Kbuild \) \
		-exec cp --parents {} $(DKMS_DIR)/ \;
	sed 's|@VERSION@|$(VERSION)|' dkms.conf.in > $(DKMS_DIR)/dkms.conf

# The labs (scripts/lab.sh), from the files git tracks.  lab-check also
# runs the lab's selftests in the VM once the unit tests pass (VM=0: not).
lab-list:
	@scripts/lab.sh list

lab:
	@test -n "$(LAB)" || { echo "usage: make lab LAB=name [DIR=...] (make lab-list)" >&2; exit 1; }
	@scripts/lab.sh make "$(LAB)" "$(DIR)"

lab-check:
	@test -n "$(LAB)" || { echo "usage: make lab-check LAB=name [DIR=...]" >&2; exit 1; }
	@LAB_VM=$(if $(filter 0 no,$(VM)),0,1) scripts/lab.sh check "$(LAB)" "$(DIR)"

clean:
	rm -rf $(BUILD)
	$(MAKE) -s -C selftests/core clean 2>/dev/null || true

.PHONY: all deps modules userspace selftests guest-tools check check-full check-debug vm demo \
	bench lint install uninstall dkms-source lab-list lab lab-check clean
