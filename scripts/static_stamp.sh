#!/usr/bin/env bash
# The state collectstatic depends on, as one short hash: the project's static tree (static/ and the plug-ins' demos/plugins/*/static/), the
# runtime lock (the installed apps' own static files: admin, DRF, Swagger UI) and the storage in use
# (VAULT_ENV=production compresses, see vault/settings.py). `make static` collects again only when it
# changes, so a repeat `make run` skips the copy.
set -euo pipefail
cd "$(dirname "$0")/.."
{
  echo "storage:${VAULT_ENV:-}"
  sha1sum requirements.txt vault/settings.py
  find static demos/plugins/*/static -type f -print0 | LC_ALL=C sort -z | xargs -0 sha1sum
} | sha1sum | cut -c1-16
