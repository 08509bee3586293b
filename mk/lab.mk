# mk/lab.mk - included by the top Makefile: the workshop's lab mode.
#
# The reference sources mark each exercise (/* LAB NN.M ... */ ...
# /* END LAB */); scripts/mklab.sh makes lab/ from them, a copy of the
# tree in which each marked region is a TODO and a stub. docs/lab.md is
# the guide for learners and instructors.
#
#   make lab              write lab/ (never over a learner's edits)
#   make lab FORCE=1      write it again from scratch
#   make lab EX=03.2      put exercise 03.2 back to its stub, nothing else
#   make lab-list         the exercises: id, checks, task
#   make check-NN LAB=1   build lab/ and run step NN's checks on lab/bin
#   make lab-verify       prove that the checks tell a solved exercise
#                         from a stub (needs root; a few minutes)

LAB_DIR := lab

lab: | prereqs ## write lab/, the learner's tree (FORCE=1 over edits; EX=NN.M resets one exercise)
	@scripts/mklab.sh $(if $(EX),--ex $(EX),$(if $(filter 1,$(FORCE)),--force)) $(LAB_DIR)

lab-list: ## list the lab's exercises: id, name, checks, task
	@scripts/mklab.sh --list | awk -F'\t' '{ printf "%-5s %-12s %-25s %s\n", $$1, $$2, $$4, $$7 }'

# The whole lab is built, as a learner's `make` would: a stub elsewhere
# must not break the build, and 06's checks use 01's program too.
lab-build: | prereqs ## build lab/ into lab/bin
	@test -f $(LAB_DIR)/Makefile || { echo "$(LAB_DIR)/ is missing: run 'make lab' first" >&2; exit 1; }
	@$(MAKE) --no-print-directory -C $(LAB_DIR) all CC='$(CC)' WERROR='$(WERROR)' SANITIZE='$(SANITIZE)'

lab-verify: | prereqs ## prove the checks discriminate: reference passes, each stub fails (root; minutes)
	@scripts/lab-verify.sh $(EX)

.PHONY: lab lab-list lab-build lab-verify
