# nslab - every target a learner, an instructor or CI types.
# `make help` lists them.

STEPS := 01-uts 02-ipc 03-pid 04-mount 05-user 06-setns

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

$(STEPS):
	@$(call SUBMAKE,$@)

$(addprefix run-,$(NUMS)): run-%: ## build and run step NN's demo (ARGS='...' passes options)
	@$(call SUBMAKE,$(call step,$*))
	$(if $(filter $(call step,$*),$(ROOTLESS_STEPS)),,$(SUDO)) ./bin/$(call step,$*) $(ARGS)

$(addprefix check-,$(NUMS)): check-%: ## run step NN's lab checks
	@$(call SUBMAKE,$(call step,$*))
	@tests/run tests/$(call step,$*).bats

test: all ## run every check; ends with "N passed, N failed, N skipped"
	@tests/run tests/*.bats

rootfs: ## assemble the busybox rootfs in rootfs/ (offline where it can)
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
LINT_CFLAGS = -std=gnu11 -Icommon -I$(1) $(if $(filter 06-setns,$(1)),-pthread)
SHELL_SCRIPTS = scripts/*.sh tests/run .ci/run tests/*.bash tests/*.bats

lint: ## cppcheck, clang-tidy and shellcheck; exits non-zero on any finding
	cppcheck -q --enable=warning,performance,portability --std=c11 --library=posix \
		--error-exitcode=1 --inline-suppr --suppress=readdirCalled \
		-Icommon common/*.c $(addsuffix /*.c,$(STEPS))
	clang-tidy --quiet common/*.c -- $(call LINT_CFLAGS,common)
	$(foreach s,$(STEPS),clang-tidy --quiet $(s)/*.c -- $(call LINT_CFLAGS,$(s)) &&) true
	shellcheck $(SHELL_SCRIPTS)

help: ## list the targets
	@echo "nslab - Linux namespaces, one step at a time"
	@echo
	@echo "  make               build every step into bin/"
	@echo "  make run-NN        build and run step NN's demo, e.g. make run-01"
	@echo "                     (options: make run-01 ARGS='-n myhost -- uname -n')"
	@echo "  make check-NN      run step NN's lab checks, e.g. make check-01"
	@echo "  make test          run every check"
	@echo "  make sanitize      build with ASan+UBSan and run every check"
	@echo "  make lint          cppcheck, clang-tidy and shellcheck, all clean"
	@echo "  make rootfs        assemble the busybox rootfs for 04 and later"
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

.PHONY: all $(STEPS) test sanitize lint rootfs help clean $(addprefix run-,$(NUMS)) $(addprefix check-,$(NUMS))
