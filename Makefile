# Shortcuts for the scripts. The benchmark is never part of `make test` or CI.
#   make run [PORT=8001]    the app with demo data (Ctrl+C stops it)
#   make reset [PORT=8001]  the same, the database emptied and the demo data loaded afresh
#   make test               the whole suite
#   make bench [REFERRALS=1000000]
PYTHON ?= .venv/bin/python
REFERRALS ?= 100000
DURATION ?= 8

.PHONY: test run reset bench

test:
	./scripts/test

run:
	./scripts/run

reset:
	./scripts/run --reset

# Seeds ld_bench_$(REFERRALS) on the local PostgreSQL (once), then measures; see docs/performance.md.
bench:
	$(PYTHON) scripts/bench.py --referrals $(REFERRALS) --duration $(DURATION)
