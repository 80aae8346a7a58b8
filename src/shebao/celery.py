"""The Celery app: ``celery -A shebao worker`` runs job chunks (and any other task) at scale.

Configuration comes from Django settings under the ``CELERY_`` namespace (``CELERY_BROKER_URL``,
``CELERY_TASK_ACKS_LATE`` …); tasks are found in each installed app's ``tasks.py``. Workers load
Django themselves (Celery's Django fix-up), so every app's ``AppConfig.ready()`` — and with it
every job kind — is registered before the first task runs.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shebao.settings")

app = Celery("shebao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
