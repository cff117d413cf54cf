"""Officers upload the official list from a page, follow its progress and read the report."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.integration.factories import make_user
from tests.integration.registry_files import row, write_xlsx
from vendors.registry.models import Certificate, RegistryImport

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Post a file; the import it enqueues after commit runs as a real commit would run it."""

    def post(client, path, **extra):
        with open(path, "rb") as handle, django_capture_on_commit_callbacks(execute=True):
            return client.post("/registry/import/", {"file": SimpleUploadedFile(path.name, handle.read()), **extra})

    return post


def test_officer_uploads_a_list_and_sees_the_report(client, officer, tmp_path, upload):
    client.force_login(officer)
    response = upload(client, write_xlsx(tmp_path / "danh-sach.xlsx", [row()]))
    job = RegistryImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/registry/import/{job.pk}/"
    status = client.get(f"/registry/import/{job.pk}/status/").json()
    assert status["state"] == "succeeded"
    assert status["progress"] == {"phase": "Ghi", "done": 1, "total": 1}
    assert status["summary"]["created"] == 1
    page = client.get(f"/registry/import/{job.pk}/").content.decode()
    assert "Đã nhập" in page
    assert Certificate.objects.filter(number="GCN-2024-001").exists()


def test_rejected_upload_lists_each_bad_row(client, officer, tmp_path, upload):
    client.force_login(officer)
    upload(client, write_xlsx(tmp_path / "loi.xlsx", [row(), row(number="GCN-2", stars="7 sao")]))
    job = RegistryImport.objects.get()
    assert job.state == "rejected"
    page = client.get(f"/registry/import/{job.pk}/").content.decode()
    assert "Hạng sao" in page
    assert "<td>5</td>" in page
    assert Certificate.objects.count() == 0


def test_upload_of_another_file_type_is_refused_with_a_message(client, officer, tmp_path, upload):
    client.force_login(officer)
    path = tmp_path / "anh.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    response = upload(client, path)
    assert response.status_code == 200
    assert "Chỉ nhận tệp .xlsx hoặc .csv." in response.content.decode()
    assert RegistryImport.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "buyer"])
def test_non_officers_cannot_upload(client, who, tmp_path, upload):
    if who == "buyer":
        client.force_login(make_user("nguoimua"))
    response = upload(client, write_xlsx(tmp_path / "x.xlsx", [row()]))
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert RegistryImport.objects.count() == 0
    assert Certificate.objects.count() == 0
