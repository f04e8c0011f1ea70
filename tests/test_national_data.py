"""build_national_data fills a database with realistic national data, and the pages read it
correctly: the list's pages, read from its cached layout, are the rows of the full ordering."""

import datetime
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Exists, OuterRef
from django.urls import reverse

from common import clock
from findings.models import Judgement, Paragraph, ParagraphPart, published_recommendations
from public.pages import ListWindow, list_layout, recommendations_for_public_list
from recommendations.models import (
    Action,
    Establishment,
    HealthyPrisonScore,
    Inspection,
    InspectionEra,
    InspectionKind,
    PublicationStatus,
    Recommendation,
    RecommendationKind,
    Response,
)
from tests.conftest import PROJECT_DIR, rolled_back_afterwards


def test_it_refuses_a_database_that_holds_inspections_unless_forced(make_review, belmarsh):
    make_review(belmarsh, [("hmi-prisons", "good-progress")])
    with pytest.raises(CommandError, match="already holds inspections"):
        call_command("build_national_data", establishments=1, years=2, verbosity=0)
    call_command("build_national_data", establishments=1, years=2, force=True, verbosity=0)
    assert Establishment.objects.count() == 2


def test_on_a_database_never_migrated_it_says_to_migrate_without_a_traceback(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    env = {**clean, "DJANGO_DEBUG": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'never-migrated.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "build_national_data", "--dry-run"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert result.stderr == "CommandError: The database has no tables: run `make migrate` (manage.py migrate) first.\n"
    assert result.stdout == ""


def test_dry_run_writes_nothing(db):
    call_command("build_national_data", establishments=2, years=2, dry_run=True, verbosity=0)
    assert not Establishment.objects.exists()


@pytest.fixture(scope="class")
def national_rows(django_db_setup, django_db_blocker):
    """Three establishments over six years, built once for the class below (in a transaction
    rolled back after its last test); each test runs in a savepoint of its own, as ``db`` gives."""
    # Six years back from today: full inspections from both eras (before and from May 2022).
    with rolled_back_afterwards(django_db_blocker):
        with django_db_blocker.unblock():
            call_command("build_national_data", establishments=3, years=6, seed=7, verbosity=0)
        yield


@pytest.fixture
def national(national_rows, db):
    pass


class TestOnNationalData:
    """The tests that read the national data, and only they: its rows live as long as the class."""

    def test_it_builds_establishments_inspections_reviews_and_the_prisons_side(self, national):
        """Every kind of row is made: a full inspection and a review a year, judgements with evidence."""
        assert Establishment.objects.count() == 3
        assert Inspection.objects.filter(kind=InspectionKind.FULL).count() == 3 * 5
        assert Inspection.objects.filter(kind=InspectionKind.IRP).count() == 3 * 5
        assert Recommendation.objects.filter(kind=RecommendationKind.THEME).exists()
        assert Recommendation.objects.filter(priority=True).exists()
        assert Recommendation.objects.filter(repeats__isnull=False).exists()
        assert Response.objects.exists() and Action.objects.exists()
        for judgement in Judgement.objects.all()[:20]:
            assert judgement.level_id is not None
            assert judgement.evidence.filter(part=ParagraphPart.EVIDENCE).exists()
        assert Paragraph.objects.count() > 3 * 2 * 270

    def test_full_inspections_of_both_eras_with_their_scores(self, national):
        """Before May 2022 concerns with recommendations; from May 2022 up to 15 key concerns alone."""
        old = Inspection.objects.filter(kind=InspectionKind.FULL, era=InspectionEra.RECOMMENDATIONS)
        new = Inspection.objects.filter(kind=InspectionKind.FULL, era=InspectionEra.CONCERNS)
        assert old.exists() and new.exists()
        assert all(i.published_on < datetime.date(2022, 5, 3) for i in old)
        assert all(i.published_on >= datetime.date(2022, 5, 3) for i in new)
        concerns = Recommendation.objects.filter(inspection__in=new, kind=RecommendationKind.CONCERN)
        assert concerns.exists() and not concerns.exclude(text="").exists()
        assert not Recommendation.objects.filter(inspection__in=new, kind=RecommendationKind.RECOMMENDATION).exists()
        for inspection in new:
            made = inspection.recommendations.filter(kind=RecommendationKind.CONCERN)
            assert made.count() <= 15 and made.filter(priority=True).count() == 4
        assert HealthyPrisonScore.objects.filter(inspection__kind=InspectionKind.FULL).count() == 3 * 5 * 4
        # some recommendations no review followed up: the public list's "no"
        assert Recommendation.objects.exclude(kind=RecommendationKind.THEME).filter(judgements__isnull=True).exists()
        # every recommendation's reference is a paragraph of its report, so that it links there
        made = Recommendation.objects.filter(inspection__in=old, kind=RecommendationKind.RECOMMENDATION)
        assert made.exists()
        assert not made.exclude(
            Exists(Paragraph.objects.filter(inspection=OuterRef("inspection"), number=OuterRef("reference")))
        ).exists()

    def test_published_judgements_get_their_public_window(self, national):
        """The one function that keeps the public's view ran: published judgements have a window."""
        published = Judgement.objects.filter(review__status=PublicationStatus.PUBLISHED)
        assert published.exists()
        assert not published.filter(public_from__isnull=True).exists()
        assert not Judgement.objects.filter(review__status=PublicationStatus.DRAFT, public_from__isnull=False).exists()

    @pytest.mark.parametrize("sort", ["establishment", "date", "judgement"])
    def test_the_lists_pages_are_the_rows_of_the_full_ordering(self, national, sort):
        """Any slice read through the layout is that slice of the list in its order, however sorted."""
        today = clock.today()
        rows = recommendations_for_public_list(today, sort=sort)
        layout = list_layout(published_recommendations(today), today, "all", sort)
        window = ListWindow(layout, rows, by_judgement=sort == "judgement")
        everything = list(rows.values_list("pk", flat=True))
        assert len(window) == len(everything) > 100
        for start, stop in [(0, 25), (25, 50), (37, 101), (150, 230), (len(everything) - 10, len(everything))]:
            assert [r.pk for r in window[start:stop]] == everything[start:stop]
        assert [r.pk for r in window.chunks(inspections=2)] == everything

    def test_a_deep_page_of_the_list_shows_its_rows(self, client, national):
        """The last page shows the last rows; a page past the end shows the last page."""
        total = recommendations_for_public_list(clock.today()).count()
        last = (total + 24) // 25
        page = client.get(reverse("public:recommendation-list"), {"page": last}).content.decode()
        beyond = client.get(reverse("public:recommendation-list"), {"page": last + 100}).content.decode()
        assert f"<strong>{total}</strong>" in page
        assert f"page {last} of {last}" in page and f"page {last} of {last}" in beyond

    def test_an_establishment_page_shows_its_worst_open_recommendations_and_their_number(self, client, national):
        """Hundreds of open recommendations: the worst 50 shown, the total said, the list linked."""
        establishment = Establishment.objects.order_by("pk").first()
        page = client.get(establishment.get_absolute_url()).content.decode()
        assert "The worst 50 of " in page
        assert f"{reverse('public:recommendation-list')}?establishment={establishment.slug}&amp;sort=judgement" in page
