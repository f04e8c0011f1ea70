"""Loads the inspectorates and their progress scales, with the definitions printed in
Appendix I of HMI Prisons' IRP reports (Crown copyright, Open Government Licence v3.0)."""

from django.db import migrations

INSPECTORATES = [
    ("HM Inspectorate of Prisons", "HMI Prisons", "hmi-prisons"),
    ("Ofsted", "Ofsted", "ofsted"),
    ("Estyn", "Estyn", "estyn"),
    ("Care Quality Commission", "CQC", "cqc"),
]

SCALES = {
    "hmi-prisons": [
        (
            "No meaningful progress",
            "no-meaningful-progress",
            "Managers had not yet formulated, resourced or begun to implement a realistic improvement plan for this recommendation.",
        ),
        (
            "Insufficient progress",
            "insufficient-progress",
            "Managers had begun to implement a realistic improvement strategy for this recommendation but the actions taken since our inspection had had not yet resulted in sufficient evidence of progress (for example, better and embedded systems and processes).",
        ),
        (
            "Reasonable progress",
            "reasonable-progress",
            "Managers were implementing a realistic improvement strategy for this recommendation and there was evidence of progress (for example, better and embedded systems and processes) and/or early evidence of some improving outcomes for prisoners.",
        ),
        (
            "Good progress",
            "good-progress",
            "Managers had implemented a realistic improvement strategy for this recommendation and had delivered a clear improvement in outcomes for prisoners.",
        ),
    ],
    "ofsted": [
        (
            "Insufficient progress",
            "insufficient-progress",
            "Progress has been either slow or insubstantial or both, and the demonstrable impact on learners has been negligible.",
        ),
        (
            "Reasonable progress",
            "reasonable-progress",
            "Action taken by the provider is already having a beneficial impact on learners and improvements are sustainable and are based on the provider's thorough quality assurance procedures.",
        ),
        (
            "Significant progress",
            "significant-progress",
            "Progress has been rapid and is already having considerable beneficial impact on learners.",
        ),
    ],
}


def load(apps, schema_editor):
    Inspectorate = apps.get_model("recommendations", "Inspectorate")
    ProgressLevel = apps.get_model("findings", "ProgressLevel")
    for name, short_name, slug in INSPECTORATES:
        inspectorate, _ = Inspectorate.objects.get_or_create(
            slug=slug, defaults={"name": name, "short_name": short_name}
        )
        for rank, (label, level_slug, definition) in enumerate(SCALES.get(slug, []), start=1):
            ProgressLevel.objects.update_or_create(
                inspectorate=inspectorate,
                rank=rank,
                defaults={"label": label, "slug": level_slug, "definition": definition},
            )


def unload(apps, schema_editor):
    ProgressLevel = apps.get_model("findings", "ProgressLevel")
    ProgressLevel.objects.filter(inspectorate__slug__in=SCALES).delete()


class Migration(migrations.Migration):
    dependencies = [("findings", "0001_initial"), ("recommendations", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
