"""Pages under /follow/: the sign-up form, and the pages behind every link of the mails.

A link in a mail only opens a page with a button; the button (a POST) does the thing, so that a
mail scanner that opens every link confirms, unfollows or deletes nothing. The unfollow and delete
endpoints also take the POST that mail programs send for List-Unsubscribe-Post (RFC 8058), which
carries no cookie: they are exempt from CSRF, and the signed token is what authorises them.
"""

from django import forms
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext as _, gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from policies.models import Commitment, KeyTask, Organization

from . import ratelimit, services, tokens
from .models import Follow, Follower

TARGET_MODELS = {"commitment": Commitment, "organization": Organization, "task": KeyTask}


class FollowForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("邮箱地址"), max_length=254,
        error_messages={"invalid": gettext_lazy("请输入有效的邮箱地址。"), "required": gettext_lazy("请输入邮箱地址。")},
    )


def _client_ip(request):
    # REMOTE_ADDR: behind a reverse proxy, the proxy must pass the client's address through (e.g. gunicorn's --forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR", "")


def _target_label(kind, target):
    return Follow(**{kind: target}).target_label()


def _feed_url(kind, target):
    return reverse(f"policies:feed_{kind}", args=[target.code if kind == "task" else target.pk])


@require_http_methods(["GET", "POST"])
def follow(request, kind, pk):
    if kind not in TARGET_MODELS:
        raise Http404(_("不能关注这一类对象。"))
    target = get_object_or_404(TARGET_MODELS[kind], pk=pk)
    form = FollowForm(request.POST or None)
    context = {"form": form, "target": target, "label": _target_label(kind, target), "feed_url": _feed_url(kind, target)}
    if request.method == "POST" and form.is_valid():
        email = services.normalize_email(form.cleaned_data["email"])
        if not (ratelimit.allow("ip", _client_ip(request)) and ratelimit.allow("email", email)):
            form.add_error(None, _("登记过于频繁，请稍后再试。"))
            return render(request, "following/follow.html", context, status=429)
        services.request_follow(email=email, target=target, language=get_language())
        return render(request, "following/message.html", {
            "title": _("请查收确认邮件"),
            "text": _("我们向 %(email)s 发送了一封确认邮件。点击邮件中的链接并确认后，才会开始发送进展通知；"
                      "%(days)s 天内未确认，该登记将被删除。") % {"email": email, "days": tokens.CONFIRM_DAYS},
            "back": target,
        })
    return render(request, "following/follow.html", context, status=400 if form.errors else 200)


def _from_token(action, token, model):
    pk = tokens.read(action, token)
    obj = model.objects.filter(pk=pk).first() if pk is not None else None
    return obj


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    follow_ = _from_token("confirm", token, Follow)
    if follow_ is None:
        return _gone(request, _("确认链接无效或已过期（有效期 %(days)s 天），请重新登记。") % {"days": tokens.CONFIRM_DAYS})
    if request.method == "POST":
        services.confirm_follow(follow=follow_)
        return render(request, "following/message.html", {
            "title": _("已确认关注"),
            "text": _("有新的审核通过的进展时，我们每天最多给 %(email)s 发一封汇总邮件。每封邮件都附有退订和删除地址的链接。")
                    % {"email": follow_.follower.email},
            "back": follow_.target,
        })
    return render(request, "following/action.html", {
        "title": _("确认关注"),
        "text": _("确认用 %(email)s 关注%(target)s？") % {"email": follow_.follower.email, "target": follow_.target_label()},
        "button": _("确认关注"),
    })


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unfollow(request, token):
    follow_ = _from_token("unfollow", token, Follow)
    if follow_ is None:
        return _gone(request, _("已经退订，或链接无效。"))
    if request.method == "POST":
        label = follow_.target_label()
        services.unfollow(follow=follow_)
        return render(request, "following/message.html", {
            "title": _("已退订"), "text": _("不再就%(target)s给您发邮件。") % {"target": label},
        })
    return render(request, "following/action.html", {
        "title": _("退订"),
        "text": _("不再就%(target)s给 %(email)s 发邮件？") % {"target": follow_.target_label(), "email": follow_.follower.email},
        "button": _("退订"),
    })


@csrf_exempt
@require_http_methods(["GET", "POST"])
def forget(request, token):
    follower = _from_token("forget", token, Follower)
    if follower is None:
        return _gone(request, _("该邮箱地址已从本站删除，或链接无效。"))
    if request.method == "POST":
        services.forget(follower=follower)
        return render(request, "following/message.html", {
            "title": _("已删除"), "text": _("您的邮箱地址及其全部关注已从本站删除，不会再收到任何邮件。"),
        })
    return render(request, "following/action.html", {
        "title": _("退订全部并删除邮箱地址"),
        "text": _("删除 %(email)s 及其全部关注？之后不会再收到任何邮件。") % {"email": follower.email},
        "button": _("删除"),
    })


def _gone(request, text):
    return render(request, "following/message.html", {"title": _("链接无效"), "text": text}, status=404)
