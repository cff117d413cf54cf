from celery import shared_task

from .services import webhook_delivery_process


# Idempotent (the delivery is locked and marked processed once), so a redelivery after
# a worker dies mid-task is safe: acks_late.
@shared_task(acks_late=True)
def process_webhook_delivery(delivery_id: int) -> bool:
    """Run the handler of a webhook Saleor sent (enqueued after the delivery is committed)."""
    return webhook_delivery_process(delivery_id=delivery_id)


# Celery's autodiscovery imports only `tasks` modules: register the adapter's other task
# modules here so the worker knows every task the beat schedule and the services send.
from . import catalogue_tasks, gate_tasks, order_tasks, sync_tasks, warehouses  # noqa: E402, F401
