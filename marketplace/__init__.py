"""The Django project: settings, urls, the Celery app, and the marketplace features."""
from .celery import app as celery_app

__all__ = ["celery_app"]
