from django.apps import AppConfig
from django.db.models.signals import pre_delete


class FindingsConfig(AppConfig):
    name = "findings"
    verbose_name = "Review findings and judgements"

    def ready(self):
        from findings.models import Judgement, Paragraph
        from findings.publishing import refuse_deleting_published

        # A published review's judgements and evidence are never deleted, whatever deletes them.
        for model in (Judgement, Paragraph):
            uid = f"refuse-deleting-published-{model.__name__}"
            pre_delete.connect(refuse_deleting_published, sender=model, dispatch_uid=uid)
