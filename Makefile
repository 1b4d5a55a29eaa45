# The two commands of the README: `make run` and `make test`.
# Both set up everything they need first: system packages, .venv, translations.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# The suite runs on every core (pytest-xdist); `make test PYTEST_ARGS=tests/goals` runs a part.
PYTEST_ARGS ?= -n auto

# Debian/Ubuntu packages: a browser for the browser tests, a Chinese font and
# Pango/HarfBuzz for the PDF reports, gettext for the translations.
SYSTEM_PACKAGES := chromium fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 gettext
# The tests also save workbooks with LibreOffice Calc, to prove its files import (SUP-4).
TEST_SYSTEM_PACKAGES := $(SYSTEM_PACKAGES) libreoffice-calc-nogui

.PHONY: run test setup system-deps system-deps-dev translations messages migrate demo serve lint clean

run: setup migrate demo serve

test: setup-dev
	$(PY) -m pytest $(PYTEST_ARGS)

setup: system-deps $(VENV)/.installed translations
setup-dev: system-deps-dev $(VENV)/.installed-dev translations

system-deps-dev:
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="$(TEST_SYSTEM_PACKAGES)"

system-deps:
	@missing=""; \
	for pkg in $(SYSTEM_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$pkg 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			echo "Installing system packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "These system packages are missing:$$missing"; \
			echo "Install them with:"; \
			echo "  sudo apt-get install -y$$missing"; \
			exit 1; \
		fi; \
	fi

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: $(VENV)/bin/python requirements.txt
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/bin/python requirements.txt requirements-dev.txt
	$(PIP) install -q -r requirements-dev.txt
	touch $(VENV)/.installed $@

translations: $(VENV)/.installed
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

# Refresh every zh_Hans catalogue from the code (then translate the new entries). No source
# locations are written, so catalogues change only when a string does.
messages: $(VENV)/.installed
	@for app in kaohe/*/locale; do \
		(cd $$(dirname $$app) && $(CURDIR)/$(PY) $(CURDIR)/manage.py makemessages -l zh_Hans --no-location --no-obsolete -v 0); \
	done
	$(PY) manage.py makemessages -l zh_Hans --no-location --no-obsolete -v 0 --ignore='kaohe/*' --ignore=.venv --ignore=node_modules

migrate:
	$(PY) manage.py migrate --no-input -v 0

# load_demo refuses a database with users of its own (see README); make run then serves it as it is.
demo:
	-$(PY) manage.py load_demo

# The background worker (long PDFs such as evaluation slips) runs alongside the dev server and
# stops with it. Ctrl-C reaches both: the worker finishes the task it is running (Ctrl-C again
# stops it at once); if runserver ends for any other reason the worker is told to stop too.
serve:
	@echo "Serving the portal on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/). Stop with Ctrl-C."
	@$(PY) manage.py db_worker --backend background --no-reload -v 1 & worker=$$!; \
	trap 'wait $$worker' INT; trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Python is checked and formatted by ruff, templates indented by djhtml. JavaScript has no
# formatter here: the ones worth having come from npm, which the two commands do not need.
lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@find . -name '*.html' -not -path './.venv/*' -not -path './static/vendor/*' \
		-not -path './collected_static/*' -not -path './node_modules/*' -print0 \
		| xargs -0 $(VENV)/bin/djhtml --check

clean:
	rm -rf $(VENV) db.sqlite3 media .test-media collected_static
