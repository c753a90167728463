"""Celery app. Reads Django settings under the CELERY_ namespace; tasks are discovered per app.

With no ``CELERY_BROKER_URL`` the broker is kombu's filesystem transport under ``var/``, patched so
messages appear atomically (see ``vault.fsbroker``); with ``redis://…`` it is Redis.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vault.settings")

from vault import fsbroker

fsbroker.register()

app = Celery("vault")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
