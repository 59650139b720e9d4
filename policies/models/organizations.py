"""Who answered the conference: organizations, their officials, and the reporters who write for them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, gettext_lazy as _, pgettext_lazy

from .. import links
from ..choices import OrganizationKind
from ..querysets import OfficialQuerySet, OrganizationQuerySet
from .base import _in_choices


class OrganizationManager(models.Manager.from_queryset(OrganizationQuerySet)):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Organization(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=OrganizationKind.choices)

    objects = OrganizationManager()

    class Meta:
        verbose_name = pgettext_lazy("model", "单位")
        verbose_name_plural = pgettext_lazy("models", "单位")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="policies_organization_unique_name"),
            models.CheckConstraint(condition=_in_choices("kind", OrganizationKind), name="policies_organization_kind_valid"),
        ]
        indexes = [models.Index(fields=["kind", "name"], name="policies_org_kind_name")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name,)

    def get_absolute_url(self):
        return links.page_url("policies:organization", self.pk)



class OfficialManager(models.Manager.from_queryset(OfficialQuerySet)):
    def get_by_natural_key(self, name, organization_name):
        return self.get(name=name, organization__name=organization_name)


class Official(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("时任职务"), max_length=200)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="officials", verbose_name=pgettext_lazy("model", "单位")
    )

    objects = OfficialManager()

    class Meta:
        verbose_name = pgettext_lazy("model", "领导干部")
        verbose_name_plural = pgettext_lazy("models", "领导干部")
        ordering = ["organization__kind", "organization__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="policies_official_unique_name"),
        ]

    def __str__(self):
        return self.label(self.name, self.title)

    @staticmethod
    def label(name, title):
        """How an official is named in menus and lists: 姓名（时任职务）."""
        return Official.label_pattern() % {"name": name, "title": title}

    @staticmethod
    def label_pattern():
        """``label``'s pattern in the current language: a menu of hundreds of officials translates it once."""
        return gettext("%(name)s（%(title)s）")

    def natural_key(self):
        return (self.name, *self.organization.natural_key())

    natural_key.dependencies = ["policies.organization"]

    def get_absolute_url(self):
        return links.page_url("policies:official", self.pk)


class Reporter(models.Model):
    """A reporter (填报员) and the one organization whose commitments they report on.

    Kept apart from the user so that a reviewer is simply a user without one; not in any fixture.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reporter", verbose_name=_("用户")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="reporters", verbose_name=pgettext_lazy("model", "单位")
    )

    class Meta:
        verbose_name = pgettext_lazy("model", "填报员")
        verbose_name_plural = pgettext_lazy("models", "填报员")

    def __str__(self):
        return gettext("%(name)s（%(organization)s）") % {"name": self.user.get_username(), "organization": self.organization.name}
