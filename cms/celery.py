import os

from celery import Celery


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

app = Celery("cms")
# Every Celery setting lives in Django settings under the CELERY_ namespace.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Embargoes lift on time: Wagtail's scheduled publishing runs every minute (run `celery beat`).
# Processing jobs lost to a fault (a killed worker, a broker down at upload) are queued again by
# the sweep; its interval and queue come from settings (NEWSROOM_SWEEP_INTERVAL, the media queue).
app.conf.beat_schedule = {
    "publish-scheduled-pages": {
        "task": "news.tasks.publish_scheduled_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # A part whose worker died in the middle is noticed and queued again.
    "requeue-stuck-clips": {
        "task": "media_assets.tasks.requeue_stuck_clips_task",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The download reports read a daily roll-up of the log: recompute the last days.
    "rollup-downloads": {
        "task": "media_assets.tasks.rollup_downloads_task",
        "schedule": 5 * 60.0,
        "options": {"expires": 4 * 60},
    },
    # Masters kept across a form error live a day; remove the ones nobody came back for.
    "remove-abandoned-uploads": {
        "task": "media_assets.tasks.remove_abandoned_uploads_task",
        "schedule": 60.0 * 60,
        "options": {"expires": 55 * 60},
    },
}


@app.on_after_configure.connect
def schedule_the_sweep(sender, **kwargs):
    from django.conf import settings

    interval = settings.NEWSROOM_SWEEP_INTERVAL
    sender.conf.beat_schedule["requeue-stuck-videos"] = {
        "task": "media_assets.tasks.requeue_stuck_videos_task",
        "schedule": interval,
        "options": {"expires": interval * 0.9, "queue": settings.NEWSROOM_MEDIA_QUEUE},
    }
