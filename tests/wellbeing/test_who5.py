"""WHO-5 scoring and the alert rules (wellbeing/who5.py): raw 0-25, percentage
raw x 4, an alert at raw 12 or less and at a fall of 10 points or more, none on a
rise."""

import pytest
from django.utils import translation

from wellbeing import who5


class Who5ScoringTests:
    def test_raw_score_is_the_sum_and_percentage_four_times_it(self):
        raw = who5.raw_score([5, 4, 3, 2, 1])
        assert raw == 15
        assert who5.percentage(raw) == 60

    def test_extremes(self):
        assert who5.raw_score([0] * 5) == 0
        assert who5.raw_score([5] * 5) == 25
        assert who5.percentage(25) == 100

    @pytest.mark.parametrize(
        "items",
        [
            [5, 5, 5, 5],
            [5] * 6,
            [6, 0, 0, 0, 0],
            [-1, 0, 0, 0, 0],
            ["3"] * 5,
            [True] * 5,
        ],
    )
    def test_anything_but_five_answers_from_0_to_5_is_refused(self, items):
        with pytest.raises(ValueError):
            who5.raw_score(items)

    def test_five_items_six_answers_official_wording(self):
        assert len(who5.ITEMS) == 5
        assert [value for value, _label in who5.ANSWERS] == [5, 4, 3, 2, 1, 0]
        with translation.override("en"):
            assert str(who5.ITEMS[0]) == "I have felt cheerful and in good spirits"
            assert str(who5.ANSWERS[0][1]) == "All of the time"


class Who5AlertTests:
    def test_raw_12_is_low_and_13_is_not(self):
        assert who5.alerts_for(raw=12, previous_raw=None) == [who5.ALERT_LOW]
        assert who5.alerts_for(raw=13, previous_raw=None) == []

    def test_a_fall_of_ten_points_alerts(self):
        # 80 % -> 68 %: 12 points down, still above the threshold.
        assert who5.alerts_for(raw=17, previous_raw=20) == [who5.ALERT_FALL]

    def test_a_fall_of_eight_points_is_not_enough(self):
        # Percentages move in steps of 4: 8 points (2 raw) is under the rule.
        assert who5.alerts_for(raw=18, previous_raw=20) == []
        # 12 points (3 raw) is over it.
        assert who5.alerts_for(raw=17, previous_raw=20) == [who5.ALERT_FALL]

    def test_low_and_falling_gives_both(self):
        assert who5.alerts_for(raw=10, previous_raw=18) == [
            who5.ALERT_LOW,
            who5.ALERT_FALL,
        ]

    def test_a_rise_raises_nothing(self):
        assert who5.alerts_for(raw=20, previous_raw=14) == []
        assert who5.alerts_for(raw=16, previous_raw=13) == []

    def test_a_rise_that_stays_low_is_still_low(self):
        assert who5.alerts_for(raw=11, previous_raw=5) == [who5.ALERT_LOW]
