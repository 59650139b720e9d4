"""Writes of the following feature: sign up, confirm, unfollow, forget an address, send the daily digests."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from policies.models import Commitment, ProgressUpdate

from . import mail, tokens
from .models import Follow, Follower

logger = logging.getLogger(__name__)


def normalize_email(email):
    # The domain is case-insensitive; the local part is kept as typed except for case, as every
    # provider people actually use treats it so, and one person should not be two followers.
    return email.strip().lower()


def mail_language(language):
    """``language`` if the site speaks it (a code of settings.LANGUAGES), else the default, Chinese."""
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


@transaction.atomic
def request_follow(*, email, target, language=settings.LANGUAGE_CODE):
    """Record that ``email`` wants to follow ``target`` and mail it a confirmation link in ``language``.

    Returns the follow. Sends nothing when the address already follows ``target`` (confirmed):
    the page says the same either way, so it does not tell anyone who follows what. A repeated
    unconfirmed sign-up takes the language of the latest one, whose confirmation mail is the one read.
    """
    language = mail_language(language)
    follower, _ = Follower.objects.get_or_create(email=normalize_email(email))
    kind = target._meta.model_name.replace("keytask", "task")
    follow, _ = Follow.objects.get_or_create(follower=follower, **{kind: target}, defaults={"language": language})
    if follow.confirmed_at is None:
        if follow.language != language:
            follow.language = language
            follow.save(update_fields=["language"])
        transaction.on_commit(lambda: _send_confirmation(follow))
    return follow


def _send_confirmation(follow):
    # A mail server that is down must not turn the sign-up into an error page: the reader can sign up
    # again (the follow is kept, unconfirmed), and the failure is in the log for the operator.
    try:
        mail.confirmation(follow).send()
    except Exception:
        logger.exception("Could not send the confirmation mail of follow %s", follow.pk)


@transaction.atomic
def confirm_follow(*, follow):
    now = timezone.now()
    if follow.confirmed_at is None:
        follow.confirmed_at = now
        follow.save(update_fields=["confirmed_at"])
    follower = Follower.objects.select_for_update().get(pk=follow.follower_id)
    if follower.digested_until is None:
        follower.digested_until = now
        follower.save(update_fields=["digested_until"])
    return follow


@transaction.atomic
def unfollow(*, follow):
    """Stop one follow; an address left following nothing is deleted, as it is kept for nothing else."""
    follower_id = follow.follower_id
    follow.delete()
    if not Follow.objects.filter(follower_id=follower_id).exists():
        Follower.objects.filter(pk=follower_id).delete()


def forget(*, follower):
    """Delete the address and everything it follows."""
    follower.delete()


def forget_unconfirmed(*, now=None):
    """Sign-ups never confirmed within the link's lifetime are deleted, with addresses left following nothing."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=tokens.CONFIRM_DAYS)
    Follow.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff).delete()
    Follower.objects.filter(follows__isnull=True, created_at__lt=cutoff).delete()


def updates_for(follow):
    """Approved updates on what ``follow`` follows."""
    updates = ProgressUpdate.objects.approved()
    if follow.commitment_id:
        return updates.filter(commitment_id=follow.commitment_id)
    if follow.organization_id:
        return updates.filter(commitment__organization_id=follow.organization_id)
    return updates.filter(commitment__in=Commitment.objects.under_task(follow.task))


def send_digests(*, now=None):
    """Mail every confirmed address that has news, at most once per local day. Returns the number of mails sent.

    News for a follow: updates approved after both the address's last digest and the follow's
    confirmation. A run later the same day sends nothing; what was approved meanwhile goes into
    tomorrow's mail. A daily batch: one query per follow.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    forget_unconfirmed(now=now)
    confirmed = Follow.objects.filter(confirmed_at__isnull=False).select_related("commitment", "organization", "task")
    followers = (
        Follower.objects.filter(follows__confirmed_at__isnull=False)
        .exclude(last_digest_on=today)
        .distinct()
        .order_by("pk")
        .prefetch_related(Prefetch("follows", queryset=confirmed.order_by("pk")))
    )
    sent = 0
    for follower in followers:
        sections = []
        for follow in follower.follows.all():
            since = max(filter(None, (follower.digested_until, follow.confirmed_at)))
            updates = list(
                updates_for(follow)
                .filter(reviewed_at__gt=since, reviewed_at__lte=now)
                .select_related("commitment__organization")
                .order_by("reviewed_at", "pk")
            )
            if updates:
                sections.append((follow, mail.unfollow_url(follow), updates))
        if sections and _claim_today(follower, today, now):
            try:
                mail.digest(follower, sections, _digest_language(follower.follows.all())).send()
            except Exception:
                # Not sent: give the day and the news back, so that the next run tries again.
                Follower.objects.filter(pk=follower.pk).update(
                    last_digest_on=follower.last_digest_on, digested_until=follower.digested_until
                )
                raise
            sent += 1
    return sent


def _digest_language(follows):
    """One mail for all an address follows: in the language of its latest confirmed sign-up."""
    return max(follows, key=lambda follow: (follow.confirmed_at, follow.pk)).language


@transaction.atomic
def _claim_today(follower, today, now):
    """Mark today's digest as sent, unless a concurrent run already did: one mail per address per day."""
    claimed = Follower.objects.filter(pk=follower.pk).exclude(last_digest_on=today).update(
        last_digest_on=today, digested_until=now
    )
    return claimed == 1
