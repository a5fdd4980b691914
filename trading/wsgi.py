"""WSGI entry point: production may serve plain HTTP with gunicorn workers behind nginx, while Daphne
keeps the websockets (scripts/prod_stack.sh HTTP_SERVER=gunicorn, docs/deployment.md)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trading.settings")
application = get_wsgi_application()
