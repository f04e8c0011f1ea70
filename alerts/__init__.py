"""E-mail alerts: anyone may follow an establishment, an area or every new review and inspection.

Followers confirm by e-mail (double opt-in), choose how often they hear (immediately, a daily or a
weekly digest), manage or stop each subscription through a signed link with no account, and
unsubscribe in one click (RFC 8058). What an alert may say is decided only by the model apps'
published QuerySets (``Inspection.objects.published``); a send log makes every send idempotent.

May import: ``findings``, ``recommendations``. Nothing imports ``alerts``; the public pages only
link to its URLs.
"""
