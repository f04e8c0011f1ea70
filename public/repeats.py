"""Repeated concerns: a recommendation that repeats one made at an earlier inspection
(``Recommendation.repeats``), followed both ways across the establishment's public inspections."""

from findings.models import published_recommendations, with_latest_judgement


def repeat_chain(today, recommendation):
    """The public recommendations linked to ``recommendation`` by repeats, earliest first
    (itself included), or [] when it neither repeats nor is repeated. One query when there is no
    chain: the links (id and ``repeats``) of the establishment's public recommendations, two
    numbers a row; a second only when there is one, for the chain's rows with their latest
    judgement. (Loading every public recommendation of the establishment with its judgement,
    440 rows at national size, was most of a recommendation page's time.)
    """
    links = dict(
        published_recommendations(today)
        .filter(inspection__establishment_id=recommendation.inspection.establishment_id)
        .order_by()
        .values_list("pk", "repeats_id")
    )
    if recommendation.pk not in links:
        return []
    earlier = []
    current = recommendation.pk
    seen = {current}
    while links[current] in links and links[current] not in seen:
        current = links[current]
        seen.add(current)
        earlier.append(current)
    repeated_by = {}
    for pk, repeats in links.items():
        if repeats:
            repeated_by.setdefault(repeats, []).append(pk)
    later = []
    current = recommendation.pk
    while repeated_by.get(current):
        current = min(repeated_by[current])
        if current in seen:
            break
        seen.add(current)
        later.append(current)
    chain = [*reversed(earlier), recommendation.pk, *later]
    if len(chain) < 2:
        return []
    rows = with_latest_judgement(published_recommendations(today), today).filter(pk__in=chain)
    rows = {row.pk: row for row in rows.select_related("inspection", "inspectorate").order_by()}
    return [rows[pk] for pk in chain]
