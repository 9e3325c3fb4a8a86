# mod_treestatus / mod_tooltool — plain GNU make.
#
#   make            build build/mod_treestatus.so, build/mod_tooltool.so, build/test_unit
#   make unit       run the Check unit tests
#   make test       install missing packages, build, unit + integration tests (event and prefork)
#   make run        start a private PostgreSQL + httpd with both modules (see README)
#   make stop       stop them
#   make install    install both modules with apxs (ops)
#   make bench      benchmarks (wrk), ratios against the baselines of DESIGN.md
#
# Layering: a source file that includes "httpd.h" is glue ([ap]) and is linked
# into the modules only; every other file is pure core, linked into the modules
# AND into the unit tests. A unit-test link error naming an ap_* symbol means a
# pure file started calling httpd.

APXS    ?= apxs
BUILD   ?= build
CC      := $(shell $(APXS) -q CC 2>/dev/null || echo gcc)

HTTPD_INC := $(shell $(APXS) -q INCLUDEDIR)
CPPFLAGS  += -I$(HTTPD_INC) $(shell apr-1-config --cppflags --includes) \
             $(shell apu-1-config --includes) \
             $(shell pkg-config --cflags jansson libcurl libcrypto) \
             -Isrc/common -Isrc/treestatus -Isrc/tooltool
CFLAGS    ?= -O2 -g
CFLAGS    += -pipe -fstack-protector-strong -fPIC -std=gnu99 \
             -Wall -Wextra -Werror -Wformat -Werror=format-security
DEPFLAGS   = -MMD -MP

MOD_LIBS  := $(shell pkg-config --libs jansson libcurl libcrypto)
TEST_LIBS := $(shell apr-1-config --link-ld) $(shell apu-1-config --link-ld) \
             $(shell pkg-config --libs check jansson libcurl libcrypto)

# SKIP="src/common/x.c ..." leaves files out (work in progress elsewhere).
SKIP      ?=
ALL_SRCS  := $(filter-out $(SKIP),$(wildcard src/common/*.c src/treestatus/*.c src/tooltool/*.c))
AP_SRCS   := $(shell grep -l '^\#include "httpd.h"' $(ALL_SRCS) /dev/null)
PURE_SRCS := $(filter-out $(AP_SRCS),$(ALL_SRCS))

# `make V=1` shows the commands.
Q := $(if $(V),,@)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

COMMON_SRCS := $(filter-out $(SKIP),$(wildcard src/common/*.c))
TS_SRCS     := mod_treestatus.c $(COMMON_SRCS) $(filter-out $(SKIP),$(wildcard src/treestatus/*.c))
TT_SRCS     := mod_tooltool.c $(COMMON_SRCS) $(filter-out $(SKIP),$(wildcard src/tooltool/*.c))
UNIT_SRCS   := $(filter-out $(SKIP),$(wildcard tests/unit/*.c))
UNIT_TESTS  := $(filter-out $(SKIP),$(wildcard tests/unit/test_*.c))

# /__version__ (Dockerflow): the commit, the repository (origin's URL without
# credentials) and SVC_BUILD (e.g. the CI build's URL, `make SVC_BUILD=...`);
# the stamp changes only when one of them does.
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
SOURCE  := $(shell git config --get remote.origin.url 2>/dev/null | sed -e 's|//[^/@]*@|//|' -e "s/[^A-Za-z0-9._~:/?&=+,@%-]//g")
SOURCE  := $(if $(SOURCE),$(SOURCE),unknown)
SVC_BUILD ?= unknown
BUILD_ID := $(shell printf '%s' '$(subst ',,$(SVC_BUILD))' | sed -e "s/[^A-Za-z0-9._~:/?&=+,@%-]//g")

.PHONY: all unit test run stop install bench clean distclean
all: $(BUILD)/mod_treestatus.so $(BUILD)/mod_tooltool.so $(BUILD)/test_unit

$(BUILD)/commit.stamp: FORCE
	@mkdir -p $(@D)
	@echo '$(VERSION) $(COMMIT) $(SOURCE) $(BUILD_ID)' | cmp -s - $@ \
	    || echo '$(VERSION) $(COMMIT) $(SOURCE) $(BUILD_ID)' > $@
FORCE:

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

# Only the module glue sees the version, so a new commit relinks, not recompiles.
$(BUILD)/obj/mod_%.o: mod_%.c $(BUILD)/commit.stamp
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -DSVC_VERSION='"$(VERSION)"' \
	    -DSVC_COMMIT='"$(COMMIT)"' -DSVC_SOURCE='"$(SOURCE)"' \
	    -DSVC_BUILD='"$(BUILD_ID)"' -c -o $@ $<

# Each .so exports only its module struct: httpd loads modules RTLD_GLOBAL and
# both link the same svc_ code, which would otherwise bind across modules.
$(BUILD)/%.map:
	@mkdir -p $(@D)
	$(Q)printf '{ global: %s_module; local: *; };\n' $* > $@

$(BUILD)/mod_treestatus.so: $(call obj,$(TS_SRCS)) $(BUILD)/treestatus.map
	@echo "  LD      $@"
	$(Q)$(CC) -shared -o $@ $(call obj,$(TS_SRCS)) \
	    -Wl,--version-script=$(BUILD)/treestatus.map -Wl,-z,relro -Wl,-z,now $(MOD_LIBS)

$(BUILD)/mod_tooltool.so: $(call obj,$(TT_SRCS)) $(BUILD)/tooltool.map
	@echo "  LD      $@"
	$(Q)$(CC) -shared -o $@ $(call obj,$(TT_SRCS)) \
	    -Wl,--version-script=$(BUILD)/tooltool.map -Wl,-z,relro -Wl,-z,now $(MOD_LIBS)

# Rewritten only when the list of suites changes (a new file, or SKIP).
UNIT_SUITES_LINE := \#define UNIT_SUITES(X) $(foreach t,$(UNIT_TESTS),X($(patsubst test_%,%,$(basename $(notdir $(t))))))
$(BUILD)/unit_suites.h: FORCE
	@mkdir -p $(@D)
	$(Q)echo '$(UNIT_SUITES_LINE)' | cmp -s - $@ || echo '$(UNIT_SUITES_LINE)' > $@

$(BUILD)/obj/tests/unit/unit.o: $(BUILD)/unit_suites.h
$(BUILD)/obj/tests/unit/%.o: CPPFLAGS += -I$(BUILD) -Itests/unit $(shell pkg-config --cflags check)

$(BUILD)/test_unit: $(call obj,$(PURE_SRCS) $(UNIT_SRCS))
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(TEST_LIBS)

unit: $(BUILD)/test_unit
	$(BUILD)/test_unit

test:
	scripts/deps.sh
	$(MAKE) all
	scripts/check-log-tags.sh
	$(BUILD)/test_unit
	tests/integration/run.sh

run:
	scripts/deps.sh
	$(MAKE) all
	scripts/run.sh

stop:
	scripts/stop.sh

bench: all
	bench/run.sh

install: $(BUILD)/mod_treestatus.so $(BUILD)/mod_tooltool.so
	$(APXS) -i -n treestatus $(BUILD)/mod_treestatus.so
	$(APXS) -i -n tooltool $(BUILD)/mod_tooltool.so

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
