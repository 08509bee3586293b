# mk/lab.mk - included by the top Makefile: the workshop's lab mode.
#
# The reference sources mark each exercise (/* LAB NN.M ... */ ...
# /* END LAB */); scripts/mklab.sh makes lab/ from them, a copy of the
# tree in which each marked region is a TODO and a stub. docs/lab.md is
# the guide for learners and instructors.
#
#   make lab              write lab/ (never over a learner's edits)
#   make lab FORCE=1      write it again from scratch
#   make lab FROM=04      write it with the exercises of 01-03 solved
#   make lab EX=03.2      put exercise 03.2 back to its stub, nothing else
#   make lab-solve EX='03.2 03.3'
#                         put the reference into those exercises; the
#                         learner's code there goes to lab/.lab-saved/
#   make lab-list         the exercises: id, name, level, minutes,
#                         checks, task
#   make check-NN LAB=1   build lab/ and run step NN's checks on lab/bin
#                         (EX=NN.M: only the checks of that exercise)
#   make lab-verify       prove that the checks tell a solved exercise
#                         from a stub (needs root; a few minutes)
#   make lab-lint         the exercises' rules: no answer on a docs page,
#                         hints that name the rule, not the answer
#                         (EX=NN.M: one exercise; no root, well under 1 s)

LAB_DIR := lab

lab: | prereqs ## write lab/, the learner's tree (FORCE=1 over edits; FROM=NN: steps before NN solved; EX=NN.M resets one exercise)
	@scripts/mklab.sh $(if $(EX),--ex '$(EX)',$(if $(filter 1,$(FORCE)),--force) $(if $(FROM),--from '$(FROM)')) $(LAB_DIR)

lab-solve: | prereqs ## put the reference into exercises EX='NN.M ...' of lab/ (your code: lab/.lab-saved/)
	@$(if $(EX),scripts/mklab.sh --solve '$(EX)' $(LAB_DIR),echo "make lab-solve needs EX='NN.M ...' (make lab-list shows them)" >&2; exit 2)

# A warm-up (its hints may name the answer) says so before its task.
lab-list: ## list the lab's exercises: id, name, level, minutes, checks, task
	@scripts/mklab.sh --list | awk -F'\t' '{ printf "%-5s %-13s %-2s %5s  %-25s %s%s\n", $$1, $$2, \
		($$8 == "" ? "" : "L" $$8), ($$9 == "" ? "" : $$9 "min"), $$4, ($$10 == "yes" ? "(warm-up) " : ""), $$7 }'

# The whole lab is built, as a learner's `make` would: a stub elsewhere
# must not break the build, and 06's checks use 01's program too.
lab-build: | prereqs ## build lab/ into lab/bin
	@test -f $(LAB_DIR)/Makefile || { echo "$(LAB_DIR)/ is missing: run 'make lab' first" >&2; exit 1; }
	@$(MAKE) --no-print-directory -C $(LAB_DIR) all CC='$(CC)' WERROR='$(WERROR)' SANITIZE='$(SANITIZE)'

lab-verify: | prereqs ## prove the checks discriminate: reference passes, each stub fails (root; minutes)
	@scripts/lab-verify.sh $(EX)

lab-lint: ## check the exercises' rules: no answer on a docs page, hints that name the rule, not the answer (EX=NN.M: one)
	@scripts/lab-lint.sh $(if $(EX),--only '$(EX)')

.PHONY: lab lab-solve lab-list lab-build lab-verify lab-lint
