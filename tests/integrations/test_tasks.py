"""Queueing, the schedule, retries from the log, and the import_sales command (tasks run inline)."""

from dataclasses import replace
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_q.models import Schedule

from integrations import services, tasks
from integrations.errors import AuthError, Unavailable
from integrations.models import ImportRecord, ImportRun, Integration
from sales.models import Sale
from tests.integrations.factories import IntegrationFactory, StoreOrderFactory

pytestmark = pytest.mark.django_db


def _paid_order(integration, **fields):
    placed = integration.activated_at + timedelta(minutes=1)
    return StoreOrderFactory(placed_at=placed, updated_at=placed, **fields)


def test_the_import_schedule_exists_once_and_follows_the_setting(settings):
    schedule = Schedule.objects.get(name=tasks.IMPORT_SCHEDULE_NAME)
    assert (schedule.func, schedule.schedule_type, schedule.minutes, schedule.repeats) == (
        "integrations.tasks.import_all_enabled",
        Schedule.MINUTES,
        5,
        -1,
    )
    settings.IMPORT_SCHEDULE_MINUTES = 2
    tasks.ensure_import_schedule()
    assert Schedule.objects.filter(name=tasks.IMPORT_SCHEDULE_NAME).get().minutes == 2


def test_queue_import_runs_the_store_import(fake_store, gestor):
    integration = IntegrationFactory()
    fake_store(integration).add(_paid_order(integration))

    run, queued = services.queue_import(integration, requested_by=gestor)

    assert queued and run.status == ImportRun.Status.DONE and run.imported == 1
    assert (run.trigger, run.requested_by) == (ImportRun.Trigger.MANUAL, gestor)
    assert Sale.objects.count() == 1


def test_no_second_import_is_queued_while_one_is_queued_or_running(fake_store):
    integration = IntegrationFactory()
    fake_store(integration).add(_paid_order(integration))
    waiting = ImportRun.objects.create(integration=integration, trigger=ImportRun.Trigger.SCHEDULE)

    run, queued = services.queue_import(integration)

    assert not queued and run == waiting and ImportRun.objects.count() == 1
    assert not Sale.objects.exists()


def test_a_run_lost_with_its_worker_no_longer_blocks_the_queue(fake_store):
    integration = IntegrationFactory()
    lost = ImportRun.objects.create(integration=integration, trigger=ImportRun.Trigger.SCHEDULE)
    ImportRun.objects.filter(pk=lost.pk).update(queued_at=timezone.now() - timedelta(hours=1))

    run, queued = services.queue_import(integration)

    lost.refresh_from_db()
    assert queued and run != lost and run.status == ImportRun.Status.DONE
    assert lost.status == ImportRun.Status.FAILED and lost.error


def test_the_schedule_imports_every_enabled_store_and_one_refusing_its_key_stops_alone(fake_store):
    healthy, revoked, off = IntegrationFactory(), IntegrationFactory(), IntegrationFactory(enabled=False)
    gone = IntegrationFactory(connection_status="disconnected", disconnected_at=timezone.now())
    for integration in (healthy, revoked, off, gone):
        fake_store(integration).add(_paid_order(integration))
    fake_store(revoked).fail_on_page[0] = AuthError("401")

    assert tasks.import_all_enabled() == 2

    revoked.refresh_from_db()
    assert revoked.connection_status == Integration.ConnectionStatus.DISCONNECTED
    assert set(Sale.objects.values_list("integration", flat=True)) == {healthy.pk}
    assert fake_store(off).pages_served == 0 and fake_store(gone).pages_served == 0


def test_retry_fetches_failed_orders_again_and_leaves_imported_ones_alone(fake_store):
    integration = IntegrationFactory()
    store = fake_store(integration)
    fine, dollars = _paid_order(integration), _paid_order(integration, currency="USD")
    store.add(fine, dollars)
    tasks.run_import(integration.pk)
    store.change(dollars.store_order_id, currency="BRL")

    request = services.retry_imports(ImportRecord.objects.all())

    assert request.queued == 1 and request.not_importing == []
    assert store.fetches == [dollars.store_order_id]
    assert ImportRecord.objects.get(store_order_id=dollars.store_order_id).status == "imported"
    assert Sale.objects.count() == 2


def test_retry_of_an_integration_that_is_off_is_refused_by_name(fake_store):
    integration = IntegrationFactory()
    fake_store(integration).add(_paid_order(integration, currency="USD"))
    tasks.run_import(integration.pk)
    Integration.objects.filter(pk=integration.pk).update(enabled=False)

    request = services.retry_imports(ImportRecord.objects.select_related("integration"))

    assert request.queued == 0 and request.not_importing == [Integration.objects.get()]
    assert fake_store(integration).fetches == []


def test_a_retry_stops_when_the_store_is_down_and_keeps_the_rest(fake_store):
    integration = IntegrationFactory()
    fake_store(integration).fail_on_fetch = Unavailable("503")
    assert tasks.retry_orders(integration.pk, ["1", "2"]) == {"imported": 0, "skipped": 0, "failed": 0}
    assert fake_store(integration).fetches == ["1"]


def test_import_sales_prints_a_summary_per_integration(fake_store):
    first = IntegrationFactory(name="Loja da Ana")
    second = IntegrationFactory(name="Loja do Bruno")
    fake_store(first).add(_paid_order(first), replace(_paid_order(first), is_paid=False, store_order_id="x"))
    fake_store(second).add(_paid_order(second, currency="USD"))
    IntegrationFactory(name="Loja desligada", enabled=False)
    out = StringIO()

    call_command("import_sales", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == [
        "Loja da Ana (Loja Integrada): 1 novas, 1 ignoradas, 0 com falha",
        "Loja do Bruno (Loja Integrada): 0 novas, 0 ignoradas, 1 com falha",
        "Total: 1 novas, 1 ignoradas, 1 com falha",
    ]
    runs = ImportRun.objects.filter(trigger=ImportRun.Trigger.COMMAND)
    assert runs.count() == 2


def test_import_sales_for_one_integration_says_why_it_did_not_run(fake_store):
    integration = IntegrationFactory(name="Loja parada", enabled=False)
    out = StringIO()
    call_command("import_sales", integration=integration.pk, stdout=out)
    assert out.getvalue().splitlines()[0] == (
        "Loja parada (Loja Integrada): 0 novas, 0 ignoradas, 0 com falha — Não executada: "
        "A integração está desativada, desconectada ou suspensa pela loja."
    )
    with pytest.raises(CommandError, match="Não há integração com o id 999"):
        call_command("import_sales", integration=999)


def test_the_schedule_forgets_finished_runs_after_a_month_but_not_unfinished_ones():
    integration = IntegrationFactory()
    old_done = ImportRun.objects.create(integration=integration, trigger="schedule", status="done")
    old_queued = ImportRun.objects.create(integration=integration, trigger="schedule", status="running")
    recent = ImportRun.objects.create(integration=integration, trigger="schedule", status="done")
    ImportRun.objects.filter(pk__in=[old_done.pk, old_queued.pk]).update(
        queued_at=timezone.now() - timedelta(days=31)
    )

    assert services.prune_import_runs() == 1
    assert set(ImportRun.objects.values_list("pk", flat=True)) >= {old_queued.pk, recent.pk}
    assert not ImportRun.objects.filter(pk=old_done.pk).exists()
