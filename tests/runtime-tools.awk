# runtime-tools.awk - read one runtime-tools validation test's TAP (a
# validation/NAME/NAME.t run against nslab) and sort its failures:
#
#   known  a failure for a reason docs/deeper/07-oci.md gives (REASONS
#          below: what nslab leaves out on purpose, or does not do yet)
#   other  any other failure: a bug, or a reason not written down yet
#
# A top-level "not ok" whose YAML block (printed before it) carries the
# TAP of runtimetest,
# the suite's probe inside the container, is known when every "not ok"
# in that inner TAP is; one without an inner TAP must match a reason
# itself. Prints "ok=N notok=M known=K other=O", then each other failure
# on a line of its own, starting "other: ". Status 0 always.
#
#   awk -v test=NAME -f tests/runtime-tools.awk OUTPUT

BEGIN {
	# The patterns of the reasons docs/deeper/07-oci.md lists (its
	# numbers: 1 start's config with no process, 2 Go's RLIMIT_NOFILE,
	# 3 what config.json may not say yet, 5 kernel memory limits
	# (pattern 4), 4 a capability the runtime's root does not hold (the
	# last pattern, with -v lacking)).
	# start's last check gives a config with no process: create refuses
	# it already (the suite wants start to), as runc does.
	reason[1] = "^start: not ok 7 - exit status 125$"
	# runtimetest is a Go 1.19 program: Go raises its own soft
	# RLIMIT_NOFILE to the hard limit when it starts (runc fails it too).
	reason[2] = "^process_rlimits: not ok [0-9]+ - has expected soft RLIMIT_NOFILE"
	# What config.c refuses, not supported yet: a container with no
	# namespaces of its own.
	reason[3] = "config\\.json: linux\\.namespaces: missing"
	# Kernel memory limits (memory.kmem.*), deprecated by the kernel
	# since 5.4 and ignored by runc: named by create --debug, not applied.
	reason[4] = "^linux_cgroups_(relative_)?memory: not ok [0-9]+ - memory kernel(TCP)? is set correctly$"
	nreason = 4
	# -v lacking=CAP_A|CAP_B: capabilities the caller's root does not
	# hold (a CI sandbox's may lack CAP_SYS_RESOURCE), which no runtime
	# can give the container.
	if (lacking != "")
		reason[++nreason] = "expected (bounding|effective|permitted|inheritable|ambient) capability (" lacking ") set"
}

function known(text,    i) {
	for (i = 1; i <= nreason; i++)
		if (text ~ reason[i] || (test ": " text) ~ reason[i])
			return 1
	return 0
}

# A top-level failure, TEXT: its YAML block came before it (this
# suite prints the block first), with runtimetest's TAP when it ran.
function settle(text,    rest, m, all_known, inner) {
	all_known = 1
	inner = 0
	rest = block
	while (match(rest, /\\nnot ok [0-9]+ - [^\\]*/)) {
		m = substr(rest, RSTART + 2, RLENGTH - 2)
		rest = substr(rest, RSTART + RLENGTH)
		inner++
		if (!known(m)) {
			all_known = 0
			others[++nother] = text " <- " m
		}
	}
	if (inner == 0) {
		# No runtimetest: the failure itself, or the runtime's error
		# printed before it, must be a known one.
		m = ""
		if (match(block, /error: [^\n]*/))
			m = substr(block, RSTART, RLENGTH)
		if (known(text) || (m != "" && known(m)))
			nknown++
		else
			others[++nother] = text (m != "" ? " <- " m : "")
	} else if (all_known) {
		nknown++
	}
}

/^ok / {
	ok++
	block = ""
	next
}

/^not ok / {
	notok++
	settle($0)
	block = ""
	next
}

{
	block = block $0 "\n"
	# A test that fails before any TAP (the runtime refused the
	# config): its error line stands for it.
	if (ok + notok == 0 && first_error == "" && $0 ~ /error: /)
		first_error = $0
}

END {
	if (ok + notok == 0) {
		notok = 1
		if (first_error != "" && known(first_error))
			nknown++
		else
			others[++nother] = "no TAP: " (first_error != "" ? first_error : "(no error line)")
	}
	printf "ok=%d notok=%d known=%d other=%d\n", ok, notok, nknown, notok - nknown
	for (i = 1; i <= nother; i++)
		print "other: " others[i]
}
