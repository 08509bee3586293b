# mk/common.mk - the build rule every step shares.
#
# A step's Makefile names its program and its sources, then includes this:
#
#     PROG := 01-uts
#     SRCS := main.c uts.c
#     include ../mk/common.mk
#
# Each program is compiled in one command from its sources and common/:
# the programs are small, and one command is easy to read and to repeat
# by hand (make V=1 shows it).
#
#   WERROR=1    warnings are errors (CI builds this way)
#   SANITIZE=1  AddressSanitizer + UndefinedBehaviorSanitizer
#   CC=clang    any C11 compiler; gcc and clang are both kept clean

TOP    ?= ..
BINDIR ?= $(TOP)/bin
BIN    := $(BINDIR)/$(PROG)

COMMON_SRCS := $(addprefix $(TOP)/common/,say.c ns.c sync.c proc.c sweep.c fail.c)

CFLAGS ?= -O2 -g
WARN   := -std=gnu11 -Wall -Wextra -Wshadow -Wmissing-prototypes -Wformat=2
ifeq ($(WERROR),1)
WARN += -Werror
endif
ifeq ($(SANITIZE),1)
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SAN) -I$(TOP)/common $(CPPFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

# Every header beside a source counts as a dependency.
HDRS := $(wildcard $(addsuffix *.h,$(sort $(dir $(SRCS) $(COMMON_SRCS)))))

# The exact command line is recorded, so that changing CC, WERROR or
# SANITIZE rebuilds the program instead of keeping a stale one.
STAMP := $(BINDIR)/.$(PROG).cmd
CMD    = $(CC) $(ALL_CFLAGS) -o $(BIN) $(SRCS) $(COMMON_SRCS) $(ALL_LDFLAGS) $(LDLIBS)

ifneq ($(V),1)
Q := @
endif

all: $(BIN)

$(BIN): $(SRCS) $(COMMON_SRCS) $(HDRS) $(STAMP)
	@echo "  CC      $(PROG)"
	$(Q)$(CMD)

$(STAMP): FORCE
	@mkdir -p $(BINDIR)
	@echo '$(CMD)' | cmp -s - $@ || echo '$(CMD)' > $@

clean:
	rm -f $(BIN) $(STAMP)

.PHONY: all clean FORCE
