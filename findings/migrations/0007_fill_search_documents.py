"""Each recommendation's published evidence, for the one-document public search: what
``findings.publishing.refresh_search_documents`` writes, for the rows already there."""

from django.db import migrations

SEPARATOR = "\n\n"


def fill_evidence(apps, schema_editor):
    Recommendation = apps.get_model("recommendations", "Recommendation")
    Paragraph = apps.get_model("findings", "Paragraph")
    texts, public_from = {}, {}
    paragraphs = (
        Paragraph.objects.filter(judgement__public_from__isnull=False)
        .order_by("judgement__recommendation_id", "judgement__public_from", "judgement__review_id", "section", "index")
        .values_list("judgement__recommendation_id", "judgement__public_from", "text")
    )
    for recommendation_id, date, text in paragraphs.iterator(chunk_size=5000):
        texts.setdefault(recommendation_id, []).append(text)
        public_from[recommendation_id] = max(date, public_from.get(recommendation_id, date))
    changed = [
        Recommendation(pk=pk, evidence_text=SEPARATOR.join(parts), evidence_public_from=public_from[pk])
        for pk, parts in texts.items()
    ]
    Recommendation.objects.bulk_update(changed, ["evidence_text", "evidence_public_from"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0006_merge_glossary_and_public_window"),
        ("recommendations", "0011_public_search_document"),
    ]

    operations = [migrations.RunPython(fill_evidence, migrations.RunPython.noop)]
