"""The after-commit re-evaluation: each object once per commit, whatever the number of
saves (a fill-and-submit saves its report twice; a batch verification many reports)."""

from unittest import mock

from django.db import transaction

from apps.lights import signals

from .conftest import nothing_pending


def test_changes_of_one_transaction_are_evaluated_once(db, django_capture_on_commit_callbacks):
    nothing_pending()
    with mock.patch("apps.lights.services.lights_refresh") as refresh:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            signals.refresh_later("project", 3)
            with transaction.atomic():  # a service's own atomic block: a savepoint
                signals.refresh_later("project", 1)
            signals.refresh_later("project", 3)
            signals.refresh_later("problem", 9)
        calls = sorted((call.kwargs["subject"], call.kwargs["object_ids"]) for call in refresh.call_args_list)
        assert calls == [("problem", [9]), ("project", [1, 3])]


def test_a_rolled_back_savepoint_does_not_lose_the_others(db, django_capture_on_commit_callbacks):
    nothing_pending()
    with mock.patch("apps.lights.services.lights_refresh") as refresh:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            try:
                with transaction.atomic():
                    signals.refresh_later("project", 1)
                    raise RuntimeError
            except RuntimeError:
                pass
            signals.refresh_later("project", 2)
        [call] = refresh.call_args_list
        assert 2 in call.kwargs["object_ids"]
