"""Who reads: browsers (visitors), known people (contacts) and their buyer companies (accounts)."""

from django.conf import settings
from django.db import models


class Account(models.Model):
    """A buyer company; its contacts form the buying group."""

    name = models.CharField(max_length=200)
    credit_code = models.CharField(
        "unified social credit code", max_length=18, unique=True, null=True, blank=True
    )
    email_domain = models.CharField(max_length=100, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A known person: a logged-in buyer or someone who left a phone number or an email."""

    name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(unique=True, null=True, blank=True)
    phone = models.CharField(max_length=20, unique=True, null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    # A merged contact keeps its row (so the merge can be undone) and points at the survivor.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"contact {self.pk}"


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
        LINK = "link"
        MERGE = "merge"
        UNDO = "undo"

    change_id = models.UUIDField(db_index=True)
    action = models.CharField(max_length=8, choices=Action.choices)
    visitor_id = models.CharField(max_length=64)
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.visitor_id} → {self.contact_id}"
