"""Repeated concerns: a recommendation that repeats one made at an earlier inspection
(``Recommendation.repeats``), followed both ways across the establishment's public inspections."""

from findings.models import published_recommendations, with_latest_judgement


def repeat_chain(today, recommendation):
    """The public recommendations linked to ``recommendation`` by repeats, earliest first
    (itself included), or [] when it neither repeats nor is repeated. One query: the
    establishment's public recommendations with their latest judgement.
    """
    candidates = {
        row.pk: row
        for row in with_latest_judgement(published_recommendations(today), today)
        .filter(inspection__establishment_id=recommendation.inspection.establishment_id)
        .select_related("inspection", "inspectorate")
    }
    if recommendation.pk not in candidates:
        return []
    earlier = []
    current = candidates[recommendation.pk]
    seen = {current.pk}
    while current.repeats_id in candidates and current.repeats_id not in seen:
        current = candidates[current.repeats_id]
        seen.add(current.pk)
        earlier.append(current)
    later = []
    repeated_by = {}
    for row in candidates.values():
        if row.repeats_id:
            repeated_by.setdefault(row.repeats_id, []).append(row)
    current = candidates[recommendation.pk]
    while repeated_by.get(current.pk):
        current = min(repeated_by[current.pk], key=lambda row: row.pk)
        if current.pk in seen:
            break
        seen.add(current.pk)
        later.append(current)
    chain = [*reversed(earlier), candidates[recommendation.pk], *later]
    return chain if len(chain) > 1 else []
