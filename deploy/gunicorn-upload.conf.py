# gunicorn for the video library's upload forms only: `gunicorn -c deploy/gunicorn-upload.conf.py
# cms.wsgi` (newsroom-upload.service). nginx buffers the whole upload first, then sends it
# here over loopback; reading a multi-GB body in gunicorn goes at about 30-100 MB/s (its body
# reader works in 1 kB pieces), longer than the web workers' 60 s, so these workers get their
# own long timeout and never take a page request (deploy/README.md, "Uploads").
bind = "127.0.0.1:8002"
workers = 2
worker_class = "sync"
# Django is set up once, in the master, before the workers fork: a worker (re)started after
# max_requests is serving at once instead of importing Django and Wagtail again (2-3 s of CPU
# each), and the workers share those pages of memory. Nothing opens a connection at set-up
# (database, Redis and the broker connect on first use, in each worker).
preload_app = True
# 50 GB (nginx's limit on these forms) at 30 MB/s.
timeout = 1800
graceful_timeout = 1800
max_requests = 200
max_requests_jitter = 20
accesslog = "-"
