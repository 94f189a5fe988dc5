"""A partial index on viewflow's task table over the open human steps only.

The deadline sweep and the supervisor's counts look for open steps; without it they scan every step ever
created (about six per case, years of them). The index holds only the open ones, so those queries cost what
the open work costs. viewflow's model is not ours to add Meta indexes to, hence RunSQL (same SQL on PostgreSQL
and SQLite).
"""

from django.db import migrations

INDEX = "wf_task_open_human_idx"


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0004_deadline_schedule_and_effects"),
        ("viewflow", "0015_task_scheduled"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON viewflow_task (id)"
            " WHERE status IN ('NEW', 'ASSIGNED', 'STARTED') AND flow_task_type = 'HUMAN'",
            f"DROP INDEX {INDEX}",
        ),
    ]
