# Shortcuts. The benchmark is never part of `make test` or CI.
PYTHON ?= .venv/bin/python
REFERRALS ?= 100000
DURATION ?= 8

.PHONY: test run bench

test:
	./scripts/test

run:
	./scripts/run

# Seeds ld_bench_$(REFERRALS) on the local PostgreSQL (once), then measures; see docs/performance.md.
bench:
	$(PYTHON) scripts/bench.py --referrals $(REFERRALS) --duration $(DURATION)
