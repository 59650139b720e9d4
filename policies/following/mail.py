"""The two mails: the confirmation of a sign-up, and the daily digest. Both carry the one-click unsubscribe headers.

Both are written in the language the reader signed up in (``Follow.language``), not in whatever
language is active when they are sent: the digest is sent by a management command, outside any request.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from . import tokens


def absolute(path):
    return settings.TRACKER_SITE_URL.rstrip("/") + path


def _forget_url(follower):
    return absolute(reverse("following:forget", args=[tokens.make("forget", follower.pk)]))


def _message(follower, subject, template, context):
    forget_url = _forget_url(follower)
    body = render_to_string(template, {**context, "forget_url": forget_url, "site_url": settings.TRACKER_SITE_URL})
    return EmailMessage(
        subject=subject,
        body=body,
        to=[follower.email],
        headers={
            # RFC 2369 and RFC 8058: mail programs show an unsubscribe button that POSTs to this link.
            "List-Unsubscribe": f"<{forget_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def confirmation(follow):
    url = absolute(reverse("following:confirm", args=[tokens.make("confirm", follow.pk)]))
    with translation.override(follow.language):
        return _message(
            follow.follower,
            gettext("请确认：关注%(target)s") % {"target": follow.target_label()},
            "following/mail/confirm.txt",
            {"follow": follow, "confirm_url": url, "days": tokens.CONFIRM_DAYS},
        )


def digest(follower, sections, language):
    """``sections``: [(follow, unfollow_url, [updates])], only those with updates."""
    count = sum(len(updates) for _, _, updates in sections)
    with translation.override(language):
        return _message(
            follower,
            ngettext("承诺进展：%(count)d 条新的审核通过的进展", "承诺进展：%(count)d 条新的审核通过的进展", count) % {"count": count},
            "following/mail/digest.txt",
            {"sections": sections},
        )


def unfollow_url(follow):
    return absolute(reverse("following:unfollow", args=[tokens.make("unfollow", follow.pk)]))
