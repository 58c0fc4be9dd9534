"""The after-commit re-evaluation: one per subject and transaction, whatever the number of
saves (a fill-and-submit saves its report twice; a batch verification many reports)."""

from unittest import mock

from django.db import transaction

from apps.lights import signals


def test_changes_of_one_transaction_share_one_re_evaluation(db, django_capture_on_commit_callbacks):
    with mock.patch("apps.lights.services.lights_refresh") as refresh:
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            signals.refresh_later("project", 3)
            with transaction.atomic():  # a service's own atomic block: a savepoint
                signals.refresh_later("project", 1)
            signals.refresh_later("project", 3)
            signals.refresh_later("problem", 9)
        assert len(callbacks) == 2
        assert sorted(call.kwargs["object_ids"] for call in refresh.call_args_list) == [[1, 3], [9]]


def test_a_rolled_back_savepoint_drops_its_own_change_only(db, django_capture_on_commit_callbacks):
    with mock.patch("apps.lights.services.lights_refresh") as refresh:
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            try:
                with transaction.atomic():
                    signals.refresh_later("project", 1)
                    raise RuntimeError
            except RuntimeError:
                pass
            signals.refresh_later("project", 2)
        assert [call.kwargs["object_ids"] for call in refresh.call_args_list] == [[2]]
