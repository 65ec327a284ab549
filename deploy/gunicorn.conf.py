# gunicorn for the web process: `gunicorn -c deploy/gunicorn.conf.py cms.wsgi`.
# Sync workers are enough: masters and clips leave through nginx (X-Accel-Redirect), never Python.
import multiprocessing


bind = "127.0.0.1:8001"
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "sync"
# A worker busy 60 s without a heartbeat is killed. Uploads of masters do not count against
# it while the client sends: nginx buffers the whole body first (deploy/README.md, "Uploads").
timeout = 60
graceful_timeout = 30
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
