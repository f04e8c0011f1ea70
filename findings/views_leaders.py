"""Prison leaders' pages: their prison's open recommendations, response and actions."""


def dashboard(request):
    raise NotImplementedError  # issue 6
