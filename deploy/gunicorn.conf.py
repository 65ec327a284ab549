# gunicorn for the web process: `gunicorn -c deploy/gunicorn.conf.py cms.wsgi`.
# Sync workers are enough: masters and clips leave through nginx (X-Accel-Redirect), never Python.
import multiprocessing


bind = "127.0.0.1:8001"
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "sync"
# Django is set up once, in the master, before the workers fork: a worker (re)started after
# max_requests is serving at once instead of importing Django and Wagtail again (2-3 s of CPU
# each), and the workers share those pages of memory. Nothing opens a connection at set-up
# (database, Redis and the broker connect on first use, in each worker).
preload_app = True
# A worker busy 60 s without a heartbeat is killed. Uploads of masters do not count against
# it while the client sends: nginx buffers the whole body first (deploy/README.md, "Uploads").
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
