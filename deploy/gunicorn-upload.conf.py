# gunicorn for the video library's upload forms only: `gunicorn -c deploy/gunicorn-upload.conf.py
# cms.wsgi` (newsroom-upload.service). nginx buffers the whole upload first, then sends it
# here over loopback; reading a multi-GB body in gunicorn goes at about 30-100 MB/s (its body
# reader works in 1 kB pieces), longer than the web workers' 60 s, so these workers get their
# own long timeout and never take a page request (deploy/README.md, "Uploads").
bind = "127.0.0.1:8002"
workers = 2
worker_class = "sync"
# Django set up once, in the master (deploy/gunicorn.conf.py says why)
preload_app = True
# 50 GB (nginx's limit on these forms) at 30 MB/s.
timeout = 1800
graceful_timeout = 1800
max_requests = 200
max_requests_jitter = 20
accesslog = "-"
