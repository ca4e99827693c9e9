"""Who reads: browsers (visitors), known people (contacts) and their buyer companies (accounts)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Account(models.Model):
    """A buyer company; its contacts form the buying group."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, null=True, blank=True
    )
    email_domain = models.CharField(
        _("email domain"), max_length=100, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("buyer company")
        verbose_name_plural = _("buyer companies")

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A known person: a logged-in buyer or someone who left a phone number or an email."""

    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, unique=True, null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("user"),
    )
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        verbose_name=_("buyer company"),
    )
    # A merged contact keeps its row (so the merge can be undone) and points at the survivor.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name or self.email or self.phone or _("contact %(id)s") % {"id": self.pk}


class Visitor(models.Model):
    """A browser, by the id the tracker sent (or the daily anonymous id the server derived)."""

    visitor_id = models.CharField(max_length=64, unique=True)
    first_seen = models.DateTimeField()
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="visitors"
    )

    def __str__(self) -> str:
        return self.visitor_id


class IdentityChange(models.Model):
    """The log of every link, merge and undo, so each can be reversed later."""

    class Action(models.TextChoices):
        LINK = "link", _("link")
        MERGE = "merge", _("merge")
        UNDO = "undo", _("undo")

    change_id = models.UUIDField(_("change id"), db_index=True)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    visitor_id = models.CharField(_("visitor id"), max_length=64)
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("contact"),
    )
    previous_contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("previous contact"),
    )
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("identity change")
        verbose_name_plural = _("identity log")

    def __str__(self) -> str:
        return f"{self.action} {self.visitor_id} → {self.contact_id}"
