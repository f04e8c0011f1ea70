from django.conf import settings


def service(request):
    """The service's name, for the page title and the header."""
    return {"service_name": settings.SERVICE_NAME}
