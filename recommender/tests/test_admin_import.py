import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from closetspace.tests.factories import photo_bytes
from recommender import index
from recommender.models import EmbeddingStatus, ImportJob, Product

STYLES = "id,gender,masterCategory,subCategory,articleType,baseColour,productDisplayName,filename\n"


def catalogue_zip(rows=3):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        lines = [f"{n},Men,Apparel,Topwear,Tshirts,Blue,Northwind Men Blue Tee {n},img/{n}.jpg" for n in range(rows)]
        archive.writestr("shop/styles.csv", STYLES + "\n".join(lines) + "\n")
        for n in range(rows):
            archive.writestr(f"shop/img/{n}.jpg", photo_bytes())
    return buffer.getvalue()


def upload(admin_client, name, content, capture):
    with capture(execute=True):
        return admin_client.post(
            reverse("admin:recommender_importjob_add"), {"file": SimpleUploadedFile(name, content)}, follow=True
        )


def test_a_zip_of_a_catalogue_and_its_photos_is_imported_in_the_background(
    admin_client, django_capture_on_commit_callbacks
):
    response = upload(admin_client, "shop.zip", catalogue_zip(), django_capture_on_commit_callbacks)
    assert response.status_code == 200
    job = ImportJob.objects.get()
    assert (job.state, job.rows, job.created, job.queued_for_embedding) == ("done", 3, 3, 3)
    assert all(p.image and p.status == EmbeddingStatus.READY for p in Product.objects.all())
    page = admin_client.get(reverse("admin:recommender_importjob_changelist")).content.decode()
    assert "shop.zip" in page and "all embedded" in page and 'http-equiv="refresh"' in page


def test_a_plain_csv_upload_is_imported_again_without_duplicates(admin_client, django_capture_on_commit_callbacks):
    csv = b"url,title,description\nhttps://shop.example/a,Black wool coat,Warm\n"
    upload(admin_client, "a.csv", csv, django_capture_on_commit_callbacks)
    upload(admin_client, "a.csv", csv, django_capture_on_commit_callbacks)
    assert Product.objects.count() == 1
    assert list(ImportJob.objects.values_list("created", "unchanged")) == [(0, 1), (1, 0)]


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("bad.csv", b"url,title,description\nnot-a-url,Coat,\n", "line 2"),
        ("bad.zip", b"not a zip", "damaged or not a zip"),
    ],
)
def test_a_bad_catalogue_fails_the_job_with_the_reason_and_imports_nothing(
    admin_client, django_capture_on_commit_callbacks, name, content, message
):
    upload(admin_client, name, content, django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    assert job.state == "failed" and message in job.message
    assert not Product.objects.exists()


def test_other_file_types_are_refused_in_the_form(admin_client):
    response = admin_client.post(
        reverse("admin:recommender_importjob_add"), {"file": SimpleUploadedFile("shop.xlsx", b"x")}
    )
    assert "Upload a .csv or .jsonl catalogue" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_zip_may_not_write_outside_its_folder(admin_client, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../evil.csv", "url,title,description\n")
    upload(admin_client, "evil.zip", buffer.getvalue(), django_capture_on_commit_callbacks)
    assert "outside its folder" in ImportJob.objects.get().message


def test_rebuild_index_now_from_the_product_list(admin_client, django_capture_on_commit_callbacks):
    from closetspace.tests.factories import product

    product(name="p", vector=[1.0] * 1664)
    changelist = admin_client.get(reverse("admin:recommender_product_changelist")).content.decode()
    assert "Rebuild index now" in changelist and "Import a catalogue" in changelist
    response = admin_client.post(reverse("admin:rebuild-index"), follow=True)
    assert "Rebuilding the index now" in response.content.decode()
    assert len(index.load_current()) == 1


def test_deleting_products_in_the_admin_deletes_their_photos(admin_client, django_capture_on_commit_callbacks):
    upload(admin_client, "shop.zip", catalogue_zip(2), django_capture_on_commit_callbacks)
    products = list(Product.objects.all())
    storage = products[0].image.storage
    names = [f.name for p in products for f in (p.image, p.thumbnail)]
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:recommender_product_changelist"),
            {"action": "delete_selected", "_selected_action": [p.id for p in products], "post": "yes"},
        )
    assert not Product.objects.exists()
    assert not any(storage.exists(name) for name in names)
