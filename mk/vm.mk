# mk/vm.mk - included by the top Makefile: the checks on Debian's stock
# kernel in QEMU, cgroup v2 only, laid out as systemd does.
#
# tests/vm/vm-test.sh does it all (see its header): it fetches the kernel
# into a cache once (apt-get download, nothing installed), builds an
# initramfs of this tree and the tools the checks use, and runs the checks
# as root from a session scope and as user 1000 from a delegated scope.
# Ends with one "N passed, N failed, N skipped" line for both runs.
#
#   VM_TESTS='tests/05-user.bats ...'   the files to run (default: 07-full-container,
#                                       07-cgroups, 07-network, security, 05-user,
#                                       07-oci, 07-podman)
#   NSLAB_VM_SUITE=full                 root runs every tests/*.bats
#   NSLAB_VM_ACCEL=tcg|kvm|auto         tcg unless told (some nested KVMs
#                                       cannot boot a stock kernel)

vm-test: all rootfs ## the checks in a VM on Debian's stock kernel, cgroup v2 as systemd lays it out
	@tests/vm/vm-test.sh $(VM_TESTS)

.PHONY: vm-test
