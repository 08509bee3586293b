# mini.mk - bin/07-mini, the container in one file (mini.c), built by
# this directory's Makefile along with the full runtime. Its kernel work
# is the pieces', linked, not copied: the hostname (01), the init (03),
# the mount tree (04; volume.c and record.c for what fs.c uses of them),
# the maps (05), and the full runtime's file system (fs.c, fs_mount.c,
# dev.c) and hardening (harden.c, seccomp.c).
PROG := 07-mini
SRCS := mini.c fs.c fs_mount.c fs_overlay.c dev.c dev_nodes.c harden.c seccomp.c \
	../01-uts/uts.c ../03-pid/pidns.c \
	../04-mount/mnt.c ../04-mount/volume.c ../04-mount/record.c \
	../05-user/userns.c
# Static, as the full runtime (see Makefile), but under SANITIZE.
ifneq ($(SANITIZE),1)
LDFLAGS += -static
endif
include ../mk/common.mk
