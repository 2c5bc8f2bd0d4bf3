# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Without these, glibc hands big tensor buffers back to the OS after every batch and
# the image encoder runs ~3x slower (measured on a 2-core machine).
export MALLOC_MMAP_THRESHOLD_ ?= 4294967296
export MALLOC_TRIM_THRESHOLD_ ?= 68719476736

.PHONY: run test test-topology install clean evaluate bench-inventory

$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(BIN)/.installed

## make run: the app on the embedded default (SQLite, tasks in-process, demo inventory)
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --verbosity 0
	DEBUG=1 $(BIN)/python manage.py load_demo_inventory
	@echo "Closetspace is at http://127.0.0.1:$(PORT)/ — sign up, add photos, see your picks."
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## make test: the whole test suite (the topology part needs PostgreSQL and redis-server)
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make test-topology: only the production-topology suite
test-topology: install
	TOPOLOGY_REQUIRED=1 $(BIN)/python -m pytest tests/topology $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 var media/wardrobe media/products staticfiles

## make evaluate CATALOGUE=../shared/data/fashion-dev/labels.csv: recommendation quality on a throwaway database
EVAL_DIR ?= /tmp/closetspace-evaluation
evaluate: install
	rm -rf $(EVAL_DIR) && mkdir -p $(EVAL_DIR)
	export DEBUG=1 DATABASE_URL=sqlite:///$(EVAL_DIR)/evaluation.sqlite3 MEDIA_ROOT=$(EVAL_DIR)/media INDEX_DIR=$(EVAL_DIR)/index; \
	$(BIN)/python manage.py migrate --verbosity 0 && \
	$(BIN)/python manage.py import_inventory $(CATALOGUE) && \
	$(BIN)/python manage.py rebuild_index && \
	$(BIN)/python manage.py evaluate_recommendations $(EVAL_ARGS)

## make bench-inventory PRODUCTS=100000 IMAGES=10000: inventory at scale, on a throwaway database
BENCH_DIR ?= /tmp/closetspace-bench
PRODUCTS ?= 100000
IMAGES ?= 0
bench-inventory: install
	rm -rf $(BENCH_DIR) && mkdir -p $(BENCH_DIR)
	export DEBUG=0 SECRET_KEY=bench-only ALLOWED_HOSTS=localhost INDEX_REBUILD_IN_PROCESS=0 \
	  DATABASE_URL=$${BENCH_DATABASE_URL:-sqlite:///$(BENCH_DIR)/bench.sqlite3} MEDIA_ROOT=$(BENCH_DIR)/media \
	  INDEX_DIR=$(BENCH_DIR)/index STATIC_ROOT=$(BENCH_DIR)/static; \
	$(BIN)/python manage.py migrate --verbosity 0 && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	$(BIN)/python manage.py bench_inventory --products $(PRODUCTS) --with-images $(IMAGES)
