# SPDX-License-Identifier: GPL-2.0
#
# hotplug-lab: wrapper targets. The module itself is built by Kbuild:
#   make -C /lib/modules/$(uname -r)/build M=$PWD
#
#   make deps      install everything the project needs (Debian packages)
#   make kernels   build the project's own kernels (the debug kernel), cached
#   make modules   build hotplug_lab.ko for every kernel (tests/kernels.sh)
#   make cli       build userspace-cli/hplab
#   make demo      a narrated demo in the VM (DEMO=name, default tour)
#   make demo-list the demos
#   make check     deps, host checks, then the VM suite on every kernel
#   make bench     hotplug_lab against virtio-mem, dax/kmem and a DIMM
#   make style     checkpatch and sparse on the module
#   make install   hplab, its man page and debugfs-api.txt (PREFIX, DESTDIR)
#   make dkms-install / dkms-remove   the module through DKMS (KERNELRELEASE)
#   make deb       hotplug-lab-dkms_<version>_all.deb of the module source

KERNELS ?= $(shell tests/kernels.sh 2> /dev/null)
MODULE_SOURCES := Kbuild dkms.conf $(wildcard module/*.[ch])
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

PREFIX ?= /usr/local
DESTDIR ?=
KERNELRELEASE ?= $(shell uname -r)
# Tests point DKMS at a scratch tree: --dkmstree, --sourcetree, --installtree.
DKMS_FLAGS ?=
DKMS_SOURCE_TREE ?= /usr/src
DKMS_SOURCE := $(DKMS_SOURCE_TREE)/hotplug-lab-$(VERSION)

.PHONY: all deps kernels modules module cli cli-asan check bench style clean demo demo-list \
	install uninstall dkms-install dkms-remove deb

all: modules cli

deps:
	tests/deps.sh

# The kernels the project builds from Debian's source packages
# (tests/build-kernel.sh): built once, rebuilt when their source, config
# fragment or build script changes.
kernels: deps
	for line in $$(tests/kernels.sh --to-build); do tests/build-kernel.sh $$line > /dev/null || exit 1; done

# One build directory per kernel: Kbuild writes its objects next to the
# sources, so two kernels cannot share one tree. tests/kernel-make.sh runs
# make in the kernel's build tree (in the Debian 13 build root for its
# kernels). A kernel rebuilt since (make kernels) has a newer
# Module.symvers, and the module is built again.
.SECONDEXPANSION:
build/%/hotplug_lab.ko: $(MODULE_SOURCES) $$(firstword $$(shell tests/kernel-paths.sh $$*))/Module.symvers
	rm -rf build/$* && mkdir -p build/$*
	cp -r Kbuild dkms.conf module build/$*/
	+tests/kernel-make.sh $* M=$(CURDIR)/build/$* W=1 KCFLAGS=-Werror modules

modules: $(foreach k,$(KERNELS),build/$(k)/hotplug_lab.ko)

# The module for the running kernel, built in place (what README shows).
module:
	$(MAKE) -C /lib/modules/$(shell uname -r)/build M=$(CURDIR) modules

# The CLI, and a copy built with AddressSanitizer and UBSan for the tests.
cli:
	$(MAKE) -C userspace-cli
cli-asan:
	$(MAKE) -C userspace-cli O=$(CURDIR)/build/cli-asan SANITIZE=1

# check.sh builds the kernels and the modules while the first boots run.
# KERNELS=... on the command line or in the environment boots only those
# kernels (and builds none); check.sh then reports every other supported
# kernel as skipped.
# The suite's deadline counts from make check's start, before its deps
# and CLI builds (tests/check.sh, HPLAB_CHECK_DEADLINE).
KERNELS_CHOSEN := $(filter command line environment,$(origin KERNELS))
CHECK_START := $(shell date +%s)
check: deps
	$(MAKE) cli cli-asan
	HPLAB_CHECK_START=$(CHECK_START) tests/check.sh $(if $(KERNELS_CHOSEN),--only $(KERNELS))

# The benchmark (tests/bench/run.sh): BENCH_RUNS runs of BENCH_SIZES (GiB)
# on the oldest and the newest generic Debian kernel, or BENCH_KERNELS.
GENERIC_KERNELS = $(filter-out %-rt-amd64,$(shell tests/kernels.sh --debian 2> /dev/null))
BENCH_KERNELS ?= $(firstword $(GENERIC_KERNELS)) $(lastword $(GENERIC_KERNELS))
BENCH_RUNS ?= 5
BENCH_SIZES ?= 1,4,16,32
bench: deps
	$(MAKE) cli $(foreach k,$(BENCH_KERNELS),build/$(k)/hotplug_lab.ko)
	tests/bench/run.sh -r $(BENCH_RUNS) -s $(BENCH_SIZES) $(BENCH_KERNELS)

style:
	tests/style.sh

install: cli
	install -D -m 0755 userspace-cli/hplab $(DESTDIR)$(PREFIX)/bin/hplab
	install -D -m 0644 userspace-cli/hplab.1 $(DESTDIR)$(PREFIX)/share/man/man1/hplab.1
	install -D -m 0644 debugfs-api.txt $(DESTDIR)$(PREFIX)/share/doc/hotplug-lab/debugfs-api.txt
	install -D -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/hotplug-lab/README.md

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/hplab $(DESTDIR)$(PREFIX)/share/man/man1/hplab.1
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/hotplug-lab

# The module source as DKMS wants it in /usr/src/hotplug-lab-<version>.
dkms-install:
	rm -rf $(DKMS_SOURCE) && mkdir -p $(DKMS_SOURCE)
	cp -r dkms.conf Kbuild module $(DKMS_SOURCE)/
	dkms status $(DKMS_FLAGS) -m hotplug-lab -v $(VERSION) | grep -q . || \
		dkms add $(DKMS_FLAGS) -m hotplug-lab -v $(VERSION)
	dkms build $(DKMS_FLAGS) -m hotplug-lab -v $(VERSION) -k $(KERNELRELEASE)
	dkms install $(DKMS_FLAGS) -m hotplug-lab -v $(VERSION) -k $(KERNELRELEASE)

dkms-remove:
	dkms remove $(DKMS_FLAGS) -m hotplug-lab -v $(VERSION) --all
	rm -rf $(DKMS_SOURCE)

deb:
	packaging/mkdeb.sh $(VERSION) build/deb

clean:
	$(MAKE) -C userspace-cli clean
	rm -rf build
	rm -f *.o *.ko *.mod *.mod.c .*.cmd module/*.o module/.*.cmd \
		Module.symvers modules.order .module-common.o

# A demo in the VM, booted with the arguments its "# boot:" line names, on
# the newest generic Debian kernel unless DEMO_KERNEL= is given.
DEMO ?= tour
DEMO_KERNEL ?= $(lastword $(filter-out %-rt-amd64,$(shell tests/kernels.sh --debian)))
demo: deps
	$(MAKE) build/$(DEMO_KERNEL)/hotplug_lab.ko cli
	tests/demo.sh $(DEMO_KERNEL) $(DEMO)

demo-list:
	@for f in demos/*.sh; do sed -n '2s/^# //p' "$$f"; done
