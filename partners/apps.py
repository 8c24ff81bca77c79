from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from partners import queries, views
        from partners.models import Application, Membership, Partner, ReferralLink
        from prm import registry

        # Cache invalidation of `queries.partner_facts` (not domain flow).
        def membership_changed(sender, instance, **kwargs):
            queries.facts_changed(partner_id=instance.partner_id)

        def relations_changed(sender, instance, **kwargs):
            queries.facts_changed(partner_id=instance.pk if isinstance(instance, Partner) else None)

        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                membership_changed, sender=Membership, dispatch_uid=f"partners.facts_member_{name}"
            )
        for through in (Partner.industries.through, Partner.capabilities.through):
            m2m_changed.connect(
                relations_changed, sender=through, dispatch_uid=f"partners.facts_{through.__name__}"
            )

        # Cache invalidation of the referral card (`queries.cached_partner_referral_link`).
        def link_changed(sender, instance, **kwargs):
            queries.referral_changed(partner_id=instance.partner_id)

        def application_changed(sender, instance, **kwargs):
            if instance.referral_link_id:
                partner_id = (
                    ReferralLink.objects.filter(pk=instance.referral_link_id)
                    .values_list("partner_id", flat=True)
                    .first()
                )
                queries.referral_changed(partner_id=partner_id)

        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(link_changed, sender=ReferralLink, dispatch_uid=f"partners.referral_link_{name}")
            signal.connect(
                application_changed, sender=Application, dispatch_uid=f"partners.referral_application_{name}"
            )

        registry.register_home_panel(views.company_panel, order=10)
        registry.register_home_panel(views.referral_panel, order=11)
        registry.register_staff_links(views.staff_links, order=10)

        from partners import webhooks
        from prm.webhooks import registry as webhook_events

        webhook_events.register(*webhooks.EVENTS)
