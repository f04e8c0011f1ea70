"""The read-only open-data API at /api/v1/ (Django REST framework, drf-spectacular).

Every view builds on the same published QuerySets as the public site
(``Inspection.objects.published(today)``, ``Judgement.objects.published(today)``,
``findings.models.published_recommendations``), so a draft or embargoed review appears in no
endpoint, count or filter.
"""
