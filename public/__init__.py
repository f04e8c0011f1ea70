"""The public site: pages, filters, the CSV download and the inspectors' preview.

Every view reads its page through one function of ``public.pages``, built on the model apps'
``published()`` QuerySets so that a draft or embargoed review cannot leak. The JSON API,
national comparisons and feeds belong here too.

May import: ``findings``, ``recommendations``, ``common``. Nothing imports ``public``.
"""
