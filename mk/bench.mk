# mk/bench.mk - included by the top Makefile: the start-up benchmarks.
#
# bench/floor.c is built by the steps' own rule (mk/common.mk), so it gets
# their warning flags, -Werror with WERROR=1, CC and SANITIZE; it lands in
# bin/bench/floor. bench/run.sh does the rest (see docs/bench.md).
#
#   QUICK=1     a short run (few runs, 20 containers for the scale part)

BENCH_BINDIR = $(abspath $(or $(BINDIR),bin))

bench-build: | prereqs ## build bin/bench/floor, the floor program of the benchmarks
	@$(MAKE) --no-print-directory -C bench -f ../mk/common.mk TOP=.. PROG=floor SRCS=floor.c \
		BINDIR='$(BENCH_BINDIR)/bench' CC='$(CC)' WERROR='$(WERROR)' SANITIZE='$(SANITIZE)'

bench: all bench-build ## time 07's start-up against floor, unshare, bwrap, crun, runc; podman with 07 against crun (QUICK=1: short)
	@$(SUDO) env BINDIR='$(BENCH_BINDIR)' QUICK='$(QUICK)' bench/run.sh

.PHONY: bench bench-build
