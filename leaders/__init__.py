"""The prison leaders' workspace: their prison's open recommendations, response and actions.

Views, forms, filters, the action-plan CSV and the reminder e-mails. Every change to a response
or an action goes through ``recommendations.actions``; access goes through ``leader_view``.

May import: ``findings``, ``recommendations``, ``common``. Nothing imports ``leaders``.
"""
