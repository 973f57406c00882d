# SPDX-License-Identifier: GPL-2.0
#
# hotplug-lab: wrapper targets. The module itself is built by Kbuild:
#   make -C /lib/modules/$(uname -r)/build M=$PWD
#
#   make deps      install everything the project needs (Debian packages)
#   make modules   build hotplug_lab.ko for every installed kernel
#   make cli       build userspace-cli/hplab
#   make check     deps, host checks, then the VM suite on every kernel
#   make style     checkpatch and sparse on the module

KERNELS ?= $(shell tests/kernels.sh)
MODULE_SOURCES := Kbuild VERSION $(wildcard module/*.[ch])

.PHONY: all deps modules module cli cli-asan check style clean demo

all: modules cli

deps:
	tests/deps.sh

# One build directory per kernel: Kbuild writes its objects next to the
# sources, so two kernels cannot share one tree.
build/%/hotplug_lab.ko: $(MODULE_SOURCES)
	rm -rf build/$* && mkdir -p build/$*
	cp -r Kbuild VERSION module build/$*/
	$(MAKE) -C /lib/modules/$*/build M=$(CURDIR)/build/$* W=1 KCFLAGS=-Werror modules

modules: $(foreach k,$(KERNELS),build/$(k)/hotplug_lab.ko)

# The module for the running kernel, built in place (what README shows).
module:
	$(MAKE) -C /lib/modules/$(shell uname -r)/build M=$(CURDIR) modules

# The CLI, and a copy built with AddressSanitizer and UBSan for the tests.
cli:
	$(MAKE) -C userspace-cli
cli-asan:
	$(MAKE) -C userspace-cli O=$(CURDIR)/build/cli-asan SANITIZE=1

check: deps
	$(MAKE) modules cli cli-asan
	tests/check.sh $(KERNELS)

style:
	tests/style.sh

clean:
	$(MAKE) -C userspace-cli clean
	rm -rf build
	rm -f *.o *.ko *.mod *.mod.c .*.cmd module/*.o module/.*.cmd \
		Module.symvers modules.order .module-common.o

# The tour in the VM, on the newest installed kernel unless KERNEL= is given.
DEMO_KERNEL ?= $(lastword $(KERNELS))
demo: deps
	$(MAKE) build/$(DEMO_KERNEL)/hotplug_lab.ko cli
	tests/vm/run.sh -n demo $(DEMO_KERNEL) tour | grep -v -e '^ok - ' -e '^1\.\.0$$'
