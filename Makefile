# nslab - every target a learner, an instructor or CI types.
# `make help` lists them.

STEPS := 01-uts 02-ipc 03-pid 04-mount 05-user 06-setns 07-full-container

# Steps that teach running without root never go through sudo.
ROOTLESS_STEPS := 05-user

# Root runs the demos directly; anyone else through sudo.
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

# The step directory for a number: $(call step,03) -> 03-pid
step = $(filter $(1)-%,$(STEPS))

# Variables passed down to the step builds.
SUBMAKE = $(MAKE) --no-print-directory -C $(1) CC='$(CC)' WERROR='$(WERROR)' SANITIZE='$(SANITIZE)' $(if $(BINDIR),BINDIR='$(abspath $(BINDIR))')

NUMS := $(foreach s,$(STEPS),$(firstword $(subst -, ,$(s))))

.DEFAULT_GOAL := all

all: $(STEPS)     ## build every step into bin/

# Before anything is built or run: what the goals on the command line
# need on this machine, installed when missing (scripts/prereqs.sh says
# what, prints nothing when all is there). Every target that builds or
# runs something waits for it (order-only: | prereqs).
prereqs_of = $(strip build \
	$(if $(filter run-% shell-07 mini-07 rootfs,$(1)),run) \
	$(if $(filter test sanitize soak check-% lab lab-build lab-verify prereqs,$(1)),test) \
	$(if $(filter docs-check,$(1)),docs) \
	$(if $(filter bench,$(1)),bench) \
	$(if $(filter vm-test,$(1)),vm))

prereqs: ## check (and install) what the targets need: bats, uidmap, busybox-static...
	@scripts/prereqs.sh $(call prereqs_of,$(MAKECMDGOALS))

$(STEPS): | prereqs
	@$(call SUBMAKE,$@)

# 07 has no demo of its own to run: run-07 and shell-07 below run a
# container in rootfs/.
DEMO_NUMS := $(filter-out 07,$(NUMS))

$(addprefix run-,$(DEMO_NUMS)): run-%: | prereqs ## build and run step NN's demo (ARGS='...' passes options)
	@$(call SUBMAKE,$(call step,$*))
	$(if $(filter $(call step,$*),$(ROOTLESS_STEPS)),,$(SUDO)) ./bin/$(call step,$*) $(ARGS)

# The tour run-07 runs inside the container, one command at a time, each
# shown as a prompt line first. ($$ is make's way to write $.)
TOUR_07 = for c in hostname id "ps -o pid,user,comm" mount "ip addr" "ls -C /dev" "grep Cap /proc/self/status"; \
	do echo "\$$ $$c"; $$c || true; done
# The rootfs, built on first use; silent once it is there.
NEED_ROOTFS = @test -f rootfs/.nslab-rootfs -a -x rootfs/bin/sh || scripts/mkrootfs.sh rootfs

run-07: | prereqs ## a short tour inside a container in rootfs/ (ARGS='--verbose' passes run's options)
	@$(call SUBMAKE,07-full-container)
	$(NEED_ROOTFS)
	$(SUDO) ./bin/07-full-container run $(ARGS) rootfs /bin/sh -c '$(TOUR_07)'

# 07-mini, the container in one file: a shell in it (sudo when not root;
# ARGS='-v' shows every call).
mini-07: | prereqs ## a shell in bin/07-mini, the container in one file (ARGS='-v': every call)
	@$(call SUBMAKE,07-full-container)
	$(NEED_ROOTFS)
	$(SUDO) ./bin/07-mini $(ARGS) rootfs /bin/sh

shell-07: | prereqs ## an interactive shell in a container in rootfs/, on a terminal of its own (ARGS as for run-07)
	@$(call SUBMAKE,07-full-container)
	$(NEED_ROOTFS)
	$(SUDO) ./bin/07-full-container run -t $(ARGS) rootfs /bin/sh

# A step's checks are its own .bats file; 07's also include the security
# suite, whose probes try from inside what a container must not allow,
# the checks of its resource limits (cgroups), and those of its network
# and time namespaces.
checks_of = tests/$(call step,$(1)).bats $(if $(filter 07,$(1)),tests/07-mini.bats tests/security.bats tests/07-cgroups.bats tests/07-network.bats)

# LAB=1: the same checks on the learner's lab/bin (mk/lab.mk); tests/run
# then names the exercise of each check that fails. EX=NN.M (one or
# more of step NN's exercises): only the checks they name (tests/run
# reads NSLAB_EX); an exercise of another step is refused here.
ex_of_step = for x in $(EX); do case $$x in $(1).*) ;; *) \
	echo "make check-$(1): EX=$$x is not an exercise of step $(1) (make lab-list shows them)" >&2; exit 2 ;; esac; done

$(addprefix check-,$(NUMS)): check-%: | prereqs ## run step NN's lab checks (LAB=1: on the learner's lab/; EX=NN.M: one exercise's)
	@$(call ex_of_step,$*)
ifeq ($(LAB),1)
	@$(MAKE) --no-print-directory lab-build
	@NSLAB_EX='$(EX)' NSLAB_BIN='$(abspath $(LAB_DIR))/bin' NSLAB_LAB=1 tests/run $(call checks_of,$*)
else
	@$(call SUBMAKE,$(call step,$*))
	@NSLAB_EX='$(EX)' tests/run $(call checks_of,$*)
endif

test: all ## run every check; ends with "N passed, N failed, N skipped"
	@tests/run tests/*.bats

# The soak of tests/reliability.bats ten times longer: 1000 runs of 07 one
# after another, each demo 100 times (make test runs 100 and 20).
soak: all ## the reliability soak in full (NSLAB_SOAK=full; needs root)
	@NSLAB_SOAK=full NSLAB_CHECK_TIMEOUT=$${NSLAB_CHECK_TIMEOUT:-1800} tests/run tests/reliability.bats

# The proof that the two commands above do all the set-up: a minimal
# Debian 12 (debootstrap, cached) with git, make and gcc only, this
# repository cloned into it, make run-01 and make test there, as root in
# a chroot (WORKTREE=1: the working tree, uncommitted changes too).
fresh-test: ## make run-01 and make test on a fresh minimal Debian 12 (root; debootstrap)
	@scripts/fresh-machine.sh $(if $(filter 1,$(WORKTREE)),--worktree)

rootfs: | prereqs ## assemble the busybox rootfs in rootfs/ (offline where it can)
	@scripts/mkrootfs.sh rootfs

sanitize: ## build with ASan+UBSan and run every check under it
	@$(MAKE) --no-print-directory SANITIZE=1 test

# Static analysis, all of it clean: cppcheck and clang-tidy (.clang-tidy)
# on every .c, each file once, with the flags its step builds with;
# shellcheck (.shellcheckrc, tests/.shellcheckrc) on every shell script,
# the .bats files included (shellcheck reads bats natively).
# cppcheck: posix.cfg knows the POSIX calls; readdirCalled is off because
# its advice, readdir_r(), is deprecated by glibc - readdir() is safe while
# each DIR is used by one thread. Other suppressions are inline, with why.
LINT_CFLAGS = -std=gnu11 -Icommon -Ibin/gen -I$(1) $(if $(filter 06-setns,$(1)),-pthread)
# toomanyconfigs is off because seccomp.c guards each refused call with
# #ifdef __NR_x, more configurations than cppcheck tries; it checks the
# ones it can. The probes and the fuzz targets are linted the same way.
SHELL_SCRIPTS = scripts/*.sh 07-full-container/oci/syscalls.sh tests/run .ci/run tests/*.bash tests/*.bats tests/fuzz/run $(wildcard bench/*.sh) tests/vm/vm-test.sh tests/vm/init tests/vm/systemd-run
CPPCHECK = cppcheck -q --enable=warning,performance,portability --std=c11 --library=posix \
	--error-exitcode=1 --inline-suppr --suppress=readdirCalled --suppress=toomanyconfigs
FUZZ_INCS = -Itests/fuzz -Ibin/gen -I01-uts -I02-ipc -I04-mount -I05-user -I06-setns -I07-full-container \
	$(addprefix -I07-full-container/,cgroup net oci state)

lint: ## cppcheck, clang-tidy and shellcheck; exits non-zero on any finding
	@$(MAKE) --no-print-directory -C 07-full-container ../bin/gen/oci_syscalls.inc
	$(CPPCHECK) -Icommon common/*.c $(addsuffix /*.c,$(STEPS)) $(wildcard $(addsuffix /*/*.c,$(STEPS)))
	clang-tidy --quiet common/*.c -- $(call LINT_CFLAGS,common)
	$(foreach s,$(STEPS),clang-tidy --quiet $(s)/*.c $(wildcard $(s)/*/*.c) -- $(call LINT_CFLAGS,$(s)) &&) true
	$(CPPCHECK) -Icommon $(FUZZ_INCS) tests/fuzz/*.c
	$(if $(wildcard bench/*.c),$(CPPCHECK) -Icommon bench/*.c)
	$(if $(wildcard bench/*.c),clang-tidy --quiet bench/*.c -- -std=gnu11 -Icommon)
	clang-tidy --quiet tests/fuzz/*.c -- -std=gnu11 -Icommon $(FUZZ_INCS)
	@$(MAKE) --no-print-directory -C tests/probes lint
	shellcheck $(SHELL_SCRIPTS)

fuzz: ## fuzz every parser of user text, SECONDS each (default 60; needs clang)
	@$(MAKE) --no-print-directory -C tests/fuzz run

fuzz-replay: ## the fuzz seeds and regressions through gcc + ASan/UBSan, no libFuzzer
	@$(MAKE) --no-print-directory -C tests/fuzz replay

# The benchmarks (mk/bench.mk), the workshop's lab mode (mk/lab.mk) and
# the docs' checks (mk/docs.mk) each have a file of their own.
include mk/bench.mk mk/lab.mk mk/docs.mk
include mk/vm.mk

help: ## list the targets
	@echo "nslab - Linux namespaces, one step at a time"
	@echo
	@echo "  make               build every step into bin/"
	@echo "  make run-NN        build and run step NN's demo, e.g. make run-01"
	@echo "                     (options: make run-01 ARGS='-n myhost -- uname -n')"
	@echo "                     make run-07 runs a short tour inside a container"
	@echo "  make shell-07      an interactive shell in a container in rootfs/, on a pty"
	@echo "  make mini-07       a shell in bin/07-mini, the container in one file (mini.c)"
	@echo "  make check-NN      run step NN's lab checks, e.g. make check-01"
	@echo "                     EX=01.3: only the checks of that exercise"
	@echo "  make lab           write lab/, the workshop's exercises (docs/lab.md)"
	@echo "                     FORCE=1 starts again; EX=03.2 resets one exercise;"
	@echo "                     FROM=04: the exercises of 01-03 come solved"
	@echo "  make check-NN LAB=1  the same checks on lab/; names the exercise to do next"
	@echo "  make lab-solve EX='03.2 ...'  put the reference into those exercises of lab/"
	@echo "                     (the code you wrote there goes to lab/.lab-saved/03.2.c)"
	@echo "  make lab-list      list the exercises: id, name, level, minutes, checks, task"
	@echo "  make lab-verify    prove each exercise's checks fail on its stub (root)"
	@echo "  make lab-lint      check the exercises' rules: no answer on a page, hints not answers"
	@echo "  make test          run every check"
	@echo "  make sanitize      build with ASan+UBSan and run every check"
	@echo "  make soak          the reliability soak in full: 1000 runs, each demo 100"
	@echo "  make lint          cppcheck, clang-tidy and shellcheck, all clean"
	@echo "  make fuzz          fuzz every parser of user text (SECONDS=60 each; clang)"
	@echo "  make docs-check    run the docs' transcripts and compare them (root); links; docs/zh in step"
	@echo "  make docs-fix      link the functions pages name; quotes from the sources; code blocks into docs/zh/"
	@echo "  make docs-diagrams render the pages' Mermaid drawings (mermaid-cli, chromium); SVGs current"
	@echo "  make bench         time 07's start-up against a floor, unshare, bwrap, crun, runc, and"
	@echo "                     under podman against crun (root; QUICK=1: short); the table in"
	@echo "                     bench/results/ (docs/bench.md)"
	@echo "  make bench-build   build bin/bench/floor, the benchmarks' floor program"
	@echo "  make rootfs        assemble the busybox rootfs for 04 and later"
	@echo "  make prereqs       check (and install) what the targets need; every target does it first"
	@echo "  make vm-test       the checks in QEMU on Debian's stock kernel, cgroup v2 laid out as systemd does"
	@echo "  make fresh-test    make run-01 and make test on a fresh minimal Debian 12 (root; WORKTREE=1)"
	@echo "  make clean         remove bin/"
	@echo
	@echo "  build options: WERROR=1 (warnings are errors), CC=clang, SANITIZE=1, V=1"
	@echo "  steps: $(STEPS)"

clean: ## remove build outputs (rootfs/ stays: make clean-rootfs)
	rm -rf bin

# --one-file-system: should anything still be mounted under rootfs/, the
# files behind that mount (a volume's host directory) are not deleted.
clean-rootfs:
	rm -rf --one-file-system rootfs

.PHONY: all prereqs fresh-test $(STEPS) test soak sanitize lint fuzz fuzz-replay rootfs help clean $(addprefix run-,$(NUMS)) shell-07 mini-07 $(addprefix check-,$(NUMS))
