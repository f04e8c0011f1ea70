import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "belmarsh_irp.settings")

application = get_wsgi_application()

from belmarsh_irp.startup import keep_what_was_loaded, refuse_without_secret_key  # noqa: E402

refuse_without_secret_key()
keep_what_was_loaded()
