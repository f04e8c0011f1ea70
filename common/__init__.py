"""Shared web helpers that are not models, used by every app (as healthchecks keeps ``hc/lib``).

- ``clock``: the one "today" and "now" (``TRACKER_TODAY`` freezes them);
- ``downloads``: the one CSV writer behind every download;
- ``public_cache``: the version of what the public sees and the cache keys derived from it;
- ``throttle``: how many times something was tried this hour, for every worker process;
- ``pagination``: the ``{% pagination %}`` template tag (registered in ``settings.TEMPLATES``);
- ``context_processors``: what every page's layout needs (the navigation).

A plain package, not an app: no models, no migrations, no templates. It imports Django and
third-party packages only, never an app of the project, so every app may import it. Where a
helper needs an app's rule (the navigation asks who leads or inspects), the rule is named in
settings (``NAVIGATION_LINKS``) and looked up by its dotted path.
"""
