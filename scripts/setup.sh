#!/usr/bin/env bash
# Creates .venv and installs Evidence Workbench into it (idempotent, quick when up to date).
# Usage: scripts/setup.sh [--test]   (--test adds the test tools)
# Installs from requirements/*.lock; after changing pyproject.toml's dependencies run
# scripts/lock.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
# Exactly the locked versions, every file checked against its hash (scripts/lock.sh
# writes the locks; pyproject.toml says what we depend on).
lock=requirements/app.lock
[ "${1:-}" = "--test" ] && lock=requirements/test.lock

# LibreOffice renders Office files so DOCX page numbers are those a reader sees
# (ingest/formats/render.py); the fonts are metric-compatible stand-ins for Calibri,
# Cambria, Arial and Times New Roman, so lines and pages break as they do in Word.
OFFICE_PACKAGES="libreoffice-writer-nogui fonts-crosextra-carlito fonts-crosextra-caladea fonts-liberation2"
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing LibreOffice (Debian packages: $OFFICE_PACKAGES)..." >&2
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      $OFFICE_PACKAGES >/dev/null
  else
    echo "NOTE: LibreOffice is not installed and cannot be installed from here (needs root" \
      "and apt-get). DOCX page numbers will be Word's saved page breaks, marked approximate." \
      "To get exact pages: sudo apt-get install $OFFICE_PACKAGES" >&2
  fi
fi

# OCR (ingest/ocr.py): Tesseract from Debian with English, Welsh, Polish and Urdu language
# packs (common in NHS patient materials) and orientation data for pages scanned sideways.
# More languages: apt-get install tesseract-ocr-<code>; projects pick from what is installed.
OCR_PACKAGES="tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd tesseract-ocr-cym tesseract-ocr-pol tesseract-ocr-urd"
ocr_missing=""
for pkg in $OCR_PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || ocr_missing="$ocr_missing $pkg"
done
if [ -n "$ocr_missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing OCR (Debian packages:$ocr_missing)..." >&2
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $ocr_missing >/dev/null
  elif ! command -v tesseract >/dev/null 2>&1; then
    echo "NOTE: Tesseract OCR is not installed and cannot be installed from here (needs root" \
      "and apt-get). Scans and images will be stored as needing OCR." \
      "To read them: sudo apt-get install $OCR_PACKAGES" >&2
  fi
fi

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python scripts/check_lock.py
stamp=".venv/.installed-$(basename "$lock" .lock)"
# Reinstall only when the lock or the project changed since the last install.
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --require-hashes -r "$lock"
  # The project itself, with the build tools just installed from the lock.
  .venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
  touch "$stamp"
fi
