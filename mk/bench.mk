# QuickETL 1.x for the cold-start comparison of `make bench` (included by the top-level Makefile).
#
# 1.x needs Python 3.12 or newer, so it gets its own venv; its own examples/05-workflow comes
# from the release's source archive, unpacked beside it. benchmarks/bench_cli.py finds both
# here (or wherever QUICKETL_1X_VENV points).

QUICKETL_1X ?= 1.6.0
# The first Python 3.12+ that really starts (a pyenv shim may exist without its version).
PYTHON_1X ?= $(firstword $(foreach p,python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3),\
	$(shell $(p) -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null)) python3.12)

.venv-1x/.ok:
	rm -rf .venv-1x
	$(PYTHON_1X) -m venv .venv-1x
	.venv-1x/bin/pip install --quiet --disable-pip-version-check 'quicketl[duckdb]==$(QUICKETL_1X)'
	.venv-1x/bin/pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
		'quicketl==$(QUICKETL_1X)' -d .venv-1x/sdist
	tar -xzf .venv-1x/sdist/quicketl-$(QUICKETL_1X).tar.gz -C .venv-1x/sdist
	mv .venv-1x/sdist/quicketl-$(QUICKETL_1X)/examples .venv-1x/examples
	.venv-1x/bin/quicketl --version
	touch $@

.PHONY: venv-1x
venv-1x: .venv-1x/.ok
