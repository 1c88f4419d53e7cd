"""The periodic tasks of the audit trail (made by `manage.py schedule_tasks`,
core/schedules.py).

The checkpoint runs every 5 minutes: at most that much of the trail can be cut from
its end unseen by someone who can write the database (docs/privacy.md).
"""

SCHEDULES = [
    {
        "name": "audit: write a signed checkpoint of the chain",
        "func": "audit.tasks.audit_checkpoint_task",
        "minutes": 5,
    },
    {
        "name": "audit: verify the chain and keep its head",
        "func": "audit.tasks.audit_chain_check",
        "minutes": 24 * 60,
    },
]
