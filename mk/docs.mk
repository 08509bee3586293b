# mk/docs.mk - included by the top Makefile: the docs' own checks.
#
# docs-check runs every transcript a page marks with <!-- docs-check -->
# and compares it with the page (scripts/docs-check.sh says how: markers,
# placeholders), then checks that every function a page names is linked
# to its file (scripts/docs-links.sh), that docs/zh/ is in step with
# docs/ (scripts/docs-sync.sh) and that the step pages' quotes of the
# sources are byte for byte and their shape a course's
# (scripts/docs-course.sh). As root: the transcripts are root's. The
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

docs-course: ## the step pages: quotes true to the sources, You will learn, Check yourself, word limits
	@scripts/docs-course.sh

# The drawings: every ```mermaid block rendered (mermaid-cli in chromium,
# installed by prereqs), its SVG beside the page current.
docs-diagrams: ## render the pages' Mermaid drawings; their SVGs in docs/img/ are current
	@scripts/prereqs.sh diagrams
	@scripts/docs-diagrams.sh

# After a transcript is refreshed, a function named or quoted code
# changed: link the first mentions (docs/ and docs/zh/), write the quotes
# and reading times anew, copy the English code blocks and markers into
# docs/zh/. (make docs-diagrams-fix draws the pictures again.)
docs-fix: ## link first mentions of functions; quotes and reading times from the sources; code blocks into docs/zh/
	@scripts/docs-links.sh --fix
	@scripts/docs-course.sh --fix >/dev/null || true
	@scripts/docs-sync.sh --fix
	@scripts/docs-course.sh

docs-diagrams-fix: ## draw the pages' Mermaid blocks again into docs/img/ and docs/zh/img/
	@scripts/prereqs.sh diagrams
	@scripts/docs-diagrams.sh --fix

.PHONY: docs-check docs-links docs-sync docs-course docs-diagrams docs-diagrams-fix docs-fix
