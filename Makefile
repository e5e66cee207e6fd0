# SPDX-License-Identifier: GPL-2.0-or-later
# Thin wrapper around ninja.  "make check" is the test contract.
BUILD ?= build

.PHONY: all deps check check-unit check-functional demo bench clean

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	./configure --builddir=$(BUILD)

deps:
	./scripts/install-deps.sh

check: deps all
	python3 scripts/run-tests.py $(BUILD)

check-unit: all
	meson test -C $(BUILD) --suite unit --print-errorlogs

check-functional: all
	meson test -C $(BUILD) --suite functional --print-errorlogs

demo: deps all
	python3 scripts/demo.py $(BUILD)/ferry-system-x86_64 $(BUILD)/tests/guest

bench: all
	./scripts/install-deps.sh --bench
	python3 bench/startup.py $(BUILD)/ferry-system-x86_64 $(BUILD)/tests/guest
	python3 bench/migrate.py $(BUILD)/ferry-system-x86_64 $(BUILD)/tests/guest
	python3 bench/cpr.py $(BUILD)/ferry-system-x86_64 $(BUILD)/tests/guest

clean:
	rm -rf $(BUILD)
