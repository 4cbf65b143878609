# A PostgreSQL server for the tests (included by the top-level Makefile).
#
# The tests start their own throwaway cluster with initdb and pg_ctl (tests/pgserver.py); this
# only makes sure the binaries exist. PostgreSQL installs them under /usr/lib/postgresql/N/bin,
# which is not on PATH, so both places are looked at; when neither has them, Debian's package is
# installed (as root, or through sudo).

PG_SEARCH ?= /usr/lib/postgresql/*/bin/initdb
PG_BINARIES := $(firstword $(shell command -v initdb 2>/dev/null) $(wildcard $(PG_SEARCH)))
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: postgres-server
postgres-server:
ifeq ($(PG_BINARIES),)
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq postgresql
else
	@echo "PostgreSQL for the tests: $(PG_BINARIES)"
endif
