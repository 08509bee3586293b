# mk/docs.mk - included by the top Makefile: the docs' own checks.
#
# docs-check runs every transcript a page marks with <!-- docs-check -->
# and compares it with the page (scripts/docs-check.sh says how: markers,
# placeholders), then checks that every function a page names is linked
# to its file (scripts/docs-links.sh) and that docs/zh/ is in step with
# docs/ (scripts/docs-sync.sh). As root: the transcripts are root's. The
# demos and 07 need their binaries, and 07's transcripts rootfs/ (built
# here when missing).

docs-check: all ## run the docs' transcripts and compare them with the pages; links; docs/zh in step
	$(NEED_ROOTFS)
	@$(SUDO) scripts/docs-check.sh

# The two checks that need no root and run nothing, alone.
docs-links: ## every function a page names is linked to its file
	@scripts/docs-links.sh

docs-sync: ## docs/zh/ has the English pages' headings, code blocks and markers
	@scripts/docs-sync.sh

# After a transcript is refreshed or a function named: link the first
# mentions (docs/ and docs/zh/), copy the English code blocks and markers
# into docs/zh/.
docs-fix: ## link first mentions of functions; copy code blocks and markers into docs/zh/
	@scripts/docs-links.sh --fix
	@scripts/docs-sync.sh --fix

.PHONY: docs-check docs-links docs-sync docs-fix
