import os

from celery import Celery


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

app = Celery("cms")
# Every Celery setting lives in Django settings under the CELERY_ namespace.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Embargoes lift on time: Wagtail's scheduled publishing runs every minute (run `celery beat`).
app.conf.beat_schedule = {
    "publish-scheduled-pages": {
        "task": "news.tasks.publish_scheduled_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Masters kept across a form error live a day; remove the ones nobody came back for.
    "remove-abandoned-uploads": {
        "task": "media_assets.tasks.remove_abandoned_uploads_task",
        "schedule": 60.0 * 60,
        "options": {"expires": 55 * 60},
    },
}
