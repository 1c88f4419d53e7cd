"""`manage.py schedule_tasks` makes the schedules every app declares in its
`schedules.py` (core/schedules.py): all of them, once, and kept up to date."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils.module_loading import import_string
from django_q.models import Schedule

from core.schedules import schedules_declared

pytestmark = pytest.mark.django_db

APPS_WITH_SCHEDULES = {
    "analytics",
    "audit",
    "consultations",
    "learning",
    "urgent",
    "videos",
    "wellbeing",
}


def schedule_tasks() -> str:
    output = io.StringIO()
    call_command("schedule_tasks", stdout=output)
    return output.getvalue()


def rows() -> list[tuple]:
    return list(
        Schedule.objects.order_by("pk").values_list(
            "pk", "name", "func", "schedule_type", "minutes", "repeats", "next_run"
        )
    )


class ScheduleTasksTests:
    def test_every_app_s_schedules_are_made(self, settings):
        settings.KOMAK_DEMO_KEEP_TALK = False
        schedule_tasks()
        declared = {
            spec["name"]: spec
            for spec in schedules_declared()
            if "enabled_by" not in spec
        }
        made = {schedule.name: schedule for schedule in Schedule.objects.all()}
        assert set(made) == set(declared)
        assert {name.split(":")[0] for name in made} == APPS_WITH_SCHEDULES
        for name, schedule in made.items():
            assert schedule.func == declared[name]["func"]
            assert schedule.schedule_type == Schedule.MINUTES
            assert schedule.repeats == -1
            assert callable(import_string(schedule.func))

    def test_a_second_run_changes_nothing(self):
        first_output = schedule_tasks()
        before = rows()
        second_output = schedule_tasks()
        assert "Created" in first_output
        assert rows() == before
        assert second_output == ""

    def test_a_changed_spec_updates_its_row_in_place(self, monkeypatch):
        schedule_tasks()
        name = "videos: recover stalled videos"
        before = Schedule.objects.get(name=name)
        assert before.minutes == 5
        monkeypatch.setattr(
            "videos.schedules.SCHEDULES",
            [
                {
                    "name": name,
                    "func": "videos.tasks.videos_stalled_recover",
                    "minutes": 7,
                }
            ],
        )
        output = schedule_tasks()
        after = Schedule.objects.get(name=name)
        assert after.pk == before.pk
        assert after.minutes == 7
        assert f"Updated '{name}': every 7 minutes." in output
        assert output.count("Updated") == 1

    def test_minutes_named_by_a_setting_follow_it(self, settings):
        name = "analytics: compute the needs analytics"
        schedule_tasks()
        assert Schedule.objects.get(name=name).minutes == (
            settings.ANALYTICS_REFRESH_MINUTES
        )
        settings.ANALYTICS_REFRESH_MINUTES = 15
        schedule_tasks()
        assert Schedule.objects.get(name=name).minutes == 15
        assert Schedule.objects.filter(name=name).count() == 1

    def test_a_schedule_switched_off_by_its_setting_is_removed(self, settings):
        name = "consultations: keep a demo talk joinable"
        settings.KOMAK_DEMO_KEEP_TALK = True
        schedule_tasks()
        assert Schedule.objects.filter(name=name).exists()
        settings.KOMAK_DEMO_KEEP_TALK = False
        output = schedule_tasks()
        assert not Schedule.objects.filter(name=name).exists()
        assert f"Removed '{name}'" in output

    def test_two_specs_with_one_name_are_refused(self, monkeypatch):
        spec = {"name": "urgent: twice", "func": "urgent.tasks.urgent_tidy"}
        monkeypatch.setattr(
            "urgent.schedules.SCHEDULES",
            [{**spec, "minutes": 1}, {**spec, "minutes": 2}],
        )
        with pytest.raises(ImproperlyConfigured, match="urgent: twice"):
            schedule_tasks()
        assert not Schedule.objects.exists()
