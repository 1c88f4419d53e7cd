"""Admin forms of training programs and cohorts: a program remembers who created it
(she runs it), and a cohort is made only for a program its author runs."""

from wagtail.admin.forms import WagtailAdminModelForm

from .program_selectors import programs_visible


class ProgramAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding and self.for_user is not None:
            self.instance.owner = self.for_user


class CohortAdminForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "program" in self.fields:
            self.fields["program"].queryset = programs_visible(reader=self.for_user)
