"""Model app: what a review found — progress scales, judgements, the report's numbered
paragraphs and notable positive practice.

Holds the models and their QuerySets, ``publishing.py`` (every change to what the public
sees), the judgement template tags and the review screens of the inspectors' workspace (admin).

May import: ``recommendations``, ``common``. Never an audience app (``reports``, ``public``, ``leaders``).
"""
