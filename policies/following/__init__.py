"""Follow by email: a reader follows a commitment, an organization or a key task and gets at most one
mail a day listing the updates approved since the last one.

- models.py: the address (Follower) and what it follows (Follow); nothing else is kept about anyone.
- services.py: sign up, confirm (double opt-in), unfollow, forget an address, send the digests.
- tokens.py: the signed links in every mail; mail.py: the mails and their List-Unsubscribe headers.
- views.py / urls.py: the pages under /follow/; ratelimit.py: sign-ups per IP and per address.
- management/commands/send_follow_digests.py: run daily by cron or a systemd timer.
"""
