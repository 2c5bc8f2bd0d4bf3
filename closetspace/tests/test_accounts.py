from django.contrib.auth import get_user_model
from django.urls import reverse


def test_a_visitor_signs_up_and_lands_on_the_upload_page(client, db):
    response = client.post(
        reverse("signup"),
        {"username": "carol", "password1": "a-long-test-password", "password2": "a-long-test-password"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("wardrobe:upload")
    assert client.get(reverse("wardrobe:closet")).status_code == 200
    assert get_user_model().objects.filter(username="carol").exists()


def test_sign_up_explains_a_weak_password(client, db):
    response = client.post(reverse("signup"), {"username": "carol", "password1": "123", "password2": "123"})
    assert response.status_code == 400
    assert "too short" in response.content.decode()


def test_a_person_logs_in_and_out(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": "a-long-test-password"})
    assert response.status_code == 302
    assert client.get(reverse("wardrobe:closet")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("wardrobe:closet")).status_code == 302


def test_a_wrong_password_is_refused(client, user):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_the_home_page_invites_visitors_to_sign_up(client, db):
    page = client.get(reverse("home")).content.decode()
    assert reverse("signup") in page


def test_shop_photos_are_served_from_media(client, db, settings):
    from closetspace.tests.factories import photo_bytes, product
    from closetspace.photos import read_photo
    from recommender.services import product_set_photo
    import io

    item = product()
    product_set_photo(product=item, photo=read_photo(io.BytesIO(photo_bytes())))
    item.save()
    response = client.get(item.thumbnail.url)
    assert response.status_code == 200
    assert client.get("/media/products/../../etc/passwd").status_code == 404
