"""Model app: establishments, inspectorates, inspections, recommendations, and the prison's
response, actions, progress notes and action plans.

Holds the models and their QuerySets, ``actions.py`` (every change to a response or action),
``roles.py`` (the two signed-in roles) and the admin of these models.

May import: Django, third-party packages and ``common``. Nothing here imports ``findings`` or an
audience app (``reports``, ``public``, ``leaders``); the test ``test_dependencies`` checks it.
"""
