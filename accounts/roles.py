"""Role names and the groups that carry them.

Roles are Django groups so that Wagtail's own group permissions (page permissions,
workflow tasks) apply to them. A social worker who takes training is a Learner *and*
a member of the "Social worker" group: the Learner role gives the learning pages,
the Social worker group marks the audience for programs, cohorts and CPD hours.
"""

LEARNER = "Learner"
TRAINER = "Trainer"
SPECIALIST = "Specialist"
COORDINATOR = "Coordinator"
SOCIAL_WORKER = "Social worker"

ALL_ROLES = (LEARNER, TRAINER, SPECIALIST, COORDINATOR, SOCIAL_WORKER)
