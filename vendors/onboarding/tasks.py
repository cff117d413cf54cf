from smtplib import SMTPException

from celery import shared_task

from .services import decision_email_send


@shared_task(autoretry_for=(SMTPException, ConnectionError, TimeoutError), retry_backoff=30, max_retries=8)
def send_decision_email(decision_id: int) -> bool:
    """Email the applicant an officer's decision (approve, reject, changes, suspend…)."""
    return decision_email_send(decision_id=decision_id)
