"""The staff workbench (工作台) at /workbench/: the first page after login.

A reviewer (督查员) sees the review queue with counts per organization and approves or rejects in
place, the commitments that need chasing (overdue, yellow, silent) and the completed ones waiting
for close-out. A reporter (填报员) sees their organization's commitments, their own updates with
the review outcome (rejections first, with the reason) and one link per commitment to report.

Reads are in ``selectors``, scoped by ``policies.roles``; actions are small POST views in
``views`` that call ``policies.services`` and ``policies.reminders``.
"""
